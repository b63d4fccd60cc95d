"""line_plan input generator: jobs with families, due dates and revenues; too little capacity
for all of them (PCG32 only)."""

from __future__ import annotations

from agentzoo.systems.ale_bench.rng import PCG32

STREAM = 0x11AE


def generate(seed: int, **kw: int) -> str:
    rng = PCG32(seed, STREAM)
    n_jobs, n_machines = rng.randint(30, 120), rng.randint(2, 8)
    n_jobs, n_machines = int(kw.get("J", n_jobs)), int(kw.get("K", n_machines))
    n_fam, sigma = rng.randint(2, 6), rng.randint(1, 5)
    speeds = [rng.randint(70, 130) for _ in range(n_machines)]
    setup = [[0 if a == b else rng.randint(5, 30) for b in range(n_fam)] for a in range(n_fam)]
    jobs = []
    for _ in range(n_jobs):
        p = rng.randint(5, 40)
        jobs.append([p, 0, p * rng.randint(3, 8) + rng.randint(0, 20), rng.randint(1, 10), rng.below(n_fam)])
    total = sum(j[0] for j in jobs)
    horizon = total * rng.randint(50, 90) // (100 * n_machines)
    for job in jobs:
        job[1] = rng.randint(min(job[0], horizon), horizon)
    lines = [f"{n_jobs} {n_machines} {horizon} {sigma}", " ".join(map(str, speeds)), str(n_fam)]
    lines += [" ".join(map(str, row)) for row in setup]
    lines += [" ".join(map(str, j)) for j in jobs]
    return "\n".join(lines) + "\n"
