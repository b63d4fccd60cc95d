"""TiMi quality, side by side in one run: embedded model vs the scripted reference, then real data.

    .venv/bin/python benchmarks/timi_quality.py                       # spec scale (hours on 2 cores)
    .venv/bin/python benchmarks/timi_quality.py --pairs 12 --bar-minutes 5 --grid 32 --iters 3

1. Planted-edge synthetic world (and its no-edge twin, same seed), walk-forward, after costs:
   TiMi with the embedded SmolLM2-135M (template mode) and, as a reference, with ``scripted:timi``
   (rule-based choices) on the identical configuration.
   Targets (for the embedded-model run): TiMi beats the val-selected best tuned baseline on >= 60%
   of (pair, fold) test segments and the bootstrap 95% CI of the median Sharpe difference excludes
   0; on the no-edge twin every method's share of positive segments is <= 0.5 + 2 SE and its
   DSR < 0.95 (a TiMi "win" there sets suspect_leak and fails the benchmark). Ablations reported.
2. Real daily data shipped by ``arch`` (S&P 500 and NASDAQ, 1999-2018), walk-forward, no target
   (run with the first model, right after its synthetic section; the JSON is rewritten after every section).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import platform
import time
from typing import Any

import pandas as pd

from agentzoo.systems.timi import Config, run

SHOW = ("timi_sharpe", "best_baseline_sharpe", "walk_forward_win_fraction", "median_sharpe_diff",
        "median_sharpe_diff_ci_lo", "median_sharpe_diff_ci_hi", "n_segments", "max_drawdown",
        "holdout_timi_sharpe", "holdout_best_baseline_sharpe", "holdout_walk_forward_win_fraction",
        "sharpe_no_sa", "sharpe_no_reflection", "sharpe_text_reflection", "cross_pair_sharpe_std_timi",
        "cross_pair_sharpe_std_no_sa", "deploy_llm_calls", "timi_latency_p99_us", "llm_calls_offline",
        "llm_parse_failures", "suspect_leak")


def fmt(x: Any) -> str:
    if isinstance(x, float):
        return "nan" if math.isnan(x) else f"{x:.3f}"
    return str(x)


def check(m: dict[str, Any]) -> dict[str, bool]:
    ok = {"win_fraction>=0.6": m.get("walk_forward_win_fraction", 0) >= 0.6,
          "median_diff_ci_excludes_0": m.get("median_sharpe_diff_ci_lo", -1) > 0,
          "no_leak": not m.get("suspect_leak", True)}
    methods = {k[len("noedge_positive_share_"):] for k in m if k.startswith("noedge_positive_share_")}
    for meth in sorted(methods):
        share, bound = m[f"noedge_positive_share_{meth}"], m[f"noedge_positive_bound_{meth}"]
        dsr = m.get(f"noedge_dsr_{meth}", math.nan)
        significant = bool(m.get(f"noedge_significant_{meth}", False))
        ok[f"noedge_{meth}"] = share <= bound and not (isinstance(dsr, float) and dsr >= 0.95) and not significant
    return ok


def fold_table(records: pd.DataFrame) -> str:
    """Per (world, class, fold): mean net test Sharpe of TiMi and of the val-selected best baseline,
    and the share of pairs where TiMi beats it (the folds where TiMi loses show up here)."""
    lines = ["| world | class | fold | pairs | TiMi Sharpe | best baseline Sharpe | TiMi wins | baselines picked |",
             "|---|---|---|---:|---:|---:|---:|---|"]
    keys = ["world", "cls", "fold"]
    for (world, cls, fold), rows in records.groupby(keys, sort=False):
        t = rows[rows["method"] == "timi"].set_index("pair")["sharpe"]
        b = rows[rows["method"] == "best_baseline"].set_index("pair")
        both = pd.concat([t.rename("t"), b["sharpe"].rename("b")], axis=1).dropna()
        if both.empty:
            continue
        picked = b["family"].value_counts().to_dict() if "family" in b else {}
        lines.append(f"| {world} | {cls} | {fold} | {len(both)} | {both['t'].mean():.2f} | {both['b'].mean():.2f} | "
                     f"{(both['t'] > both['b']).mean():.2f} | {', '.join(f'{k} {v}' for k, v in picked.items())} |")
    return "\n".join(lines)


def save(path: str, results: dict[str, Any]) -> None:
    """Written after every section, so a run cut short keeps what it finished."""
    with open(path, "w") as fh:
        json.dump(results, fh, indent=2, default=str)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pairs", type=int, default=24)
    p.add_argument("--days", type=int, default=120)
    p.add_argument("--folds", type=int, default=4)
    p.add_argument("--bar-minutes", type=int, default=1)
    p.add_argument("--grid", type=int, default=64)
    p.add_argument("--iters", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--models", default="local,scripted:timi")
    p.add_argument("--skip-real", action="store_true")
    p.add_argument("--out", default="timi_quality.json")
    p.add_argument("--fold-table", nargs="+", metavar="RECORDS.parquet",
                   help="only print the per-fold table of records written by an earlier run")
    args = p.parse_args()
    if args.fold_table:
        for path in args.fold_table:
            print(f"\n## {path}\n{fold_table(pd.read_parquet(path))}")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    print(f"# timi quality  python {platform.python_version()}  cpus={os.cpu_count()}  load={os.getloadavg()[0]:.1f}")
    base = Config(n_pairs=args.pairs, days=args.days, n_folds=args.folds, bar_minutes=args.bar_minutes,
                  baseline_grid_size=args.grid, max_reflect_iters=args.iters, seed=args.seed)
    results: dict[str, Any] = {"args": vars(args)}
    models = args.models.split(",")
    for n, model in enumerate(models):
        t0, c0 = time.perf_counter(), time.process_time()
        res = run(base.replace(model=model))
        m = dict(res.metrics)
        m["wall_s"], m["cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
        results[f"synthetic/{model}"] = {"metrics": m, "checks": check(m)}
        res.records.to_parquet(f"{os.path.splitext(args.out)[0]}_{model.replace(':', '_')}.parquet")
        print(f"\n## synthetic, model {model} ({m['wall_s']:.0f} s wall, {m['cpu_s']:.0f} s CPU)  source: {m.get('data_source')}")
        for k in SHOW:
            print(f"{k:40s} {fmt(m.get(k))}")
        print("no-edge twin:", {k[7:]: fmt(v) for k, v in m.items() if k.startswith("noedge_p") or k.startswith("noedge_d")})
        print("no-edge Sharpe 95% CI:", {meth: (fmt(m[f"noedge_sharpe_ci_lo_{meth}"]), fmt(m[f"noedge_sharpe_ci_hi_{meth}"]))
                                          for meth in sorted(k2[len("noedge_sharpe_ci_lo_"):] for k2 in m
                                                             if k2.startswith("noedge_sharpe_ci_lo_"))})
        print("checks:", results[f"synthetic/{model}"]["checks"])
        print(fold_table(res.records))
        save(args.out, results)
        if n == 0 and not args.skip_real:  # the real-data section runs right after the first (embedded) model
            real_data(args, results)
    save(args.out, results)


def real_data(args: argparse.Namespace, results: dict[str, Any]) -> None:
    """arch S&P 500 and NASDAQ daily bars, walk-forward, with the first model; no target."""
    real = Config(model=args.models.split(",")[0], market="arch:sp500+nasdaq", days=5030, n_folds=12,
                  train_days=500, val_days=125, test_days=250, gap_days=5, holdout_days=250,
                  baseline_grid_size=args.grid, max_reflect_iters=args.iters, seed=args.seed,
                  fee_bps=(1.0,), slippage_bps=(1.0,))
    t0, c0 = time.perf_counter(), time.process_time()
    res = run(real)
    m = dict(res.metrics)
    m["wall_s"], m["cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
    results["arch"] = {"metrics": m}
    res.records.to_parquet(f"{os.path.splitext(args.out)[0]}_arch.parquet")
    print(f"\n## real daily data ({m.get('data_source')}), model {real.model} ({m['wall_s']:.0f} s wall, {m['cpu_s']:.0f} s CPU)")
    for k in SHOW[:11]:
        print(f"{k:40s} {fmt(m.get(k))}")
    print({k: fmt(v) for k, v in m.items() if k.startswith(("timi_sharpe_", "best_baseline_sharpe_", "win_fraction_"))})
    print(fold_table(res.records))
    save(args.out, results)


if __name__ == "__main__":
    main()
