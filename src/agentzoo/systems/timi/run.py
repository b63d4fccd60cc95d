"""TiMi's run: walk-forward development and LLM-free deployment against tuned baselines.

For each world (planted edge, and its no-edge twin), asset class and fold (then the held-out
window, read once): the offline stages (:mod:`~agentzoo.systems.timi.develop`) build and refine
one bot per pair on train/val; the bot is rendered into its three files and deployed on the
test window under :func:`~agentzoo.systems.timi.deploy.forbid_llm`; the four baselines are tuned
on the same train window and selected on the same val window; every method is scored after
costs on the test window. Segments without trades have Sharpe 0.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from agentzoo.llm import ChatModel, load_model
from agentzoo.markets import baselines as bl
from agentzoo.markets import synth
from agentzoo.markets.backtest import BacktestResult, Costs, Limits
from agentzoo.markets.data import Bars, load_arch, load_csv, load_parquet
from agentzoo.markets.metrics import daily_equity, evaluate
from agentzoo.markets.splits import Holdout, Window, walk_forward
from agentzoo.markets.strategy import run_window, tune
from agentzoo.progress import track
from agentzoo.runs import Result, atomic_write_text
from agentzoo.systems.timi import agents as ag
from agentzoo.systems.timi import bot as botlib
from agentzoo.systems.timi.config import Config
from agentzoo.systems.timi.deploy import deploy_sandboxed, deploy_template, forbid_llm
from agentzoo.systems.timi.develop import CONTEXT_DAYS, Developer, Steps, lockstep
from agentzoo.systems.timi.reflection import RiskLimits
from agentzoo.systems.timi.strategies import Bot, BotSpec, targets
from agentzoo.systems.timi.summary import summarise, tables

log = logging.getLogger(__name__)
PERF_KEYS = ("sharpe", "arr", "sortino", "mdd", "calmar", "total_return", "win_rate", "pl_ratio", "profit_factor",
             "turnover", "utilisation", "trades_per_day", "n_trades")


def load_worlds(cfg: Config) -> dict[str, dict[str, Bars]]:
    """world -> asset class -> Bars. Synthetic worlds come in twins (same seed, edge and 0)."""
    if cfg.market == "synthetic":
        worlds = {"planted": synth.universe(cfg.n_pairs, cfg.asset_classes, cfg.days, seed=cfg.seed, edge=cfg.edge,
                                            p_trend_day=cfg.p_trend_day, bar_minutes=cfg.bar_minutes)}
        if cfg.run_no_edge_control:
            worlds["no_edge"] = synth.universe(cfg.n_pairs, cfg.asset_classes, cfg.days, seed=cfg.seed, edge=0.0,
                                               p_trend_day=cfg.p_trend_day, bar_minutes=cfg.bar_minutes)
        return worlds
    if cfg.market.startswith("arch:"):
        names = cfg.market.split(":", 1)[1].split("+")
        parts = [load_arch(n) for n in names]
    else:
        path = Path(cfg.market.split(":", 1)[1])
        parts = [load_parquet(path) if path.suffix == ".parquet" else load_csv(path)]
    out = {}
    for b in parts:
        out[str(b.assets["cls"].iloc[0]) + ":" + b.ids[0]] = b.days(max(0, b.n_days - cfg.days), b.n_days)
    return {"real": out}


def load_agents(cfg: Config) -> ag.Agents:
    ag.register_scripted()
    cache: dict[str, ChatModel] = {}
    models: dict[str, ChatModel] = {}
    roles: tuple[Literal["semantic", "code", "math"], ...] = ("semantic", "code", "math")
    for role in roles:
        spec = cfg.role_model(role)
        if spec not in cache:
            cache[spec] = load_model(spec, seed=cfg.seed)
        models[role] = cache[spec]
    return ag.Agents(models, calibrate=cfg.calibrate_choices)


def _perf_row(res: BacktestResult) -> dict[str, float]:
    perf = evaluate(res).to_dict()
    row = {k: float(perf[k]) for k in PERF_KEYS}
    if not math.isfinite(row["sharpe"]):
        row["sharpe"] = 0.0  # no trades (constant equity): Sharpe 0
    return row


def _curve(res: BacktestResult) -> list[float]:
    return (daily_equity(res.equity, res.bars.day_starts) / res.capital).tolist()


def run_unit(cfg: Config, agents: ag.Agents, world: str, cls: str, bars: Bars, fold: str, train: Window,
             val: Window, test: Window, holdout: Holdout | None, ablations: tuple[str, ...]) -> Steps[dict[str, Any]]:
    """Develop, deploy and score every method for one (world, class, fold).

    A stage of :func:`~agentzoo.systems.timi.develop.lockstep`: it yields the agents' questions.
    """
    fee, slip = cfg.class_costs(cls)
    costs = Costs(fee_bps=fee, slippage_bps=slip)
    limits = Limits(max_weight=cfg.max_weight, max_gross=cfg.max_gross, allow_short=cfg.allow_short)
    risk = RiskLimits(cfg.q_max, cfg.max_loss_per_trade, cfg.max_drawdown, cfg.max_trades_per_day, cfg.min_utilisation)
    windows = cfg.feature_windows if bars.n_days < bars.T else tuple(d * 1440 for d in (5, 20, 60, 120))  # daily bars
    dev = Developer(bars, (train.start, train.stop), (val.start, val.stop), costs, limits, risk, agents,
                    grid_size=cfg.baseline_grid_size, max_iters=cfg.max_reflect_iters, rho=cfg.lp_trust_region,
                    windows=windows, seed=cfg.seed, ablations=ablations, ask_entry=cfg.ask_entry_rule)
    plan = yield from dev.plan()
    test_bars = holdout.read(bars, CONTEXT_DAYS) if holdout is not None else None  # read once, at the very end
    rows: list[dict[str, Any]] = []
    curves: list[dict[str, Any]] = []
    bots: dict[str, dict[str, str]] = {}
    reflections: dict[str, list[dict[str, Any]]] = {}
    ctx = max(0, test.start - CONTEXT_DAYS)
    for i in range(bars.N):
        pair = bars.ids[i]
        single = bars.select(i)
        window_bars = (test_bars.select(i) if test_bars is not None else single.days(ctx, test.stop))
        offset = int(window_bars.day_starts[test.start - ctx]) if test.start - ctx < window_bars.n_days else 0
        base = {"world": world, "cls": cls, "pair": pair, "fold": fold, "source": bars.source,
                "annualisation": bars.annualisation}
        timi = plan.tracks[(i, "timi")]
        source = botlib.render(timi.bot) if timi.bot is not None else None
        deployed, latency, err, mode = None, (0.0, 0.0), None, "flat"
        if source is not None and cfg.bot_mode == "code":  # A_be writes code; kept only if lawful and it runs on val
            source = code_bot(agents, source, single, val, costs, limits) or source
        with forbid_llm(agents) as counter:
            if source is not None:
                dep = (deploy_sandboxed if cfg.bot_mode == "code" else deploy_template)(
                    source, window_bars, offset, costs, limits)
                deployed, latency, err, mode = dep.result, (dep.latency_p50_us, dep.latency_p99_us), dep.error, dep.mode
        if deployed is None:
            deployed = run_window(single, test.start, test.stop, lambda x: np.zeros(x.T), costs, limits, context_days=0)
        row = {**base, "method": "timi", **_perf_row(deployed), "family": timi.bot.spec.family if timi.bot else "flat",
               "spec": json.dumps(vars(timi.bot.spec)) if timi.bot else "", "latency_p50_us": latency[0],
               "latency_p99_us": latency[1], "deploy_llm_calls": counter.attempts, "deploy_mode": mode,
               "deploy_error": err or "", "reflect_iters": len(timi.history),
               "escalations": sum(h.get("level") in ("function", "strategy") for h in timi.history),
               "val_sharpe": timi.fb.metrics["sharpe"] if timi.fb else 0.0, "n_trials": plan.n_trials // max(1, bars.N)}
        rows.append(row)
        curves.append({**base, "method": "timi", "equity": _curve(deployed)})
        if world == "planted" or world == "real":
            versions = [timi.start] + [Bot(BotSpec(**h["spec"]), h["params"])
                                       for h in timi.history if h.get("accepted") and h.get("spec")]
            for k, b in enumerate(v for v in versions if v is not None):
                bots[f"{pair}/{fold}-v{k}"] = botlib.render(b).files()
            reflections[pair] = [{"fold": fold, **h} for h in timi.history]
        for variant in ("no_sa", "text_reflection"):
            t = plan.tracks.get((i, variant))
            if t is not None:
                rows.append({**base, "method": variant, **_score(single, t.bot, test, costs, limits)})
        if "no_reflection" in ablations:
            rows.append({**base, "method": "no_reflection", **_score(single, timi.start, test, costs, limits)})
        best, best_val = None, -math.inf
        for name in cfg.baselines:
            tuned = tune(bl.BASELINES[name], single, (train.start, train.stop), (val.start, val.stop), costs, limits,
                         grid_size=cfg.baseline_grid_size, seed=cfg.seed, context_days=CONTEXT_DAYS)
            res = run_window(single, test.start, test.stop, bl.BASELINES[name](tuned.params), costs, limits,
                             context_days=CONTEXT_DAYS)
            vs = tuned.val.sharpe if math.isfinite(tuned.val.sharpe) else 0.0
            brow = {**base, "method": name, **_perf_row(res), "val_sharpe": vs, "n_trials": tuned.n_trials,
                    "params": json.dumps(tuned.params)}
            rows.append(brow)
            if vs > best_val:
                best, best_val = (brow, res), vs
        if best is not None:
            rows.append({**best[0], "method": "best_baseline", "family": best[0]["method"]})
            curves.append({**base, "method": "best_baseline", "equity": _curve(best[1])})
    return {"rows": rows, "curves": curves, "bots": bots, "reflection": reflections,
            "strategy_set": list(plan.strategy_set.families)}


def _score(single: Bars, bot: Bot | None, test: Window, costs: Costs, limits: Limits) -> dict[str, float]:
    fn = (lambda x: targets(bot, x)) if bot is not None else (lambda x: np.zeros(x.T))
    return _perf_row(run_window(single, test.start, test.stop, fn, costs, limits, context_days=CONTEXT_DAYS))


def write_code_bot(agents: ag.Agents, template: botlib.BotSource) -> botlib.BotSource | None:
    """Code mode: A_be rewrites the template bot; kept only if it obeys the laws."""
    prompt = ("Rewrite this trading bot. Keep the three layers and the contract make_bot(P).on_bar(bar) -> weight. "
              "No numbers other than 0, 1, -1 in code; every value in params.json. Reply with <params.json>...</params.json>"
              "<functions.py>...</functions.py><strategy.py>...</strategy.py>.\n"
              + "".join(f"<{k}>\n{v}</{k}>\n" for k, v in template.files().items()))
    files = ag.parse_code_reply(agents.write_code(prompt))
    if set(files) != {"params.json", "functions.py", "strategy.py"}:
        agents.parse_failures["A_be"] += 1
        return None
    source = botlib.BotSource(files["params.json"], files["functions.py"], files["strategy.py"])
    reasons = botlib.check_laws(source)
    if reasons:
        log.info("code bot rejected: %s", "; ".join(reasons[:5]))
        agents.parse_failures["A_be"] += 1
        return None
    return source


def code_bot(agents: ag.Agents, template: botlib.BotSource, single: Bars, val: Window, costs: Costs,
             limits: Limits) -> botlib.BotSource | None:
    """The model's version of the bot if it obeys the laws and runs on the val window in the sandbox."""
    source = write_code_bot(agents, template)
    if source is None:
        return None
    ctx = max(0, val.start - CONTEXT_DAYS)
    window = single.days(ctx, val.stop)
    dep = deploy_sandboxed(source, window, int(window.day_starts[val.start - ctx]), costs, limits)
    if dep.error:
        log.info("code bot invalid on val (%s); the previous version is kept", dep.error)
        agents.parse_failures["A_be_invalid"] += 1
        return None
    return source


