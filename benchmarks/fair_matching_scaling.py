"""fair-matching benchmark: exact solve time vs n, approximation ratios vs exact, and component speeds.

Parts (``--parts``, default all):

* ``scaling`` — exact end-of-horizon solve time vs n for i.i.d. (``uniform``) and near-identical
  (``correlated``) utilities, n up to 80, a 60 s cap per solve, status and optimality gap where
  capped. Side by side in the same run on i.i.d. instances: the plain count ILP handed to HiGHS
  (``scipy.optimize.milp``, same gap and cap) without our LP / feasibility steps.
* ``quality`` — value / OPT of every approximation algorithm over 50 seeds per (generator, n, T),
  n in {10, 20}, T in {n, 3n+1}; ``greedy_welfare`` is greedy with its previous max-sum
  tie-break, side by side with the default priority tie-break. Where the exact solve hits its cap the ratio is taken to the
  proven upper bound (min of UB_LP and HiGHS's dual bound), so it is a lower bound on the true ratio.
  The anytime lower bound min_t min_i U_i^t / (t·UB_LP(1)) is reported too.
* ``speed`` — greedy at n = T = 100, decomposition of a dense random count matrix at n = 100, and
  the anytime existence ILP at n = T <= 12.

Usage::

    .venv/bin/python benchmarks/fair_matching_scaling.py --out /tmp/fm_bench            # everything
    .venv/bin/python benchmarks/fair_matching_scaling.py --parts scaling --seeds 3

Results: ``OUT/<part>.csv`` and Markdown tables on stdout (pasted into docs/fair_matching.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy

from agentzoo.seeding import rng
from agentzoo.systems.fair_matching import generate, solve
from agentzoo.systems.fair_matching.anytime import anytime_exists, opt_values
from agentzoo.systems.fair_matching.decompose import decompose
from agentzoo.systems.fair_matching.exact import _count_rows, highs, lp_bound
from agentzoo.systems.fair_matching.heuristics import greedy
from agentzoo.systems.fair_matching.schedule import Schedule

APPROXIMATIONS = ("greedy", "local_search", "lp_round", "decomp_order", "prop_fair", "serial_dictatorship",
                  "rotation", "utilitarian", "random")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def plain_ilp(instance: Any, time_limit_s: float, gap: float) -> tuple[str, float, float, float]:
    """The count ILP handed to HiGHS as is (baseline): (status, value, bound, seconds)."""
    import scipy.sparse as sp
    from scipy.optimize import LinearConstraint

    u, T, n = instance.utilities, instance.rounds, instance.n
    base, A_u = _count_rows(u, T, 1)
    z = sp.csr_matrix((-np.ones(n), (np.arange(n), np.full(n, n * n))), shape=(n, n * n + 1))
    c = np.zeros(n * n + 1)
    c[-1] = 1
    ub = np.full(n * n + 1, float(T))
    ub[-1] = np.inf
    integrality = np.ones(n * n + 1)
    integrality[-1] = 0
    solved = highs(c, [*base, LinearConstraint(A_u + z, 0, np.inf)], np.zeros(n * n + 1), ub, integrality,
                   time_limit_s, gap)
    value = float("nan")
    if solved.x is not None:
        X = np.rint(solved.x[: n * n]).reshape(n, n)
        value = float((u * X).sum(axis=1).min())
    return solved.status, value, solved.bound, solved.seconds


def part_scaling(args: argparse.Namespace) -> pd.DataFrame:
    grid = [("uniform", n, T) for n in (5, 10, 20, 40, 80) for T in sorted({n, 3 * n}) if T <= 120]
    grid += [("correlated", n, n) for n in (5, 8, 10, 20, 40, 80)] + [("correlated", n, 3 * n + 1) for n in (5, 8)]
    rows = []
    for kind, n, T in grid:
        for seed in range(args.seeds):
            instance = generate(kind, n, T, rng(seed, "bench-scaling", kind, n, T))
            schedule = solve("exact", instance, time_limit_s=args.time_limit, mip_rel_gap=1e-6)
            assert schedule is not None
            start = time.perf_counter()
            greedy_value = solve("greedy", instance).value  # type: ignore[union-attr]
            greedy_seconds = time.perf_counter() - start
            start = time.perf_counter()
            decompose(schedule.counts)
            decompose_seconds = time.perf_counter() - start
            row = {"generator": kind, "n": n, "T": T, "seed": seed, "seconds": schedule.info["solve_seconds"],
                   "status": schedule.status, "gap": schedule.gap, "value": schedule.value, "bound": schedule.bound,
                   "method": schedule.info.get("method"), "greedy_value": greedy_value,
                   "greedy_seconds": greedy_seconds, "decompose_seconds": decompose_seconds}
            if kind == "uniform" and not args.no_baseline:
                status, value, _, seconds = plain_ilp(instance, args.time_limit, 1e-6)
                row |= {"plain_status": status, "plain_seconds": seconds, "plain_value": value}
            rows.append(row)
            print(f"  scaling {kind} n={n} T={T} seed={seed}: {row['status']} {row['seconds']:.2f}s "
                  f"gap={row['gap']:.2g} plain={row.get('plain_status', '-')} {row.get('plain_seconds', 0):.2f}s "
                  f"[load {load()}]", flush=True)
    return pd.DataFrame(rows)


def part_quality(args: argparse.Namespace) -> pd.DataFrame:
    rows = []
    cells = [(kind, n, T) for kind in ("uniform", "correlated") for n in (10, 20) for T in (n, 3 * n + 1)]
    if args.quality_cells:
        wanted = {tuple(cell.split(":")) for cell in args.quality_cells.split(",")}
        cells = [cell for cell in cells if (cell[0], str(cell[1]), str(cell[2])) in wanted]
    for kind, n, T in cells:
        for seed in range(args.quality_seeds):
            instance = generate(kind, n, T, rng(seed, "bench-quality", kind, n, T))
            ub_lp, _ = lp_bound(instance)
            exact = solve("exact", instance, time_limit_s=args.quality_time_limit, mip_rel_gap=1e-6)
            assert exact is not None
            optimal = exact.status == "optimal"
            reference = exact.value if optimal else min(ub_lp, exact.bound or ub_lp)
            for algorithm in ("exact", *APPROXIMATIONS, "greedy_welfare"):
                schedule: Schedule | None
                if algorithm == "greedy_welfare":  # the previous greedy tie-break, side by side
                    start = time.perf_counter()
                    schedule = Schedule(instance, greedy(instance, tie_break="welfare"), algorithm,
                                        "none (empirical)", seconds=time.perf_counter() - start)
                else:
                    schedule = exact if algorithm == "exact" else solve(
                        algorithm, instance, seed=seed,
                        counts=exact.counts if algorithm == "decomp_order" else None)
                assert schedule is not None
                minima = schedule.round_minima
                rows.append({
                    "generator": kind, "n": n, "T": T, "seed": seed, "algorithm": algorithm,
                    "ratio": schedule.value / reference, "reference": "opt" if optimal else "bound",
                    "anytime_lb": float(np.min(minima / (np.arange(1, T + 1) * ub_lp / T))),
                    "seconds": schedule.seconds,
                })
        print(f"  quality {kind} n={n} T={T}: done [load {load()}]", flush=True)
    return pd.DataFrame(rows)


def part_speed(args: argparse.Namespace) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for seed in range(3):
        instance = generate("uniform", 100, 100, rng(seed, "bench-speed"))
        start = time.perf_counter()
        greedy(instance)
        rows.append({"what": "greedy n=T=100", "seed": seed, "seconds": time.perf_counter() - start})
        X = np.zeros((100, 100), dtype=np.int64)
        stream = rng(seed, "bench-dense")
        for _ in range(1000):
            X[np.arange(100), stream.permutation(100)] += 1
        start = time.perf_counter()
        pieces = decompose(X)
        rows.append({"what": "decompose dense n=100, T=1000", "seed": seed, "seconds": time.perf_counter() - start,
                     "nnz": np.count_nonzero(X), "matchings": len(pieces)})
    for n in (6, 8, 10, 12):
        for seed in range(args.seeds):
            instance = generate("uniform", n, n, rng(seed, "bench-anytime", n), int_scale=5)
            start = time.perf_counter()
            opt_t = opt_values(instance)
            opt_seconds = time.perf_counter() - start
            result = anytime_exists(instance, opt_t, time_limit_s=args.time_limit)
            rows.append({"what": f"anytime existence ILP n=T={n}", "seed": seed, "seconds": result.seconds,
                         "status": result.status, "opt_t_seconds": opt_seconds})
    return pd.DataFrame(rows)


def markdown(frame: pd.DataFrame, part: str) -> str:
    if part == "scaling":
        agg: dict[str, Any] = {"seconds_median": ("seconds", "median"), "seconds_max": ("seconds", "max"),
                               "optimal": ("status", lambda s: f"{(s == 'optimal').sum()}/{len(s)}"),
                               "gap_max": ("gap", "max"), "greedy_s": ("greedy_seconds", "median"),
                               "decomp_s_max": ("decompose_seconds", "max")}
        if "plain_seconds" in frame:
            agg |= {"plain_median": ("plain_seconds", "median"), "plain_max": ("plain_seconds", "max"),
                    "plain_optimal": ("plain_status", lambda s: f"{(s == 'optimal').sum()}/{s.notna().sum()}")}
        table = frame.groupby(["generator", "n", "T"], sort=False).agg(**agg)
    elif part == "quality":
        table = frame.groupby(["generator", "n", "T", "algorithm"], sort=False).agg(
            median=("ratio", "median"), p05=("ratio", lambda r: np.percentile(r, 5)), min=("ratio", "min"),
            anytime_lb_median=("anytime_lb", "median"),
            vs_bound=("reference", lambda s: int((s == "bound").sum())), seconds=("seconds", "median"))
        table = table.reset_index()
        table = table[table["algorithm"].isin(["exact", "greedy", "greedy_welfare", "local_search", "lp_round", "decomp_order",
                                               "prop_fair", "serial_dictatorship"])]
        return to_markdown(table.set_index(["generator", "n", "T", "algorithm"]))
    else:
        table = frame.groupby("what", sort=False).agg(median=("seconds", "median"), max=("seconds", "max"))
    return to_markdown(table)


def to_markdown(table: pd.DataFrame) -> str:
    """A Markdown table (pandas' to_markdown needs the optional tabulate package)."""
    frame = table.reset_index()

    def cell(value: Any) -> str:
        if isinstance(value, float | np.floating):
            return "nan" if not np.isfinite(value) else f"{value:.4g}"
        return str(value)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", default="scaling,quality,speed")
    parser.add_argument("--out", type=Path, default=Path("/tmp/fair_matching_bench"))
    parser.add_argument("--seeds", type=int, default=3, help="seeds per size in the scaling and speed parts")
    parser.add_argument("--time-limit", type=float, default=60.0, help="cap of each exact solve (scaling)")
    parser.add_argument("--quality-seeds", type=int, default=50)
    parser.add_argument("--quality-cells", default="",
                        help="only these quality cells, e.g. correlated:10:10,uniform:20:61 (default: all eight)")
    parser.add_argument("--quality-time-limit", type=float, default=5.0, help="cap of each exact solve (quality)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain-ILP baseline")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    print(f"# fair-matching benchmark: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"python {platform.python_version()}, scipy {scipy.__version__}, load {load()}", flush=True)
    for part in args.parts.split(","):
        start = time.perf_counter()
        frame = {"scaling": part_scaling, "quality": part_quality, "speed": part_speed}[part](args)
        frame.to_csv(args.out / f"{part}.csv", index=False)
        print(f"\n## {part} ({time.perf_counter() - start:.0f} s, load {load()})\n")
        print(markdown(frame, part), flush=True)


if __name__ == "__main__":
    main()
