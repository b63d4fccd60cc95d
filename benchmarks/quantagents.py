"""QuantAgents benchmark: the full system vs its ablations vs the classical baselines, after costs.

For every world and seed, all five variants (full, no_risk_alert, no_simulation, no_news, single_agent)
trade the same test period online (decisions at each close, fills at the next open, fees and slippage);
the four classical baselines are re-tuned walk-forward: the test period is cut into ``--folds`` windows,
and before each one every baseline's parameters are chosen with :func:`agentzoo.markets.strategy.tune`
(grid search on a train window, the best re-scored on the validation window just before the test window).

Worlds: ``synthetic`` (news informative by construction), ``no_edge`` (the same worlds with
``news_informative=False``) and ``arch`` (the real S&P 500 and NASDAQ daily series shipped in ``arch``,
two assets plus cash, no news). Per (world, seed) results are cached as JSON in ``--out`` so a long run can be resumed.

Prints a methods x metrics table per world (mean over seeds and a 95% t-interval of the mean Sharpe),
paired stationary-bootstrap 95% CIs of each method's Sharpe minus equal-weight's (daily returns of all seeds
pooled), and the spec's quality checks.

    .venv/bin/python benchmarks/quantagents.py --model scripted:quantagents --seeds 5 --weeks 52 --stocks 30
    .venv/bin/python benchmarks/quantagents.py --model local --seeds 5 --weeks 26 --worlds synthetic,no_edge
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import math
import os
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from agentzoo.markets.backtest import Costs
from agentzoo.markets.metrics import daily_equity, returns, sharpe_diff_ci
from agentzoo.markets.splits import walk_forward
from agentzoo.markets.strategy import run_window, tune
from agentzoo.systems.quantagents.baselines import make_families
from agentzoo.systems.quantagents.config import BASELINES, VARIANTS, Config
from agentzoo.systems.quantagents.news import NewsFeed, generate
from agentzoo.systems.quantagents.world import build

RUN = importlib.import_module("agentzoo.systems.quantagents.run")
log = logging.getLogger("quantagents-bench")
A = 252


def perf(r: np.ndarray, turnover: float = math.nan) -> dict[str, float]:
    """Sharpe, ARR, MDD and volatility of daily returns ``r`` (markets.metrics conventions, A = 252)."""
    equity = np.cumprod(1 + r)
    sd = float(np.std(r, ddof=1))
    return {"sharpe": math.sqrt(A) * float(np.mean(r)) / sd if sd > 0 else 0.0,
            "arr": float(equity[-1] ** (A / len(r)) - 1), "max_drawdown": float(np.max(1 - equity / np.maximum.accumulate(np.r_[1.0, equity])[1:])),
            "volatility": sd * math.sqrt(A), "turnover": turnover}


def walk_forward_baselines(cfg: Config, world: Any, folds: int, grid: int) -> dict[str, dict[str, Any]]:
    """Each baseline re-tuned before each test fold; returns daily returns chained over the folds."""
    fams = make_families(cfg.max_weight)
    costs, limits = Costs(cfg.fee_bps, cfg.slippage_bps), cfg.limits()
    n_test = world.T - world.test_start
    test_days = n_test // folds
    val_days = min(63, world.test_start // 4)
    plan, _ = walk_forward(world.T, n_folds=folds, train_days=world.test_start - val_days, val_days=val_days,
                           test_days=test_days, gap_days=0)
    out: dict[str, dict[str, Any]] = {}
    for name in cfg.baselines:
        r_all, traded, chosen = [], 0.0, []
        for k, fold in enumerate(plan):
            stop = world.T if k == folds - 1 else fold.test.stop
            params = fams[name].defaults()
            if fams[name].params:
                tuned = tune(fams[name], world.bars, (fold.train.start, fold.train.stop), (fold.val.start, fold.val.stop),
                             costs, limits, grid_size=grid, top_k=3, seed=cfg.seed, context_days=fold.train.start)
                params = tuned.params
            chosen.append(params)
            res = run_window(world.bars, fold.test.start, stop, fams[name](params), costs, limits,
                             context_days=fold.test.start, capital=cfg.capital)
            r_all.append(returns(daily_equity(res.equity, res.bars.day_starts), res.capital))
            traded += float(res.traded.sum() / np.mean(res.equity))
        r = np.concatenate(r_all)
        out[name] = {"returns": r.tolist(), "params": chosen, **perf(r, traded * A / len(r))}
    return out


def one(world_name: str, seed: int, args: argparse.Namespace) -> dict[str, Any]:
    weeks = args.arch_weeks if world_name == "arch" else args.weeks
    cfg = Config(seed=seed, model=args.model, n_stocks=args.stocks, n_sectors=args.sectors, test_weeks=weeks,
                 market="arch:indices" if world_name == "arch" else "synthetic",
                 news_informative=world_name != "no_edge", max_tokens_report=args.report_tokens,
                 memory_embedder=args.embedder, variants=VARIANTS, baselines=BASELINES)
    start = time.perf_counter()
    world = build(cfg)
    feed = NewsFeed(generate(world, cfg))
    models = RUN.load_agents(cfg)
    out: dict[str, Any] = {"world": world_name, "seed": seed, "model": args.model, "methods": {}}
    for variant in cfg.variants:
        desk = RUN.run_variant(cfg, world, feed, variant, models)
        res = desk.finish()
        r = returns(daily_equity(res.equity, res.bars.day_starts), res.capital)
        m = RUN.variant_metrics(desk, res)
        out["methods"][variant] = {"returns": r.tolist(), **perf(r, m["turnover"]),
                                   **{k: m[k] for k in ("prediction_accuracy", "prediction_rank_ic", "mean_reward", "n_alerts",
                                                        "parse_failures", "llm_calls", "decision_adopt_rate",
                                                        "decision_top_ranked_rate")}}
        log.info("%s seed %d %s: Sharpe %.2f MDD %.3f alerts %d (%.0fs)", world_name, seed, variant,
                 out["methods"][variant]["sharpe"], out["methods"][variant]["max_drawdown"], m["n_alerts"],
                 time.perf_counter() - start)
    out["methods"].update(walk_forward_baselines(cfg, world, args.folds, args.grid))
    out["seconds"] = time.perf_counter() - start
    out["load_avg"] = os.getloadavg()[0]
    return out


def t_ci(x: list[float]) -> tuple[float, float]:
    if len(x) < 2:
        return math.nan, math.nan
    half = stats.t.ppf(0.975, len(x) - 1) * float(np.std(x, ddof=1)) / math.sqrt(len(x))
    return float(np.mean(x)) - half, float(np.mean(x)) + half


def summarise(runs: list[dict[str, Any]], world_name: str) -> tuple[str, dict[str, Any]]:
    methods = [m for m in (*VARIANTS, *BASELINES) if all(m in r["methods"] for r in runs)]
    lines = [f"### {world_name} ({len(runs)} seeds, model {runs[0]['model']})", "",
             "| method | Sharpe (mean) | 95% CI of mean | ARR | MDD | volatility | turnover | pred. accuracy | alerts | Sharpe - EW, pooled paired 95% CI |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    summary: dict[str, Any] = {}
    ew = np.concatenate([r["methods"]["equal_weight"]["returns"] for r in runs])
    for m in methods:
        rows = [r["methods"][m] for r in runs]
        sh = [x["sharpe"] for x in rows]
        lo, hi = t_ci(sh)
        pooled = np.concatenate([x["returns"] for x in rows])
        d_lo, d_hi = sharpe_diff_ci(pooled, ew, A, n_boot=2000, seed=0) if m != "equal_weight" else (0.0, 0.0)
        mean = lambda k, rows=rows: float(np.nanmean([x.get(k, math.nan) for x in rows]))  # noqa: E731
        acc = mean("prediction_accuracy") if m in VARIANTS and m != "single_agent" else math.nan
        alerts = mean("n_alerts") if m in VARIANTS else math.nan
        summary[m] = {"sharpe": float(np.mean(sh)), "sharpe_ci": [lo, hi], "sharpe_per_seed": sh, "arr": mean("arr"),
                      "max_drawdown": mean("max_drawdown"), "mdd_per_seed": [x["max_drawdown"] for x in rows],
                      "diff_vs_ew_ci": [d_lo, d_hi], "prediction_accuracy": acc, "alerts": alerts}
        fmt = lambda v, p=3: "-" if not math.isfinite(v) else f"{v:.{p}f}"  # noqa: E731
        lines.append(f"| {m} | {fmt(np.mean(sh), 2)} | [{fmt(lo, 2)}, {fmt(hi, 2)}] | {fmt(mean('arr'))} | "
                     f"{fmt(mean('max_drawdown'))} | {fmt(mean('volatility'))} | {fmt(mean('turnover'), 1)} | {fmt(acc)} | "
                     f"{fmt(alerts, 1)} | " + ("-" if m == "equal_weight" else f"[{d_lo:+.2f}, {d_hi:+.2f}]") + " |")
    full = summary.get("full")
    if full:
        checks = {
            "full_beats_every_baseline_mean_sharpe": all(full["sharpe"] > summary[b]["sharpe"] for b in BASELINES if b in summary),
            "no_risk_alert_mdd_ge_full_seeds": int(sum(a >= b - 1e-12 for a, b in zip(summary["no_risk_alert"]["mdd_per_seed"], full["mdd_per_seed"], strict=True))),
            "no_simulation_lower_mean_sharpe": summary["no_simulation"]["sharpe"] < full["sharpe"],
            "no_news_lower_mean_sharpe": summary["no_news"]["sharpe"] < full["sharpe"],
            "every_diff_vs_ew_ci_includes_0": all(s["diff_vs_ew_ci"][0] <= 0 <= s["diff_vs_ew_ci"][1] for s in summary.values()),
        }
        summary["_checks"] = checks
        lines += ["", "checks: " + ", ".join(f"{k} = {v}" for k, v in checks.items())]
    return "\n".join(lines) + "\n", summary


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="scripted:quantagents")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--arch-weeks", type=int, default=104)
    ap.add_argument("--stocks", type=int, default=30)
    ap.add_argument("--sectors", type=int, default=6)
    ap.add_argument("--folds", type=int, default=4, help="walk-forward folds of the test period (baselines re-tuned before each)")
    ap.add_argument("--grid", type=int, default=12, help="parameter sets per baseline per fold")
    ap.add_argument("--report-tokens", type=int, default=0, help="Emily's written report (0 = tool numbers only)")
    ap.add_argument("--embedder", default="hash", choices=("hash", "minilm"))
    ap.add_argument("--worlds", default="synthetic,no_edge,arch")
    ap.add_argument("--out", default="runs/bench/quantagents")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    out = Path(args.out) / args.model.replace(":", "_").replace("/", "_")
    out.mkdir(parents=True, exist_ok=True)
    report, everything = [], {}
    for world_name in args.worlds.split(","):
        runs = []
        for seed in range(args.seeds):
            path = out / f"{world_name}_seed{seed}_w{args.arch_weeks if world_name == 'arch' else args.weeks}_n{args.stocks}.json"
            if path.exists():
                runs.append(json.loads(path.read_text()))
                continue
            result = one(world_name, seed, args)
            path.write_text(json.dumps(result))
            runs.append(result)
        text, summary = summarise(runs, world_name)
        report.append(text)
        everything[world_name] = summary
        print(text, flush=True)
    (out / "summary.md").write_text("\n".join(report))
    (out / "summary.json").write_text(json.dumps(everything, indent=2, default=float))
    print(f"wrote {out / 'summary.md'}")


if __name__ == "__main__":
    main()
