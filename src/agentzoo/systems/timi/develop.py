"""The offline stages for one asset class and one walk-forward fold: Policy and Optimisation.

    S = A_ma(features(universe, train))                       # once per class and fold
    for pair p:                                              # batched across pairs
        S_p, Theta_p = A_sa(S, p, train);  B = A_be(S_p, Theta_p)
        for it in range(max_reflect_iters):                  # A_fr, see reflection.py
            F = backtest(B, p, val); if no risk events: stop
            B2 = LP step | A_be.edit_function | A_be.switch_strategy;  keep B2 if J(B2) > J(B)

Every backtest here reads only the train and val windows (plus earlier sessions as indicator
warm-up). The ablations share the machinery: ``no_sa`` (one global Theta for all pairs of the
class), ``no_reflection`` (B before the loop) and ``text_reflection`` (the model edits
parameters from a menu, no LP, no escalation).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from agentzoo.markets.backtest import BacktestResult, Costs, Limits
from agentzoo.markets.data import Bars
from agentzoo.markets.strategy import run_window
from agentzoo.seeding import rng
from agentzoo.systems.timi import agents as ag
from agentzoo.systems.timi import reflection as rf
from agentzoo.systems.timi.features import PairFeatures, pair_features
from agentzoo.systems.timi.strategies import (
    ENTRY,
    INTRADAY,
    Bot,
    BotSpec,
    calibrate,
    default_spec,
    targets,
    wilder_atr,
)

log = logging.getLogger(__name__)
CONTEXT_DAYS = 3
T = TypeVar("T")
Steps = Generator[list[ag.Question], list[ag.Answer], T]
"""A stage that yields the questions it needs answered and receives the answers (see :func:`lockstep`)."""


def lockstep(agents: ag.Agents, steps: list[Generator[list[ag.Question], list[ag.Answer], Any]]) -> list[Any]:
    """Drive several stages together: each round, every stage's questions go to the models in one batch."""
    results: list[Any] = [None] * len(steps)
    pending: dict[int, list[ag.Question]] = {}
    for i, g in enumerate(steps):
        try:
            pending[i] = next(g)
        except StopIteration as stop:
            results[i] = stop.value
    while pending:
        order = list(pending)
        batch = [q for i in order for q in pending[i]]
        answers = agents.ask(batch) if batch else []
        k = 0
        for i in order:
            n = len(pending[i])
            try:
                pending[i] = steps[i].send(answers[k : k + n])
            except StopIteration as stop:
                results[i] = stop.value
                del pending[i]
            k += n
    return results


@dataclass
class Track:
    """One bot under refinement (a pair, a variant)."""

    pair: int
    variant: str
    bot: Bot | None
    ranking: list[str]
    tuned: dict[str, Bot]
    fb: rf.Feedback | None = None
    level: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    start: Bot | None = None


@dataclass
class FoldPlan:
    """What the offline stages produced for one class and fold."""

    strategy_set: ag.StrategySet
    features: list[PairFeatures]
    tracks: dict[tuple[int, str], Track]
    n_trials: int


