"""QuantAgents' run: every variant and the classical baselines on one world, after costs.

The world (and its news stream) is built once; each variant (full, no_risk_alert, no_simulation,
no_news, single_agent) trades the same test period with fresh memories and learner state; the
baselines trade it with the same engine, costs and next-open fills. The hidden events and the full
news table are written as artifacts only after the run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.llm import ChatModel, LLMError, load_model, user
from agentzoo.markets.backtest import BacktestResult, Costs
from agentzoo.markets.metrics import daily_equity, evaluate, returns
from agentzoo.markets.strategy import run_window
from agentzoo.progress import track
from agentzoo.runs import Result
from agentzoo.systems.quantagents import agents as ag
from agentzoo.systems.quantagents import meetings as mt
from agentzoo.systems.quantagents import records as rc
from agentzoo.systems.quantagents.baselines import make_families
from agentzoo.systems.quantagents.config import METRIC_SUFFIX, ROLES, Config
from agentzoo.systems.quantagents.desk import Desk
from agentzoo.systems.quantagents.news import NewsFeed, generate
from agentzoo.systems.quantagents.reward import Learner, prediction_quality
from agentzoo.systems.quantagents.tools import SentimentAnalyzer, abnormal_forward
from agentzoo.systems.quantagents.world import World, build

log = logging.getLogger(__name__)
PERF = ("arr", "sharpe", "max_drawdown", "sortino", "volatility", "calmar", "total_return", "turnover")


def load_agents(cfg: Config) -> dict[str, tuple[ChatModel, str]]:
    """role -> (model, mode). Servers are checked before the first meeting (the error names the URL)."""
    ag.register_scripted()
    cache: dict[str, ChatModel] = {}
    out: dict[str, tuple[ChatModel, str]] = {}
    for role in ROLES:
        spec = cfg.role_model(role)
        if spec not in cache:
            if spec.startswith("openai:"):
                probe = load_model(spec, cache=False)
                try:
                    probe.chat([user("ping")], max_tokens=1)
                except LLMError as exc:
                    raise LLMError(f"{role}'s model {spec} is unreachable before the first meeting: {exc}") from exc
            cache[spec] = load_model(spec, seed=cfg.seed)
        mode = cfg.decision_mode if cfg.decision_mode != "auto" else ("text" if spec.startswith("openai:") else "choice")
        out[role] = (cache[spec], mode)
    return out


def make_team(cfg: Config, models: dict[str, tuple[ChatModel, str]]) -> mt.Team:
    agents = {role: ag.Agent(role, model, mode) for role, (model, mode) in models.items()}
    return mt.Team(agents, SentimentAnalyzer(), mt.Memories(cfg.memory_embedder), cfg.memory_top_k, cfg.max_tokens_report,
                   cfg.r_threshold, cfg.alert_gross, cfg.allow_short, cfg.sentiment_half_life_days, cfg.n_candidates)


def performance(res: BacktestResult) -> dict[str, float]:
    """ARR, Sharpe, MDD, Sortino, volatility, Calmar, total return, turnover (markets.metrics, A = 252)."""
    p = evaluate(res)
    r = returns(daily_equity(res.equity, res.bars.day_starts), res.capital)
    vol = float(np.std(r, ddof=1) * math.sqrt(p.annualisation)) if len(r) > 1 else math.nan
    return {"arr": p.arr, "sharpe": p.sharpe if math.isfinite(p.sharpe) else 0.0, "max_drawdown": p.mdd,
            "sortino": p.sortino, "volatility": vol, "calmar": p.calmar, "total_return": p.total_return,
            "turnover": p.turnover}


def run_baselines(world: World, cfg: Config, params: dict[str, dict[str, float]] | None = None) -> dict[str, BacktestResult]:
    """Each baseline over the test period (indicators warmed up on the sessions before it)."""
    fams = make_families(cfg.max_weight)
    costs = Costs(cfg.fee_bps, cfg.slippage_bps)
    limits = cfg.limits()
    out = {}
    for name in cfg.baselines:
        p = (params or {}).get(name, fams[name].defaults())
        out[name] = run_window(world.bars, world.test_start, world.T, fams[name](p), costs, limits,
                               context_days=world.test_start, capital=cfg.capital)
    return out


def news_diagnostics(world: World, news: pd.DataFrame) -> dict[str, float]:
    """Hidden-truth checks of the stream (after the run): Spearman of tau with the 5-day abnormal return, false rate."""
    from scipy import stats

    items = news[(news["scope"] == "stock") & (news["kind"] != "filler") & (news["day"] + 5 < world.T)]
    if len(items) < 3:
        return {}
    index = {tk: j for j, tk in enumerate(world.tickers)}
    tau = [SentimentAnalyzer.lexicon_tau(str(h)) for h in items["headline"]]
    ab = [abnormal_forward(world.bars.close, int(d), 5)[index[tk]] for d, tk in zip(items["day"], items["ticker"], strict=True)]
    return {"news_ic": float(stats.spearmanr(tau, ab).statistic), "news_items": float(len(news)),
            "news_false_share": float((items["kind"] == "false").mean())}


def _config_key(cfg: Config) -> str:
    return hashlib.sha256(json.dumps({k: v for k, v in cfg.to_dict().items() if k != "checkpoint_dir"},
                                     sort_keys=True).encode()).hexdigest()[:16]


def run_variant(cfg: Config, world: World, feed: NewsFeed, variant: str, models: dict[str, tuple[ChatModel, str]]) -> Desk:
    desk = Desk(cfg, world, feed if variant != "no_news" else NewsFeed.empty(), variant, make_team(cfg, models),
                Learner(cfg.reward_lambda, cfg.reward_sigma_ref, cfg.family_lr))
    ckpt = Path(cfg.checkpoint_dir) / f"{variant}.pkl" if cfg.checkpoint_dir else None
    key = _config_key(cfg)
    if ckpt is not None:
        desk.load(ckpt, key)
    for i in track(range(desk.next_day, desk.bars.T), f"quantagents {variant}"):
        desk.step(i)
        if ckpt is not None and (i + 1 == desk.bars.T or desk.starts[i + 1]):  # a completed week
            desk.save(ckpt, key)
    return desk


def variant_metrics(desk: Desk, res: BacktestResult) -> dict[str, Any]:
    stats = {r: a.stats for r, a in desk.team.agents.items()}
    out: dict[str, Any] = {**performance(res), **prediction_quality(desk.rewards)}
    out.update(n_market_meetings=desk.counts["market_analysis"], n_strategy_meetings=desk.counts["strategy_development"],
               n_alerts=desk.counts["risk_alert"], n_stop_loss=desk.counts["stop_loss"],
               n_sim_refused=desk.counts["sim_refused"], n_rewards=len(desk.rewards),
               parse_failures=sum(s.parse_failures for s in stats.values()),
               llm_calls=sum(s.calls for s in stats.values()),
               llm_tokens=sum(s.prompt_tokens + s.completion_tokens for s in stats.values()))
    n_dec = desk.counts["strategy_development"]
    out["decision_adopt_rate"] = desk.counts["decision_adopt_strategy"] / n_dec if n_dec else math.nan
    out["decision_top_ranked_rate"] = desk.counts["decision_top_ranked"] / n_dec if n_dec else math.nan
    for role, s in stats.items():
        out[f"llm_calls_{role}"] = s.calls
        out[f"llm_seconds_{role}"] = round(s.seconds, 2)
        out[f"parse_failures_{role}"] = s.parse_failures
    return out


def _book_rows(name: str, res: BacktestResult, world: World) -> pd.DataFrame:
    value = res.units * res.bars.close
    w = np.divide(value, res.equity[:, None], out=np.zeros_like(value), where=res.equity[:, None] > 0)
    return pd.DataFrame({"variant": name, "day": np.arange(res.bars.T), "t": world.test_start + np.arange(res.bars.T),
                         "date": [str(x) for x in np.datetime_as_string(res.bars.time, "D")], "equity": res.equity,
                         "gross": np.abs(w).sum(axis=1), "weights": [list(map(float, row)) for row in w]})


def run(config: Config) -> Result:
    """Build the world, run every variant and baseline, and collect metrics, records and artifacts."""
    cfg = config
    start = time.perf_counter()
    world = build(cfg)
    news = generate(world, cfg)
    feed = NewsFeed(news)
    log.info("world %s: %d stocks, %d days (%d test), %d news items", world.bars.source, world.N, world.T,
             world.T - world.test_start, len(news))
    models = load_agents(cfg)
    t_models = time.perf_counter() - start
    metrics: dict[str, Any] = {}
    frames: list[pd.DataFrame] = []
    artifacts: dict[str, Any] = {}
    for variant in cfg.variants:
        desk = run_variant(cfg, world, feed, variant, models)
        res = desk.finish()
        values = variant_metrics(desk, res)
        metrics.update({f"{k}{METRIC_SUFFIX[variant]}": v for k, v in values.items()})
        rows = pd.DataFrame(desk.rows)
        rows["equity"] = res.equity  # the engine's equity at each close
        frames.append(rows)
        artifacts[f"meetings/{variant}.json"] = [
            {"t": t, "date": str(np.datetime_as_string(world.bars.time[t], "D")), "meeting": m, "record": rc.to_dict(r)}
            for t, m, r in desk.team.records]
        log.info("%s: Sharpe %.2f, ARR %.1f%%, MDD %.1f%%, %d alerts, accuracy %.2f", variant, values["sharpe"],
                 100 * values["arr"], 100 * values["max_drawdown"], values["n_alerts"], values["prediction_accuracy"])
    for name, res in run_baselines(world, cfg).items():
        metrics.update({f"{k}_{name}": v for k, v in performance(res).items()})
        frames.append(_book_rows(name, res, world))
    metrics.update(news_diagnostics(world, news))
    metrics["methods"] = ",".join([*cfg.variants, *cfg.baselines])
    metrics["test_days"] = world.T - world.test_start
    headline = [f"{k}{METRIC_SUFFIX[v]}" for v in cfg.variants for k in ("arr", "sharpe", "max_drawdown", "prediction_accuracy")]
    headline += [f"{k}_{b}" for b in cfg.baselines for k in ("arr", "sharpe", "max_drawdown")]
    metrics = {**{k: metrics[k] for k in headline}, **metrics}  # the CLI prints the first keys
    records = pd.concat(frames, ignore_index=True)
    artifacts["news.parquet"] = news
    artifacts["events.parquet"] = world.events
    table = summary_table(metrics, cfg)
    artifacts["summary.md"] = table
    log.info("\n%s", table)
    try:
        from agentzoo.systems.quantagents.report import figures

        partial = Result.create("quantagents", cfg, metrics, records=records, artifacts=artifacts)
        made = figures([partial])
        try:
            for name, fig in made:
                artifacts[f"figures/{name}.png"] = _png(fig)
        finally:  # every figure is closed, even if one fails to render (no pile-up over many runs)
            _close(fig for _, fig in made)
    except ImportError:  # matplotlib missing: figures are optional
        log.warning("matplotlib not installed: no figures")
    timings = {"models_s": t_models, "total_s": time.perf_counter() - start}
    return Result.create("quantagents", cfg, metrics, records=records, artifacts=artifacts, timings=timings)


def summary_table(metrics: dict[str, Any], cfg: Config) -> str:
    """Methods x metrics (Markdown), then prediction quality and alert counts of each variant."""
    cols = ("arr", "sharpe", "max_drawdown", "volatility", "turnover", "prediction_accuracy", "n_alerts")
    lines = ["| method | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name in [*cfg.variants, *cfg.baselines]:
        suffix = METRIC_SUFFIX.get(name, f"_{name}")
        cells = []
        for c in cols:
            v = metrics.get(f"{c}{suffix}", math.nan)
            cells.append(f"{v:.3f}" if isinstance(v, float) and math.isfinite(v) else (str(v) if isinstance(v, int) else "-"))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _png(fig: Any) -> bytes:
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def _close(figs: Any) -> None:
    import matplotlib.pyplot as plt

    for fig in figs:
        plt.close(fig)
