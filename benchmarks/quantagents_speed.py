"""QuantAgents speed (spec acceptance 8), measured side by side with a reference in one process.

* scripted backend, 100 stocks x 156 weeks, the full variant: wall time (target <= 60 s on 2 cores),
  beside the equal-weight baseline's backtest of the same period;
* one strategy meeting's simulations, 4 candidates x 512 paths x 5 days x 100 stocks (target <= 100 ms);
* R_score per day (target <= 1 ms).

    .venv/bin/python benchmarks/quantagents_speed.py [--weeks 156] [--stocks 100] [--out FILE.json]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import time

import numpy as np

from agentzoo.seeding import rng
from agentzoo.systems.quantagents.config import Config
from agentzoo.systems.quantagents.news import NewsFeed, generate
from agentzoo.systems.quantagents.records import StrategyProposal
from agentzoo.systems.quantagents.simtrade import Portfolio, SimTrade
from agentzoo.systems.quantagents.strategies import FAMILIES, Signals
from agentzoo.systems.quantagents.tools import (
    MarketView,
    SentimentAnalyzer,
    assess,
    beta,
    dollar_adv,
    realised_vol,
)
from agentzoo.systems.quantagents.world import synthetic

RUN = importlib.import_module("agentzoo.systems.quantagents.run")  # the module (the package exports the function)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--weeks", type=int, default=156)
    ap.add_argument("--stocks", type=int, default=100)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    out: dict[str, object] = {"load_avg_start": os.getloadavg()[0]}
    cfg = Config(model="scripted:quantagents", memory_embedder="hash", n_stocks=args.stocks, n_sectors=10,
                 test_weeks=args.weeks, sim_paths=512, max_tokens_report=0, variants=("full",), baselines=("equal_weight",))
    t0 = time.perf_counter()
    world = synthetic(cfg)
    feed = NewsFeed(generate(world, cfg))
    out["world_s"] = time.perf_counter() - t0

    # (c) R_score per day, and (b) one meeting's simulations, on the same world
    analyzer = SentimentAnalyzer()
    r_times, sim_times = [], []
    for i, t in enumerate(range(world.test_start, world.test_start + 5 * args.repeats, 5)):
        view = MarketView(world.bars, t, feed, world.sectors)
        w = np.full(world.N, 1.0 / world.N)
        start = time.perf_counter()
        b, adv = beta(view), dollar_adv(view)
        assess(view, w, 0.0, cfg.capital, betas=b, adv=adv, refs=cfg.r_refs, r_weights=cfg.r_weights, threshold=0.75)
        r_times.append(time.perf_counter() - start)
        signals = Signals(analyzer.tau_bar(view, 3.0), b, realised_vol(view))
        port = Portfolio(np.zeros(world.N), cfg.capital, world.bars.close[t], np.full(world.N, np.nan))
        cands = [StrategyProposal(f, FAMILIES[f].defaults()) for f in ("momentum_reversal", "sentiment_tilt", "risk_parity", "low_beta")]
        start = time.perf_counter()
        sim = SimTrade(view, port, signals, gen=rng(0, "bench", i), paths=512, horizon=5, lookback=250, kappa=0.01)
        for c in cands:
            sim.simulate(c)
        sim_times.append(time.perf_counter() - start)
    out["r_score_ms_median"] = 1e3 * statistics.median(r_times)
    out["meeting_sims_ms_median"] = 1e3 * statistics.median(sim_times)

    # (a) the whole scripted run of one variant, beside the baseline's backtest
    models = RUN.load_agents(cfg)
    start = time.perf_counter()
    desk = RUN.run_variant(cfg, world, feed, "full", models)
    desk.finish()
    out["scripted_full_s"] = time.perf_counter() - start
    start = time.perf_counter()
    RUN.run_baselines(world, cfg)
    out["equal_weight_backtest_s"] = time.perf_counter() - start
    out["days"] = world.T - world.test_start
    out["load_avg_end"] = os.getloadavg()[0]
    out["config"] = {"stocks": args.stocks, "weeks": args.weeks, "paths": 512}
    print(json.dumps(out, indent=2))
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(out, fh, indent=2)


if __name__ == "__main__":
    main()
