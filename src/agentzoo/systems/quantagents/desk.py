"""One variant trading the test period day by day (the loop of the spec's pseudocode).

At the close of each day t (decisions fill at the open of t+1 through the markets core's engine):

    if first trading day of week:
        reward the previous week's candidates (real P&L if adopted, shadow backtest otherwise)
        report = market_analysis(t); cands = propose(...); sims = [bob.simulate(c)]; plan = otto.decide(...)
    R = r_score(book after today's decision)
    if R > r_threshold and the cooldown has passed: plan = risk_alert(t, R, plan)
    per-name stop-loss exits

The book at each close comes from re-running :func:`agentzoo.markets.backtest.simulate` on the
targets decided so far, so the portfolio the agents see is exactly the engine's (no second ledger).
"""

from __future__ import annotations

import logging
import pickle
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.markets.backtest import BacktestResult, Costs, simulate
from agentzoo.runs import atomic_write_bytes
from agentzoo.seeding import rng
from agentzoo.systems.quantagents import meetings as mt
from agentzoo.systems.quantagents.config import Config
from agentzoo.systems.quantagents.news import NewsFeed
from agentzoo.systems.quantagents.records import Decision, RewardRecord, StrategyProposal
from agentzoo.systems.quantagents.reward import Learner, memory_line
from agentzoo.systems.quantagents.simtrade import Portfolio, SimTrade, hold_path
from agentzoo.systems.quantagents.strategies import FAMILIES, Signals, propose
from agentzoo.systems.quantagents.tools import (
    MarketView,
    assess,
    beta,
    dollar_adv,
    fit_kappa,
    realised_vol,
)
from agentzoo.systems.quantagents.world import World

log = logging.getLogger(__name__)


@dataclass
class Pending:
    """A strategy meeting's candidates, waiting for the realised week to score them."""

    i0: int
    t0: int
    w0: np.ndarray
    cands: list[StrategyProposal]
    weights: list[np.ndarray]
    r_hat_raw: list[float]
    adopted: int | None


