"""Time the exact solve of the three i.i.d. quality instances (n = 20) that missed 5 s in the quality part
of ``fair_matching_scaling.py`` (same generator seeds), alone, wall and CPU seconds.

    .venv/bin/python benchmarks/fair_matching_slow_instances.py [--time-limit 120]
"""

from __future__ import annotations

import argparse
import time

from agentzoo.seeding import rng
from agentzoo.systems.fair_matching import generate, solve

SLOW = ((20, 37), (61, 9), (61, 42))
"""(T, seed) of the instances at n = 20."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--time-limit", type=float, default=120.0)
    args = parser.parse_args()
    for T, seed in SLOW:
        instance = generate("uniform", 20, T, rng(seed, "bench-quality", "uniform", 20, T))
        wall, cpu = time.perf_counter(), time.process_time()
        solved = solve("exact", instance, time_limit_s=args.time_limit, mip_rel_gap=1e-6)
        assert solved is not None
        print(f"n=20 T={T} seed={seed}: {solved.status}, {time.perf_counter() - wall:.2f} s wall, "
              f"{time.process_time() - cpu:.2f} s CPU", flush=True)


if __name__ == "__main__":
    main()
