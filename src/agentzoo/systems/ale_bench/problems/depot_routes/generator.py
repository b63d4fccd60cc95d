"""depot_routes input generator: clustered customers around one depot (PCG32 only)."""

from __future__ import annotations

from agentzoo.systems.ale_bench.rng import PCG32

STREAM = 0xD3907


def generate(seed: int, **kw: int) -> str:
    rng = PCG32(seed, STREAM)
    n = rng.randint(100, 400)
    k = rng.randint(3, 12)
    n, k = int(kw.get("N", n)), int(kw.get("K", k))
    depot = (rng.randint(400, 600), rng.randint(400, 600))
    n_centres = rng.randint(3, 8)
    centres = [(rng.randint(100, 900), rng.randint(100, 900), rng.randint(40, 140)) for _ in range(n_centres)]
    customers = []
    for _ in range(n):
        if rng.below(10) < 3:
            x, y = rng.randint(0, 1000), rng.randint(0, 1000)
        else:
            cx, cy, spread = centres[rng.below(n_centres)]
            x = min(1000, max(0, cx + rng.randint(-spread, spread)))
            y = min(1000, max(0, cy + rng.randint(-spread, spread)))
        customers.append((x, y, rng.randint(1, 10)))
    total = sum(d for _, _, d in customers)
    slack = rng.randint(105, 125)
    q = (total * slack + 100 * k - 1) // (100 * k)
    lines = [f"{n} {k} {q}", f"{depot[0]} {depot[1]}"]
    lines += [f"{x} {y} {d}" for x, y, d in customers]
    return "\n".join(lines) + "\n"