@dataclass
class Desk:
    """The state of one variant; :meth:`step` runs one day."""

    cfg: Config
    world: World
    feed: NewsFeed
    variant: str
    team: mt.Team
    learner: Learner
    targets: np.ndarray = field(init=False)
    entry: np.ndarray = field(init=False)
    plan_weights: np.ndarray = field(init=False)
    plan_stop: float = np.inf
    week: int = 0
    next_day: int = 0
    pending: Pending | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    rewards: list[RewardRecord] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    last_real: dict[str, float] = field(default_factory=dict)
    """Last realised weekly return of each family (the no-simulation variant's persistence forecast)."""

    def __post_init__(self) -> None:
        N = self.world.N
        self.bars = self.world.bars[self.world.test_start :]
        self.targets = np.full((self.bars.T, N), np.nan)
        self.entry = np.full(N, np.nan)
        self.plan_weights = np.zeros(N)
        self.costs = Costs(self.cfg.fee_bps, self.cfg.slippage_bps)
        self.limits = self.cfg.limits()
        self.alert = mt.AlertRule(self.cfg.r_threshold, self.cfg.alert_cooldown_days)
        self.starts = mt.week_starts(self.bars.time)
        self.families = [f for f in FAMILIES if len(self.feed) > 0 or not FAMILIES[f].needs_news]

    # ------------------------------------------------------------------ engine
    def book(self, i: int) -> tuple[BacktestResult, Portfolio]:
        res = simulate(self.bars[: i + 1], self.targets[: i + 1], self.costs, self.limits, self.cfg.capital)
        return res, Portfolio(res.units[i].copy(), float(res.cash[i]), self.bars.close[i].copy(), self.entry.copy())

    def result(self) -> BacktestResult:
        return simulate(self.bars, self.targets, self.costs, self.limits, self.cfg.capital)

    # ------------------------------------------------------------------ one day
    def step(self, i: int) -> None:
        cfg, t = self.cfg, self.world.test_start + i
        res, port = self.book(i)
        view = MarketView(self.world.bars, t, self.feed, self.world.sectors)
        betas, adv = beta(view), dollar_adv(view)
        row: dict[str, Any] = {"variant": self.variant, "day": i, "t": t, "date": str(np.datetime_as_string(self.bars.time[i], "D")),
                               "equity": float(res.equity[i]), "market_analysis": False, "strategy_development": False,
                               "risk_alert": False, "stop_loss": 0, "action": ""}
        signals: Signals | None = None
        if self.starts[i]:
            self._reward(i, t, res.equity)
            risk_now = assess(view, port.weights, port.cash, port.equity, betas=betas, adv=adv, refs=cfg.r_refs,
                              r_weights=cfg.r_weights, threshold=cfg.r_threshold)
            if self.variant == "single_agent":
                signals = self._signals(view, betas)
                decision = mt.single_agent(self.team, view, self.families, self._summary(view, signals, risk_now))
                self.counts["single_agent"] += 1
            else:
                report = mt.market_analysis(self.team, view, self.week, risk_now, use_news=len(self.feed) > 0)
                signals = self._signals(view, betas)
                decision = self._strategy_meeting(i, t, view, port, signals, report, risk_now)
                self.counts["market_analysis"] += 1
                self.counts["strategy_development"] += 1
                row.update(market_analysis=True, strategy_development=True)
            self._apply(i, decision, view, signals, port)
            row["action"] = decision.action
            self.week += 1
        w_int = np.where(np.isnan(self.targets[i]), port.weights, self.targets[i])
        cash_int = port.equity * (1.0 - float(np.abs(w_int).sum()))
        risk = assess(view, w_int, cash_int, port.equity, betas=betas, adv=adv, refs=cfg.r_refs,
                      r_weights=cfg.r_weights, threshold=cfg.r_threshold)
        if self.variant not in ("no_risk_alert", "single_agent") and self.alert.check(t, risk.r_score):
            signals = signals or self._signals(view, betas)
            sim = SimTrade(view, port, signals, gen=rng(cfg.seed, "quantagents-stress", t), paths=cfg.sim_paths, horizon=cfg.sim_horizon_days,
                           lookback=cfg.sim_lookback_days, block=cfg.sim_block_days, cost=cfg.costs_bps / 1e4,
                           max_weight=cfg.max_weight, device=cfg.sim_device)
            decision = mt.risk_alert(self.team, view, risk, sim.stress(w_int), signals.tau_bar)
            self._apply(i, decision, view, signals, port)
            self.counts["risk_alert"] += 1
            row.update(risk_alert=True, action=decision.action)
        row["stop_loss"] = self._stops(i, port)
        row.update(r_score=risk.r_score, **{f"r_{k}": v for k, v in risk.components.items()},
                   gross=float(np.abs(w_int).sum()), weights=[float(x) for x in w_int])
        self.rows.append(row)
        self.next_day = i + 1

    def finish(self) -> BacktestResult:
        """Score the last week's candidates and return the engine's backtest of the whole test period."""
        res = self.result()
        last = self.bars.T - 1
        self._reward(last, self.world.test_start + last, res.equity)
        return res

    # ------------------------------------------------------------------ meetings
    def _signals(self, view: MarketView, betas: np.ndarray) -> Signals:
        tau = self.team.analyzer.tau_bar(view, self.cfg.sentiment_half_life_days) if len(self.feed) else np.zeros(view.N)
        return Signals(tau, betas, realised_vol(view))

    def _strategy_meeting(self, i: int, t: int, view: MarketView, port: Portfolio, signals: Signals,
                          report: Any, risk: Any) -> Decision:
        cfg, L = self.cfg, self.learner
        # separate seeded streams per week, shared by the variants (paired comparisons), never the world's
        cands = propose(self.families, L.scores, cfg.n_candidates, rng(cfg.seed, "quantagents-proposals", self.week))
        if self.team.agents["bob"].mode == "text":
            cands = mt.bob_propose(self.team, view, report, self.families, cands)
        for c in cands:
            self.team.log(t, "strategy_development", c)
        if self.variant == "no_simulation":  # no sandbox: rank by track record, forecast = last realised week
            sims: list[Any] = [None] * len(cands)
            r_hat = [self.last_real.get(c.family, 0.0) for c in cands]
            order = sorted(range(len(cands)), key=lambda j: -L.scores.get(cands[j].family, 0.0))
        else:
            kappa = fit_kappa(view, self.team.analyzer) if len(self.feed) else 0.0
            sandbox = SimTrade(view, port, signals, gen=rng(cfg.seed, "quantagents-simtrade", self.week), paths=cfg.sim_paths, horizon=cfg.sim_horizon_days,
                               lookback=cfg.sim_lookback_days, block=cfg.sim_block_days, cost=cfg.costs_bps / 1e4,
                               kappa=kappa, max_weight=cfg.max_weight, device=cfg.sim_device)
            sims = [self.team.log(t, "strategy_development", sandbox.simulate(c)) for c in cands]
            self.counts["sim_refused"] += sum(1 for s in sims if s.refused)
            r_hat = [s.mean for s in sims]
            # Bob's ranking: calibrated simulated Sharpe plus the family's exponential-weights score (track record)
            top = max(L.scores.values(), default=0.0)
            order = sorted(range(len(cands)), key=lambda j: (bool(sims[j].refused), -(
                L.k * sims[j].sharpe + L.scores.get(cands[j].family, 0.0) - top)))
        cands, sims, r_hat = [cands[j] for j in order], [sims[j] for j in order], [r_hat[j] for j in order]
        decision = mt.otto_decide(self.team, view, cands, sims, report, risk, L.k, L.scores)
        self.counts[f"decision_{decision.action}"] += 1
        self.counts["decision_top_ranked"] += int(bool(cands) and decision.strategy is cands[0])
        usable = [j for j, s in enumerate(sims) if s is None or not s.refused]
        adopted = next((j for j in usable if decision.strategy is not None and cands[j] is decision.strategy), None)
        self.pending = Pending(i, t, port.weights, [cands[j] for j in usable],
                               [FAMILIES[cands[j].family].weights(view, signals, cands[j].params, cfg.max_weight) for j in usable],
                               [r_hat[j] for j in usable], usable.index(adopted) if adopted is not None else None)
        return decision

    def _reward(self, i: int, t: int, equity: np.ndarray) -> None:
        """Dual feedback for the candidates of the last strategy meeting (logged, one memory line each)."""
        p = self.pending
        if p is None or t <= p.t0 or self.variant == "single_agent":
            return
        close = self.world.bars.close
        growth = (close[p.t0 + 1 : t + 1] / close[p.t0])[None]
        rows = []
        for j, (cand, w) in enumerate(zip(p.cands, p.weights, strict=True)):
            if j == p.adopted:
                r_real = float(equity[i] / equity[p.i0] - 1)  # the real P&L, after costs
            else:  # shadow backtest over the realised days
                ret, _ = hold_path(p.w0, w, growth, FAMILIES[cand.family].stop(cand.params), self.cfg.costs_bps / 1e4)
                r_real = float(ret[0])
            rows.append((cand.family, p.r_hat_raw[j], r_real, j == p.adopted))
            self.last_real[cand.family] = r_real
        for rec in self.learner.update_week(self.week - 1, rows):
            self.rewards.append(rec)
            self.team.memory.add("strategy", memory_line(rec), self.week - 1)
            self.team.log(t, "reward", rec)
        self.pending = None

    def _apply(self, i: int, d: Decision, view: MarketView, signals: Signals | None, port: Portfolio) -> None:
        """Turn a decision into target weights for the next open."""
        cfg, N = self.cfg, self.world.N
        w_now = np.where(np.isnan(self.targets[i]), port.weights, self.targets[i])
        gross = float(np.abs(w_now).sum())
        row = self.targets[i].copy()
        if d.action == "adopt_strategy" and d.strategy is not None and signals is not None:
            fam = FAMILIES[d.strategy.family]
            w = fam.weights(view, signals, d.strategy.params, cfg.max_weight) * min(max(d.target_gross, 0.0), 1.0)
            self.plan_weights, self.plan_stop = w.copy(), fam.stop(d.strategy.params)
            row = w
        elif d.action == "reduce_exposure" and gross > 0:
            row = w_now * min(1.0, d.target_gross / gross)
        elif d.action == "raise_cash":
            row = np.zeros(N)
        elif d.action in ("restore_exposure", "rebalance"):
            row = self.plan_weights.copy()
        elif d.action == "hedge_market" and cfg.allow_short:
            row = w_now - float(w_now @ (signals.beta if signals is not None else np.ones(N))) / N
        ids = view.ids
        for tk in d.excluded:
            if tk in ids:
                row[ids.index(tk)] = 0.0
        self.targets[i] = row
        self._entries(i)

    def _entries(self, i: int) -> None:
        row, close = self.targets[i], self.bars.close[i]
        new = (row > 0) & np.isnan(self.entry)
        self.entry[new] = close[new]
        self.entry[row == 0] = np.nan

    def _stops(self, i: int, port: Portfolio) -> int:
        """Per-name stop-loss of the adopted plan: exit names that fell ``stop`` below their entry."""
        if not np.isfinite(self.plan_stop):
            return 0
        held = (port.units > 0) & np.isfinite(self.entry)
        falling = held & (self.bars.close[i] / np.where(held, self.entry, 1.0) - 1 < -self.plan_stop)
        falling &= ~(self.targets[i] == 0)
        if falling.any():
            self.targets[i][falling] = 0.0
            self._entries(i)
            self.counts["stop_loss"] += int(falling.sum())
        return int(falling.sum())

    def _summary(self, view: MarketView, signals: Signals, risk: Any) -> str:
        r = view.returns(60)
        mom = np.prod(1 + r, axis=0) - 1 if len(r) else np.zeros(view.N)
        top = lambda x: ", ".join(view.ids[j] for j in np.argsort(-x, kind="stable")[:3])  # noqa: E731
        return (f"Tools: best 60-day momentum {top(mom)}; best news sentiment {top(signals.tau_bar)}; lowest beta "
                f"{top(-signals.beta)}; mean volatility {100 * float(signals.vol.mean()):.0f}%; risk score R = {risk.r_score:.2f}.")

    # ------------------------------------------------------------------ checkpoints
    def state(self) -> dict[str, Any]:
        keep = ("targets", "entry", "plan_weights", "plan_stop", "week", "next_day", "pending", "rows", "rewards",
                "counts", "last_real")
        out = {k: getattr(self, k) for k in keep}
        out.update(learner=self.learner, alert_last=self.alert.last,
                   records=self.team.records, memory=self.team.memory.items, labels=self.team.analyzer.labels,
                   stats={r: a.stats for r, a in self.team.agents.items()})
        return out

    def save(self, path: Path, key: str) -> None:
        atomic_write_bytes(path, pickle.dumps({"key": key, "state": self.state()}))

    def load(self, path: Path, key: str) -> bool:
        """Restore from ``path`` if it holds a checkpoint of the same configuration."""
        if not path.exists():
            return False
        blob = pickle.loads(path.read_bytes())
        if blob.get("key") != key:
            log.warning("%s belongs to another configuration; starting afresh", path)
            return False
        s = blob["state"]
        for k in ("targets", "entry", "plan_weights", "plan_stop", "week", "next_day", "pending", "rows", "rewards",
                  "counts", "last_real"):
            setattr(self, k, s[k])
        self.learner.__dict__.update(s["learner"].__dict__)
        self.alert.last = s["alert_last"]
        self.team.records[:] = s["records"]
        for kind, text, week in s["memory"]:
            self.team.memory.add(kind, text, week)
        self.team.analyzer.labels.update(s["labels"])
        for role, stats in s["stats"].items():
            self.team.agents[role].stats = stats
        log.info("%s: resumed %s after day %d (week %d)", path, self.variant, self.next_day - 1, self.week)
        return True
