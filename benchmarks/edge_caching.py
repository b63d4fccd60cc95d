"""edge-caching benchmark: every method side by side on the default scenario, over seeds.

Each seed is one ``agentzoo.systems.edge_caching.run`` (common random numbers: all methods
see the same request and channel traces); the reductions are paired by seed. Prints a
Markdown report (delay per method with 95% CIs, paired reductions, augmentation ratio,
environment and training throughput) and writes the raw numbers as JSON.

    .venv/bin/python benchmarks/edge_caching.py --seeds 0,1,2,3,4 --steps 1500 --workers 2 \
        --json runs/bench/edge_caching.json --out runs/bench/edge_caching

Targets (issue #13): maasn_da ≥ 30% below whole_model, ≥ 10% below pb_lfu and iql;
augmentation ratio ≤ 0.6. Whatever the result, it goes to docs/edge_caching.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import platform
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.systems.edge_caching import Config, run
from agentzoo.systems.edge_caching.figures import mean_ci

TARGETS = {"whole_model": 0.30, "pb_lfu": 0.10, "iql": 0.10}


def one_seed(seed: int, args: argparse.Namespace) -> dict[str, Any]:
    config = Config(
        seed=seed,
        methods=tuple(args.methods.split(",")),
        total_env_steps=args.steps,
        warmup_steps=args.warmup,
        hidden=args.hidden,
        batch_size=args.batch,
        **({"lr_actor": args.lr, "lr_critic": args.lr} if args.lr else {}),
        eval_every=max(args.steps // 8, 1),
        eval_episodes=args.eval_episodes,
        bf_eval=args.bf_eval,
    )
    t0 = time.perf_counter()
    result = run(config)
    if args.out:
        result.save(Path(args.out) / f"seed{seed}")
    metrics = dict(result.metrics)
    metrics["seed_wall_s"] = time.perf_counter() - t0
    return metrics


def fmt(mean: float, half: float, pct: bool = False) -> str:
    if not math.isfinite(mean):
        return "n/a"
    if pct:
        return f"{100 * mean:.1f}% ± {100 * half:.1f}"
    return f"{mean:.3f} ± {half:.3f}"


def report(runs: list[dict[str, Any]], args: argparse.Namespace) -> str:
    methods = args.methods.split(",")
    lines = [
        f"Default scenario (K=3, N_t=4, 12 users, 32 PBs), seeds {args.seeds}, "
        f"{args.steps} real steps per learner, bf_eval={args.bf_eval}, "
        f"{args.eval_episodes} eval episodes × 20 slots per seed.",
        "",
        "| method | mean delay (s) | p95 delay (s) | byte hit ratio | backhaul GB/episode | outage rate |",
        "|---|---|---|---|---|---|",
    ]
    for m in methods:
        cells = [fmt(*mean_ci([r[f"{k}_{m}"] for r in runs]))
                 for k in ("delay", "p95", "byte_hit_ratio", "backhaul_gb", "outage_rate")]
        lines.append(f"| {m} | " + " | ".join(cells) + " |")
    lines += ["", "| maasn_da vs | paired delay reduction (mean ± 95% CI half-width) | target | met |",
              "|---|---|---|---|"]
    for ref in [m for m in methods if m != "maasn_da"]:
        red = [1 - r["delay_maasn_da"] / r[f"delay_{ref}"] for r in runs]
        mean, half = mean_ci(red)
        target = TARGETS.get(ref)
        met = "" if target is None else ("yes" if mean >= target and mean - half > 0 else "no")
        tgt = "" if target is None else f"≥ {100 * target:.0f}%"
        lines.append(f"| {ref} | {fmt(mean, half, pct=True)} | {tgt} | {met} |")
    if "pb_lfu" in methods and "unicast" in methods:
        red = [1 - r["delay_pb_lfu"] / r["delay_unicast"] for r in runs]
        lines.append(f"| (pb_lfu vs unicast) | {fmt(*mean_ci(red), pct=True)} | ≥ 20% | "
                     f"{'yes' if statistics.mean(red) >= 0.2 else 'no'} |")
    ratios = [r.get("augmentation_sample_ratio") for r in runs]
    finite = [x for x in ratios if x is not None and math.isfinite(x)]
    aucs = [r.get("augmentation_auc_ratio") for r in runs]
    aucs = [x for x in aucs if x is not None and math.isfinite(x)]
    lines += [
        "",
        f"- augmentation_sample_ratio per seed: {[None if x is None or not math.isfinite(x) else round(x, 3) for x in ratios]}; "
        f"median {statistics.median(finite):.3f}" if finite else
        f"- augmentation_sample_ratio per seed: {ratios} (no-DA never improved on its start: undefined)",
        f"- AUC ratio (DA / no-DA) median: {statistics.median(aucs):.3f}" if aucs else "- AUC ratio: n/a",
        f"- final ρ_t of maasn_da per seed: {[round(r.get('rho_final_maasn_da', float('nan')), 3) for r in runs]}",
        f"- env throughput (one EdgeCachingEnv, MRT, random masked actions): "
        f"{statistics.mean(r['env_steps_per_s'] for r in runs):.0f} steps/s (mean over seeds)",
    ]
    for m in methods:
        key = f"train_steps_per_s_{m}"
        if key in runs[0]:
            lines.append(f"- training throughput {m}: {statistics.mean(r[key] for r in runs):.1f} env steps/s "
                         "(one gradient step per env step)")
    lines.append(f"- wall time per seed: {statistics.mean(r['seed_wall_s'] for r in runs):.0f} s; "
                 f"machine: {platform.processor() or platform.machine()}, {args.workers} worker(s)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--steps", type=int, default=1500, help="real env steps per learner")
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.0, help="both learning rates (0: spec defaults)")
    parser.add_argument("--eval-episodes", type=int, default=10)
    parser.add_argument("--bf-eval", default="mrt", choices=["mrt", "sdr", "robust"])
    parser.add_argument("--methods",
                        default="maasn_da,maasn,iql,whole_model,pb_lfu,unicast,random,oracle_greedy")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--json", default="")
    parser.add_argument("--out", default="", help="save each seed's run directory here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    seeds = [int(s) for s in args.seeds.split(",")]
    with ProcessPoolExecutor(args.workers) as pool:
        runs = list(pool.map(one_seed, seeds, [args] * len(seeds)))
    text = report(runs, args)
    print(text)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        clean = [{k: (v if not isinstance(v, float) or np.isfinite(v) else None)
                  for k, v in r.items() if not isinstance(v, list)} for r in runs]
        Path(args.json).write_text(json.dumps({"args": vars(args), "runs": clean,
                                               "report": text}, indent=2))


if __name__ == "__main__":
    main()