class Developer:
    """Runs the agents for one asset class on one fold's train and val windows."""

    def __init__(self, bars: Bars, train: tuple[int, int], val: tuple[int, int], costs: Costs, limits: Limits,
                 risk: rf.RiskLimits, agents: ag.Agents, *, grid_size: int, max_iters: int, rho: float,
                 windows: tuple[int, ...], seed: int, ablations: tuple[str, ...], ask_entry: bool = True) -> None:
        self.bars, self.train, self.val = bars, train, val
        self.costs, self.limits, self.risk, self.agents = costs, limits, risk, agents
        self.grid_size, self.max_iters, self.rho, self.windows = grid_size, max_iters, rho, windows
        self.seed, self.ablations, self.ask_entry = seed, ablations, ask_entry
        self.single = [bars.select(i) for i in range(bars.N)]
        self.n_trials = 0

    # ------------------------------------------------------------------ backtests
    def backtest(self, pair: int, bot: Bot | None, window: tuple[int, int]) -> BacktestResult:
        b = self.single[pair]
        fn = (lambda x: targets(bot, x)) if bot is not None else (lambda x: np.zeros(x.T))
        return run_window(b, *window, fn, self.costs, self.limits, context_days=CONTEXT_DAYS)

    def feedback(self, pair: int, bot: Bot | None) -> rf.Feedback:
        res = self.backtest(pair, bot, self.val)
        c = res.bars
        atr = wilder_atr(np.ascontiguousarray(c.high[:, 0]), np.ascontiguousarray(c.low[:, 0]),
                         np.ascontiguousarray(c.close[:, 0]), 14)
        return rf.feedback(bot if bot is not None else Bot(default_spec("trend"), {}), res, atr, self.risk)

    def train_score(self, pair: int, bot: Bot) -> tuple[float, float]:
        from agentzoo.markets.metrics import evaluate

        perf = evaluate(self.backtest(pair, bot, self.train))
        return (perf.sharpe if math.isfinite(perf.sharpe) else -1e9), perf.trades_per_day

    # ------------------------------------------------------------------ A_sa: gamma + search
    def candidates(self, base: Bot, n: int, stream: str) -> list[Bot]:
        """The calibrated bot and n - 1 neighbours (log-scale x/÷3, linear +-1/4 of the range)."""
        gen = rng(self.seed, "timi-search", stream)
        out = [base]
        schema = base.schema()
        for _ in range(n - 1):
            vals = {}
            for p in schema:
                u = float(gen.random())
                x = base.params[p.name]
                vals[p.name] = x * 3.0 ** (2 * u - 1) if p.log and x > 0 else x + (u - 0.5) * (p.hi - p.lo) / 2
            out.append(base.with_params(vals))
        return out

    def tune_family(self, pair: int, f: PairFeatures, family: str) -> tuple[Bot, float, float]:
        base = calibrate(default_spec(family), sigma_bar=f.sigma_bar, bars_per_day=f.bars_per_day,
                         minutes_per_bar=f.minutes_per_bar, trend_s=f.windows.get("60m", {}).get("trend_strength", 0.0),
                         allow_short=self.limits.allow_short, sigma_day=f.sigma_day, max_weight=self.limits.max_weight,
                         sizing="vol_target")
        best = (base, -math.inf, 0.0)
        for cand in self.candidates(base, self.grid_size, f"{f.pair}/{family}/{self.train}"):
            s, tpd = self.train_score(pair, cand)
            self.n_trials += 1
            if s > best[1]:
                best = (cand, s, tpd)
        return best

    # ------------------------------------------------------------------ the policy stage
    def plan(self) -> Steps[FoldPlan]:
        bars_train = self.bars.days(*self.train)
        feats = [pair_features(bars_train, i, self.windows) for i in range(self.bars.N)]
        intraday = feats[0].bars_per_day > 1
        q_ma = ag.macro_questions(str(self.bars.assets["cls"].iloc[0]), feats, intraday)
        S = ag.strategy_set((yield [q_ma])[0], q_ma)  # A_ma, once per class and fold
        tuned: list[dict[str, Bot]] = []
        evidence: list[dict[str, dict[str, float]]] = []
        for i, f in enumerate(feats):
            tuned.append({})
            evidence.append({})
            for fam in S.families:
                bot, s, tpd = self.tune_family(i, f, fam)
                tuned[i][fam], evidence[i][fam] = bot, {"sharpe": s, "trades_per_day": tpd}
        # phi: rank the families with positive train Sharpe after costs (historical performance)
        positive = [[c for c in sorted(S.families, key=lambda c: -evidence[i][c]["sharpe"]) if evidence[i][c]["sharpe"] > 0]
                    for i in range(len(feats))]
        ask = [i for i in range(len(feats)) if len(positive[i]) > 1]
        qs = [ag.semantic_question(feats[i], evidence[i], positive[i]) for i in ask]
        rankings = {i: positive[i] for i in range(len(feats))}
        for i, a in zip(ask, (yield qs)):
            rankings[i] = [positive[i][k] for k in a.ranking()]
        starts = yield from self.build_bots(feats, rankings, tuned)
        tracks: dict[tuple[int, str], Track] = {}
        for i in range(len(feats)):
            tracks[(i, "timi")] = Track(i, "timi", starts[i], rankings[i], tuned[i], start=starts[i])
        if "no_sa" in self.ablations:
            for i, global_bot in enumerate(self.global_theta(feats, S)):
                tracks[(i, "no_sa")] = Track(i, "no_sa", global_bot, [S.families[0]], {}, start=global_bot)
        if "text_reflection" in self.ablations:
            for i in range(len(feats)):
                tracks[(i, "text_reflection")] = Track(i, "text_reflection", starts[i], rankings[i], tuned[i], start=starts[i])
        yield from self.reflect(list(tracks.values()))
        return FoldPlan(S, feats, tracks, self.n_trials)

    def build_bots(self, feats: list[PairFeatures], rankings: dict[int, list[str]],
                   tuned: list[dict[str, Bot]]) -> Steps[list[Bot | None]]:
        """A_be in template mode: slot choices for each pair's top family, rendered onto Theta_p."""
        todo = [i for i in range(len(feats)) if rankings[i]]
        qs = [ag.slot_question(feats[i].pair, rankings[i][0], feats[i]) for i in todo]
        multi = [i for i in todo if len(ENTRY[rankings[i][0]]) > 1] if self.ask_entry else []
        qe = [ag.entry_question(feats[i].pair, rankings[i][0], ENTRY[rankings[i][0]]) for i in multi]
        answers = yield qs + qe
        exits = dict(zip(todo, answers[: len(qs)]))
        entries = {i: ENTRY[rankings[i][0]][a.index] for i, a in zip(multi, answers[len(qs):])}
        out: list[Bot | None] = [None] * len(feats)
        for i in todo:
            fam = rankings[i][0]
            style = ag.EXIT_OPTIONS[exits[i].index]
            spec = BotSpec(fam, entries.get(i, ENTRY[fam][0]), stop="atr" if style in ("stop", "both") else "none",
                           take_profit="atr" if style in ("target", "both") else "none", session_exit=fam in INTRADAY)
            out[i] = Bot(spec, dict(tuned[i][fam].params))
        return out

    def global_theta(self, feats: list[PairFeatures], S: ag.StrategySet) -> list[Bot | None]:
        """Ablation no_sa: A_ma's top family, one Theta tuned on the mean train Sharpe of all pairs."""
        fam = S.families[0]
        base = calibrate(default_spec(fam), sigma_bar=float(np.mean([f.sigma_bar for f in feats])),
                         bars_per_day=feats[0].bars_per_day, minutes_per_bar=feats[0].minutes_per_bar,
                         allow_short=self.limits.allow_short, sigma_day=float(np.mean([f.sigma_day for f in feats])),
                         max_weight=self.limits.max_weight, sizing="vol_target")
        best: Bot | None = base
        best_s = -math.inf
        for cand in self.candidates(base, self.grid_size, f"global/{fam}/{self.train}"):
            s = float(np.mean([self.train_score(i, cand)[0] for i in range(len(feats))]))
            if s > best_s:
                best, best_s = cand, s
        return [best] * len(feats)

    # ------------------------------------------------------------------ the optimisation stage
    def reflect(self, tracks: list[Track]) -> Steps[None]:
        """A_fr's loop, in lock-step over tracks so that model calls are batched."""
        for t in tracks:
            t.fb = self.feedback(t.pair, t.bot)
        for it in range(self.max_iters):
            live = [t for t in tracks if t.bot is not None and t.fb is not None and t.fb.events]
            if not live:
                break
            several = [t for t in live if len(t.fb.events) > 1 and t.variant != "text_reflection"]  # type: ignore[union-attr]
            qs = [ag.priority_question(self.bars.ids[t.pair], [e.kind for e in t.fb.events],  # type: ignore[union-attr]
                                       [e.detail for e in t.fb.events]) for t in several]  # type: ignore[union-attr]
            texts = [t for t in live if t.variant == "text_reflection"]
            menus = [text_menu(t.bot) for t in texts]  # type: ignore[arg-type]
            qs += [ag.text_edit_question(self.bars.ids[t.pair], [o[0] for o in m], [e.detail for e in t.fb.events])  # type: ignore[union-attr]
                   for t, m in zip(texts, menus)]
            answers = yield qs  # one batch: which risk first (A_fr), and the text-edit ablation
            first = {id(t): t.fb.events[a.index].kind for t, a in zip(several, answers)}  # type: ignore[union-attr]
            proposals: dict[int, tuple[Bot | None, str, dict[str, Any]]] = {}
            edits: list[tuple[Track, list[tuple[str, BotSpec]]]] = []
            for t in live:
                assert t.bot is not None and t.fb is not None
                if t.variant == "text_reflection":
                    continue
                prio = first.get(id(t), t.fb.events[0].kind)
                lp, status, x = self.lp_step(t.pair, t.bot, t.fb, prio)
                record = {"iter": it, "events": [[e.kind, e.detail] for e in t.fb.events], "first": prio,
                          "lp": lp.to_json(), "status": status}
                if status == 0:
                    proposals[id(t)] = (t.bot.with_params(dict(zip(lp.names, x))), "parameter", record)
                elif t.level < 1:
                    edits.append((t, function_edits(t.bot, t.fb)))
                    proposals[id(t)] = (None, "function", record)
                else:
                    proposals[id(t)] = (self.next_strategy(t), "strategy", record)
            yield from self.ask_function_edits(edits, proposals)
            for t, m, a in zip(texts, menus, answers[len(several):]):
                assert t.bot is not None and t.fb is not None
                proposals[id(t)] = (t.bot.with_params(m[a.index][1]), "parameter",
                                    {"iter": it, "events": [[e.kind, e.detail] for e in t.fb.events],
                                     "text_edit": m[a.index][0]})
            for t in live:
                if id(t) not in proposals:
                    continue
                cand, level, record = proposals[id(t)]
                fb2 = self.feedback(t.pair, cand) if cand is not None else None
                accepted = fb2 is not None and fb2.J > t.fb.J  # type: ignore[union-attr]
                record.update(level=level, J_before=t.fb.J, J_after=None if fb2 is None else fb2.J,  # type: ignore[union-attr]
                              accepted=accepted, spec=None if cand is None else vars(cand.spec),
                              params=None if cand is None else cand.params)
                t.history.append(record)
                if level == "function":
                    t.level = 1
                if accepted:
                    t.bot, t.fb = cand, fb2
                    if level == "strategy":
                        t.level = 0

    def lp_step(self, pair: int, bot: Bot, fb: rf.Feedback, first: str) -> tuple[rf.LinearProgram, int, np.ndarray]:
        """Build and solve the LP of all events; if infeasible, of the model's first event alone."""
        grads = rf.gradients(bot, lambda b: self.feedback(pair, b), ("trades_per_day", "mdd", "utilisation", "total_return"))
        lp = rf.build_lp(bot, fb, self.risk, grads)
        status, x = rf.solve(lp, grads["total_return"], self.rho)
        if status != 0:
            lp = rf.build_lp(bot, fb, self.risk, grads, only=(first,))
            status, x = rf.solve(lp, grads["total_return"], self.rho)
        return lp, status, x

    def next_strategy(self, t: Track) -> Bot | None:
        tried = {h["spec"]["family"] for h in t.history if h.get("spec")} | ({t.bot.spec.family} if t.bot else set())
        for fam in t.ranking:
            if fam not in tried and fam in t.tuned:
                return t.tuned[fam]
        return None

    def ask_function_edits(self, edits: list[tuple[Track, list[tuple[str, BotSpec]]]],
                           proposals: dict[int, tuple[Bot | None, str, dict[str, Any]]]) -> Steps[None]:
        asked = [(t, opts) for t, opts in edits if opts]
        qs = [ag.function_edit_question(self.bars.ids[t.pair], [o[0] for o in opts],
                                        [e.detail for e in t.fb.events]) for t, opts in asked]  # type: ignore[union-attr]
        for (t, opts), a in zip(asked, (yield qs)):
            spec = opts[a.index][1]
            assert t.bot is not None
            proposals[id(t)] = (Bot(spec, dict(t.bot.params)), "function", proposals[id(t)][2])
        for t, opts in edits:
            if not opts:
                proposals[id(t)] = (self.next_strategy(t), "strategy", proposals[id(t)][2])


