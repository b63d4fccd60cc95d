"""stamp_art input generator: a target painted by random stamps, plus 2% noise (PCG32 only)."""

from __future__ import annotations

from agentzoo.systems.ale_bench.rng import PCG32

STREAM = 0x57A3


def generate(seed: int, **kw: int) -> str:
    rng = PCG32(seed, STREAM)
    h_grid, w_grid = rng.randint(20, 60), rng.randint(20, 60)
    h_grid, w_grid = int(kw.get("H", h_grid)), int(kw.get("W", w_grid))
    n_colours, n_stamps = rng.randint(2, 5), rng.randint(3, 6)
    stamps = []
    for _ in range(n_stamps):
        h, w = rng.randint(2, 5), rng.randint(2, 5)
        while True:
            mask = [[rng.below(10) < 6 for _ in range(w)] for _ in range(h)]
            if sum(map(sum, mask)) >= 2:
                break
        stamps.append(mask)
    k = rng.randint(h_grid * w_grid // 12, h_grid * w_grid // 5)
    target = [[0] * w_grid for _ in range(h_grid)]
    for _ in range(k):
        mask = stamps[rng.below(n_stamps)]
        r = rng.randint(-(len(mask) - 1), h_grid - 1)
        c = rng.randint(-(len(mask[0]) - 1), w_grid - 1)
        colour = rng.below(n_colours)
        for a, row in enumerate(mask):
            for b, on in enumerate(row):
                if on and 0 <= r + a < h_grid and 0 <= c + b < w_grid:
                    target[r + a][c + b] = colour
    for line in target:
        for j in range(w_grid):
            if rng.below(100) < 2:
                line[j] = rng.below(n_colours)
    lines = [f"{h_grid} {w_grid} {n_colours} {n_stamps} {k}"]
    for mask in stamps:
        lines.append(f"{len(mask)} {len(mask[0])}")
        lines += ["".join("#" if on else "." for on in row) for row in mask]
    lines += ["".join(str(v) for v in row) for row in target]
    return "\n".join(lines) + "\n"
