"""probe_map input generator (the judge's hidden data): field size, deposits, query limit and
the seed of the reading noise (PCG32 only)."""

from __future__ import annotations

from agentzoo.systems.ale_bench.rng import PCG32

STREAM = 0x9B0E


def generate(seed: int, **kw: int) -> str:
    rng = PCG32(seed, STREAM)
    n = int(kw.get("N", rng.randint(10, 30)))
    d = rng.randint(n * n // 40 + 1, n * n // 12)
    cells: list[tuple[int, int]] = []
    taken = set()
    while len(cells) < d:
        cell = (rng.below(n), rng.below(n))
        if cell not in taken:
            taken.add(cell)
            cells.append(cell)
    noise_seed = rng.next_u32()
    lines = [f"{n} {d} {3 * n * n} {noise_seed}"] + [f"{x} {y}" for x, y in cells]
    return "\n".join(lines) + "\n"