def _units(cfg: Config, worlds: dict[str, dict[str, Bars]]) -> list[tuple[str, str, Bars, str, Window, Window, Window, Any]]:
    """Every (world, class, fold) with its windows; the held-out window last, with its Holdout."""
    units: list[tuple[str, str, Bars, str, Window, Window, Window, Any]] = []
    for world, universe in worlds.items():
        for cls, bars in universe.items():
            folds, holdout = walk_forward(bars.n_days, n_folds=cfg.n_folds, train_days=cfg.train_days,
                                          val_days=cfg.val_days, test_days=cfg.test_days, gap_days=cfg.gap_days,
                                          holdout_days=cfg.holdout_days)
            for f in folds:
                units.append((world, cls, bars, str(f.index), f.train, f.val, f.test, None))
            if holdout is not None:
                w = holdout.window
                val = Window(w.start - cfg.gap_days - cfg.val_days, w.start - cfg.gap_days)
                train = Window(val.start - cfg.gap_days - cfg.train_days, val.start - cfg.gap_days)
                units.append((world, cls, bars, "holdout", train, val, w, holdout))
    return units


def run(config: Config) -> Result:
    """Run TiMi and the baselines walk-forward; see the module docstring."""
    agents = load_agents(config)
    worlds = load_worlds(config)
    ckpt = Path(config.checkpoint_dir) if config.checkpoint_dir else None
    units = _units(config, worlds)
    done: dict[int, dict[str, Any]] = {}
    keys = [f"{u[0]}-{u[1].replace(':', '_')}-{u[3]}" for u in units]
    for i, key in enumerate(keys):
        if ckpt is not None and (ckpt / f"{key}.json").exists():
            done[i] = json.loads((ckpt / f"{key}.json").read_text())
            log.info("resume: %s already done", key)
    folds = list(dict.fromkeys(u[3] for u in units))  # the held-out window comes last
    for fold in track(folds, "timi walk-forward"):
        todo = [i for i, u in enumerate(units) if u[3] == fold and i not in done]
        log.info("fold %s: %d (world, class) units in lock-step", fold, len(todo))
        steps = [run_unit(config, agents, w, cls, bars, f, train, val, test, holdout,
                          config.ablations if w != "no_edge" else ())
                 for w, cls, bars, f, train, val, test, holdout in (units[i] for i in todo)]
        for i, out in zip(todo, lockstep(agents, steps)):
            done[i] = out
            if ckpt is not None:
                atomic_write_text(ckpt / f"{keys[i]}.json", json.dumps(out, default=float))  # keeps inf/NaN
    outputs = [done[i] for i in range(len(units))]
    records = pd.DataFrame([r for o in outputs for r in o["rows"]])
    lead = [c for c in ("world", "cls", "pair", "fold", "method", "family", *PERF_KEYS) if c in records]
    records = records[lead + sorted(c for c in records.columns if c not in lead)]
    metrics = summarise(records, config)
    metrics["deploy_llm_calls"] = int(records.loc[records["method"] == "timi", "deploy_llm_calls"].sum())
    metrics["llm_calls_offline"] = int(sum(agents.calls.values()))
    metrics["llm_parse_failures"] = int(sum(agents.parse_failures.values()))
    report = tables(records)
    log.info("TiMi results\n%s\ndeploy_llm_calls=%d", report, metrics["deploy_llm_calls"])
    artifacts: dict[str, Any] = {"tables.md": report, "equity_curves.json": [c for o in outputs for c in o["curves"]],
                                 "messages.jsonl": "\n".join(agents.messages[-5000:]) + "\n"}
    for o in outputs:
        for name, files in o["bots"].items():
            pair, version = name.split("/", 1)
            for fname, text in files.items():
                artifacts[f"bots/{pair}/{version}/{fname}"] = text
        for pair, hist in o["reflection"].items():
            key = f"reflection/{pair}.jsonl"
            prev = str(artifacts.get(key, ""))
            artifacts[key] = prev + "".join(json.dumps(h, default=float) + "\n" for h in hist)
    return Result.create("timi", config, metrics, records=records, artifacts=artifacts)
