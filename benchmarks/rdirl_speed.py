"""Time per RDIRL update against the cost-net size n, for every curvature and covariance option.

    .venv/bin/python benchmarks/rdirl_speed.py [--sizes 7,17,28,41,60] [--out runs/rdirl_speed.json]

A (h, h) state-only net on 4-D inputs has n = h^2 + 7h + 1 weights (h = 17: n = 409, CartPole-like).
Each cell is the median over repeated updates on random state pairs, wall-clock and thread CPU
time, measured in one process one after the other (ratios are robust to machine load; absolute
numbers are not when the machine is shared). Curvatures that need per-state Hessians (full, clip,
abs) are timed up to ``--max-dense`` weights; a full covariance up to 2000.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.systems.rdirl.cost import CostNet
from agentzoo.systems.rdirl.recursive import RDIRL

VARIANTS = [("gauss_newton", "full"), ("gauss_newton", "block"), ("diag", "diag"), ("gauss_newton", "diag"),
            ("fisher_diff", "full"), ("full", "full"), ("clip", "full"), ("abs", "full"), ("full", "block")]


def time_variant(h: int, curvature: str, structure: str, repeats: int) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    net = CostNet(4, (h, h), "sigmoid", 5.0, np.zeros(4), np.ones(4), rng)
    method = RDIRL(net, N=500, curvature=curvature, cov_structure=structure)
    states = rng.normal(size=(repeats + 2, 2, 4))
    method.observe(*states[0])  # warm-up
    wall, cpu = [], []
    for s_e, s_l in states[1:]:
        w0, c0 = time.perf_counter(), time.thread_time()
        method.observe(s_e, s_l)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.thread_time() - c0)
    return {"n": net.n, "curvature": curvature, "cov_structure": structure, "ms_wall": 1e3 * float(np.median(wall)),
            "ms_cpu": 1e3 * float(np.median(cpu)), "P_MB": method.filter.memory_bytes() / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="7,17,28,41,60", help="hidden widths h (n = h^2 + 7h + 1)")
    parser.add_argument("--max-dense", type=int, default=1000, help="largest n for Hessian-based curvatures")
    parser.add_argument("--out", type=Path, default=Path("runs/rdirl_speed.json"))
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    rows = []
    for h in (int(x) for x in args.sizes.split(",")):
        n = h * h + 7 * h + 1
        for curvature, structure in VARIANTS:
            hessians = curvature in ("full", "clip", "abs")
            dense = hessians or curvature == "fisher_diff"
            if (hessians and n > args.max_dense) or (structure == "full" and n > 2000):
                continue
            repeats = 5 if dense and n > 1000 else 10 if dense else 200 if n <= 1000 else 50
            row = time_variant(h, curvature, structure, repeats)
            rows.append(row)
            print(f"n={row['n']:5d} {curvature:>12s}/{structure:<5s} {row['ms_wall']:9.3f} ms wall "
                  f"{row['ms_cpu']:9.3f} ms CPU  P {row['P_MB']:.1f} MB", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2))
    print("| n | curvature | covariance | ms/update (wall) | ms/update (CPU) | P (MB) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['n']} | {r['curvature']} | {r['cov_structure']} | {r['ms_wall']:.3f} | {r['ms_cpu']:.3f} "
              f"| {r['P_MB']:.1f} |")


if __name__ == "__main__":
    main()
