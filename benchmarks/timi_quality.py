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
2. Real daily data shipped by ``arch`` (S&P 500 and NASDAQ, 1999-2018), walk-forward, no target.
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
        ok[f"noedge_{meth}"] = share <= bound and not (isinstance(dsr, float) and dsr >= 0.95)
    return ok


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
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    print(f"# timi quality  python {platform.python_version()}  cpus={os.cpu_count()}  load={os.getloadavg()[0]:.1f}")
    base = Config(n_pairs=args.pairs, days=args.days, n_folds=args.folds, bar_minutes=args.bar_minutes,
                  baseline_grid_size=args.grid, max_reflect_iters=args.iters, seed=args.seed)
    results: dict[str, Any] = {"args": vars(args)}
    for model in args.models.split(","):
        t0 = time.perf_counter()
        res = run(base.replace(model=model))
        m = dict(res.metrics)
        m["wall_s"] = time.perf_counter() - t0
        results[f"synthetic/{model}"] = {"metrics": m, "checks": check(m)}
        res.records.to_parquet(f"{os.path.splitext(args.out)[0]}_{model.replace(':', '_')}.parquet")
        print(f"\n## synthetic, model {model} ({m['wall_s']:.0f} s)  source: {m.get('data_source')}")
        for k in SHOW:
            print(f"{k:40s} {fmt(m.get(k))}")
        print("no-edge twin:", {k[7:]: fmt(v) for k, v in m.items() if k.startswith("noedge_p") or k.startswith("noedge_d")})
        print("checks:", results[f"synthetic/{model}"]["checks"])
    if not args.skip_real:
        real = Config(model=args.models.split(",")[0], market="arch:sp500+nasdaq", days=5030, n_folds=12,
                      train_days=500, val_days=125, test_days=250, gap_days=5, holdout_days=250,
                      baseline_grid_size=args.grid, max_reflect_iters=args.iters, seed=args.seed,
                      fee_bps=(1.0,), slippage_bps=(1.0,))
        t0 = time.perf_counter()
        res = run(real)
        m = dict(res.metrics)
        m["wall_s"] = time.perf_counter() - t0
        results["arch"] = {"metrics": m}
        res.records.to_parquet(f"{os.path.splitext(args.out)[0]}_arch.parquet")
        print(f"\n## real daily data ({m.get('data_source')}), model {real.model} ({m['wall_s']:.0f} s)")
        for k in SHOW[:11]:
            print(f"{k:40s} {fmt(m.get(k))}")
        print({k: fmt(v) for k, v in m.items() if k.startswith(("timi_sharpe_", "best_baseline_sharpe_", "win_fraction_"))})
    with open(args.out, "w") as fh:
        json.dump(results, fh, indent=2, default=str)


if __name__ == "__main__":
    main()