def text_menu(bot: Bot) -> list[tuple[str, dict[str, float]]]:
    """The text_reflection ablation's menu: raise or lower one parameter by a quarter of its range."""
    return [(f"{word} {p.name}", {p.name: bot.params[p.name] + sign * 0.25 * (p.hi - p.lo)})
            for p in bot.schema() for word, sign in (("raise", 1), ("lower", -1))]


def function_edits(bot: Bot, fb: rf.Feedback) -> list[tuple[str, BotSpec]]:
    """Function-layer changes that can address the events (the menu A_be chooses from)."""
    s, kinds = bot.spec, {e.kind for e in fb.events}
    out: list[tuple[str, BotSpec]] = []
    if kinds & {"stop_loss", "drawdown"} and s.stop == "none":
        out.append(("add stop", s.with_(stop="atr")))
    if "profit_giveback" in kinds and s.take_profit == "none":
        out.append(("add target", s.with_(take_profit="atr")))
    for variant in ENTRY[s.family]:
        if variant != s.entry:
            out.append((f"entry {variant}", s.with_(entry=variant)))
    if kinds & {"underutilisation", "overtrading"} and s.stop == "atr":
        out.append(("remove stop", s.with_(stop="none")))
    if kinds & {"underutilisation"} and s.take_profit == "atr":
        out.append(("remove target", s.with_(take_profit="none")))
    return out
