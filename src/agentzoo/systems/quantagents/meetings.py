"""The meetings: a deterministic calendar, the alert rule, and what each meeting does.

* **Market analysis** (weekly, the week's first trading day): Emily labels the week's strongest
  headlines and writes the qualitative view, Bob names the regime from the numbers, Dave lists the
  risks; the :class:`MarketReport` goes to report memory.
* **Strategy development** (weekly, right after): candidates are proposed, Bob tests each in the
  simulated market, and Otto picks one of Bob's ranked candidates, hold or reduce exposure.
* **Risk alert** (event-driven, after any close with R_score > ``r_threshold`` once the cooldown
  has passed): Dave scores the risk, Bob stress-tests the book, Emily checks the sentiment of the
  flagged names, and Otto acts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.memory import HashEmbedder, MemoryItem, VectorStore, get_embedder
from agentzoo.systems.quantagents.agents import LABELS, LETTERS, Agent, header
from agentzoo.systems.quantagents.records import (
    ACTIONS,
    Decision,
    MarketReport,
    RiskAssessment,
    SimResult,
    StrategyProposal,
)
from agentzoo.systems.quantagents.strategies import FAMILIES
from agentzoo.systems.quantagents.tools import MarketView, SentimentAnalyzer, realised_vol

REGIMES = ("calm", "volatile", "crisis")


# ---------------------------------------------------------------------- calendar and alert rule
def week_starts(dates: Any) -> np.ndarray:
    """(T,) bool: True on the first trading day of each ISO week (a Monday holiday moves it to Tuesday)."""
    index = pd.DatetimeIndex(np.asarray(dates))
    iso = index.isocalendar()
    key = iso["year"].to_numpy() * 100 + iso["week"].to_numpy()
    return np.r_[True, key[1:] != key[:-1]] if len(index) else np.zeros(0, bool)


def schedule(dates: Any) -> list[tuple[int, str]]:
    """(day, meeting) in order: market analysis then strategy development on every week's first day."""
    out = []
    for t in np.flatnonzero(week_starts(dates)):
        out += [(int(t), "market_analysis"), (int(t), "strategy_development")]
    return out


@dataclass
class AlertRule:
    """Fires when R > threshold and more than ``cooldown`` days have passed since the last alert."""

    threshold: float = 0.75
    cooldown: int = 2
    last: int | None = None

    def check(self, day: int, R: float) -> bool:
        if R > self.threshold and (self.last is None or day - self.last > self.cooldown):
            self.last = day
            return True
        return False


def alert_days(R: Sequence[float], threshold: float = 0.75, cooldown: int = 2) -> list[int]:
    rule = AlertRule(threshold, cooldown)
    return [d for d, r in enumerate(R) if rule.check(d, float(r))]


# ---------------------------------------------------------------------- memories
class Memories:
    """The three shared memories (market information, strategy, report) in one vector store."""

    KINDS = ("market", "strategy", "report")

    def __init__(self, embedder: str = "minilm") -> None:
        self.store = VectorStore(":memory:", embedder=get_embedder(embedder) if embedder == "minilm" else HashEmbedder())
        self.items: list[tuple[str, str, int]] = []

    def add(self, kind: str, text: str, week: int) -> None:
        self.items.append((kind, text, week))
        self.store.add([MemoryItem(text, kind=kind, payload={"week": week, "n": len(self.items)})])

    def recall(self, kind: str, query: str, k: int) -> list[str]:
        if k < 1 or not any(x[0] == kind for x in self.items):
            return []
        return [rec.text for rec, _ in self.store.query(query, k=k, where={"kind": kind})]


# ---------------------------------------------------------------------- the team
@dataclass
class Team:
    """The four agents of one variant, their shared tools' state and memories."""

    agents: dict[str, Agent]
    analyzer: SentimentAnalyzer
    memory: Memories
    top_k: int = 3
    report_tokens: int = 32
    threshold: float = 0.75
    alert_gross: float = 0.5
    allow_short: bool = False
    half_life: float = 3.0
    n_candidates: int = 4
    records: list[tuple[int, str, Any]] = field(default_factory=list)
    """(day, meeting, record) of everything the meetings produced, in order."""

    def log(self, day: int, meeting: str, record: Any) -> Any:
        self.records.append((day, meeting, record))
        return record


def _pct(x: float) -> str:
    return f"{100 * x:+.2f}%"


def market_analysis(team: Team, view: MarketView, week: int, risk: RiskAssessment, *, use_news: bool) -> MarketReport:
    """Emily -> Bob -> Dave; the report goes to report memory (and the week's headlines to market memory)."""
    emily, bob = team.agents["emily"], team.agents["bob"]
    items = view.news(since=view.t - 4) if use_news else view.news().iloc[:0]
    items = items[items["kind"] != "filler"]
    strength = items["headline"].map(lambda h: abs(SentimentAnalyzer.lexicon_tau(str(h))))
    top = items.loc[strength.sort_values(ascending=False, kind="stable").index[:4]]
    labels_raw = ""
    if len(top) and emily.mode == "choice":  # Emily's forced-choice label of each strong headline
        prompts = [f"{header('market_analysis', 'emily', 'label')}\nIs this headline positive, neutral or negative "
                   f"for the stock?\nA) positive\nB) neutral\nC) negative\nHeadline: {h}" for h in top["headline"]]
        for item_id, choice in zip(top.index, emily.choose_batch(prompts, 3), strict=True):
            if choice is not None:
                team.analyzer.labels[int(item_id)] = (1, 0, -1)[choice]
        labels_raw = ", ".join(f"{i}:{team.analyzer.labels.get(int(i), 'failed')}" for i in top.index)
    tau = team.analyzer.tau_bar(view, team.half_life)
    sentiment = {tk: round(float(x), 4) for tk, x in zip(view.ids, tau, strict=True) if abs(x) > 1e-9}
    r5 = view.returns(5)
    move = (np.prod(1 + r5, axis=0) - 1) if len(r5) else np.zeros(view.N)
    movers = tuple(view.ids[j] for j in np.argsort(-np.abs(move), kind="stable")[:3])
    mkt_vol = float(realised_vol(view).mean()) if view.t > 2 else 0.0
    numbers = (f"Equal-weight market volatility {100 * mkt_vol:.1f}% a year (20 days). Top 5-day movers: "
               + ", ".join(f"{view.ids[j]} {_pct(move[j])}" for j in np.argsort(-np.abs(move), kind="stable")[:3]))
    risks = tuple(f"{k} {v:.2f}" for k, v in risk.components.items()) + tuple(f"watch {x}" for x in risk.flagged)
    headlines = "\n".join(f"- {h}" for h in top["headline"]) or "- (no news)"
    text, regime, failed, raw = "", "calm", False, labels_raw
    if emily.mode == "text":
        prompt = (f"{header('market_analysis', 'emily', 'report')}\nWrite this week's market report.\n{numbers}\n"
                  f"Headlines:\n{headlines}\nJSON fields: regime_view (calm|volatile|crisis), risks (list of strings), "
                  f"text (two sentences), labels (object: headline number from 1 -> positive|neutral|negative).")

        def read(d: dict[str, Any]) -> dict[str, Any] | None:
            return d if str(d.get("regime_view", "")).lower() in REGIMES else None

        got, raw = emily.ask_json(prompt, read)
        failed = got is None
        if got is not None:
            regime, text = str(got["regime_view"]).lower(), str(got.get("text", ""))[:2000]
            risks += tuple(str(r)[:200] for r in got.get("risks", []) if isinstance(got.get("risks"), list))[:5]
            labels: dict[str, Any] = got["labels"] if isinstance(got.get("labels"), dict) else {}
            for pos, item_id in enumerate(top.index, start=1):
                label = str(labels.get(str(pos), "")).lower()
                if label in LABELS:
                    team.analyzer.labels[int(item_id)] = (1, 0, -1)[LABELS.index(label)]
    else:
        prompt = (f"{header('market_analysis', 'bob', 'regime')}\n{numbers}\nmarket volatility {100 * mkt_vol:.1f}%\n"
                  f"How is the market?\nA) calm\nB) volatile\nC) crisis")
        choice, bob_raw = bob.choose(prompt, 3)
        regime, failed = (REGIMES[choice] if choice is not None else "calm"), choice is None
        raw = f"{raw} | bob {bob_raw}".strip(" |")
        if team.report_tokens > 0 and len(top):
            text = emily.write(f"{header('market_analysis', 'emily', 'report')}\nSummarise for the team in one "
                               f"sentence what these headlines mean for the stocks:\n{headlines}", team.report_tokens)
    report = MarketReport(week, sentiment, movers, regime, risks, text, failed, raw)
    team.memory.add("report", f"wk {week}: regime {regime}; movers {', '.join(movers)}; {text[:200]}", week)
    if len(top):
        team.memory.add("market", f"wk {week}: " + " | ".join(str(h) for h in top["headline"]), week)
    return team.log(view.t, "market_analysis", report)


def rank_line(letter: str, cand: StrategyProposal, sim: SimResult | None, k: float, s_f: float) -> str:
    """One compact option line (short prompts keep the embedded model fast; full parameters are in the records)."""
    name = f"{cand.family}(k={cand.params['k']:g})" if "k" in cand.params else cand.family
    if sim is None:
        return f"{letter}) {name}: track record {s_f:+.2f}"
    return (f"{letter}) {name}: sim {_pct(k * sim.mean)}/wk, sd {100 * sim.std:.1f}%, P(loss) {100 * sim.p_loss:.0f}%, "
            f"sharpe={sim.sharpe:+.2f}, track record {s_f:+.2f}")


def otto_decide(team: Team, view: MarketView, cands: Sequence[StrategyProposal], sims: Sequence[SimResult | None],
                report: MarketReport, risk: RiskAssessment, k: float, scores: dict[str, float]) -> Decision:
    """Otto's strategy decision over Bob's ranked candidates plus hold and reduce_exposure."""
    otto = team.agents["otto"]
    lines = [rank_line(LETTERS[i], c, s, k, scores.get(c.family, 0.0)) for i, (c, s) in enumerate(zip(cands, sims, strict=True))]
    n = len(cands)
    lines += [f"{LETTERS[n]}) hold the current portfolio", f"{LETTERS[n + 1]}) reduce_exposure to {team.alert_gross:.0%}"]
    memory = team.memory.recall("strategy", " ".join(c.family for c in cands), team.top_k)
    prompt = (f"{header('strategy_development', 'otto', 'decide')}\nMarket: {report.regime_view}. {report.text[:200]}\n"
              f"Risk score R = {risk.r_score:.2f} (alert threshold {team.threshold:.2f})\n"
              + ("Past results:\n" + "\n".join(f"- {m}" for m in memory) + "\n" if memory else "")
              + "Options, Bob's best first:\n" + "\n".join(lines) + "\nWhich option do you choose?")
    if otto.mode == "text":
        names = [c.family for c in cands] + ["hold", "reduce_exposure"]

        def read(d: dict[str, Any]) -> int | None:
            choice = str(d.get("choice", d.get("action", ""))).strip()
            if choice.upper() in LETTERS[: n + 2] and len(choice) == 1:
                return LETTERS.index(choice.upper())
            return names.index(choice) if choice in names else None

        idx, raw = otto.ask_json(prompt + "\nJSON fields: choice (a letter), rationale.", read)
    else:
        idx, raw = otto.choose(prompt, n + 2)
    if idx is None:
        return team.log(view.t, "strategy_development", Decision("strategy_development", "hold", rationale="parse failure: hold",
                                                                 parse_failed=True, raw_text=raw))
    if idx < n:
        decision = Decision("strategy_development", "adopt_strategy", cands[idx], 1.0, (), f"option {LETTERS[idx]}", False, raw)
    elif idx == n:
        decision = Decision("strategy_development", "hold", rationale="hold", raw_text=raw)
    else:
        decision = Decision("strategy_development", "reduce_exposure", target_gross=team.alert_gross, raw_text=raw)
    return team.log(view.t, "strategy_development", decision)


def risk_alert(team: Team, view: MarketView, risk: RiskAssessment, stress: SimResult, tau_bar: np.ndarray) -> Decision:
    """Dave's score, Bob's stress test, Emily's sentiment on the flagged names, then Otto acts."""
    otto = team.agents["otto"]
    team.log(view.t, "risk_alert", risk)
    team.log(view.t, "risk_alert", stress)
    flagged = ", ".join(f"{x} (sentiment {tau_bar[view.ids.index(x)]:+.2f})" for x in risk.flagged if x in view.ids) or "none"
    actions = ["hold", "reduce_exposure", "exit_positions", "raise_cash"] + (["hedge_market"] if team.allow_short else [])
    what = {"hold": "keep the book", "reduce_exposure": f"cut gross exposure to {team.alert_gross:.0%}",
            "exit_positions": "sell the flagged names", "raise_cash": "sell everything",
            "hedge_market": "short the market against the book's beta"}
    prompt = (f"{header('risk_alert', 'otto', 'alert')}\nRISK ALERT. Risk score R = {risk.r_score:.2f} (alert threshold "
              f"{team.threshold:.2f}); terms: " + ", ".join(f"{k} {v:.2f}" for k, v in risk.components.items())
              + f"\nStress test (volatility doubled): mean {_pct(stress.mean)}, VaR95 {100 * stress.var95:.1f}%\n"
              f"Flagged names: {flagged}\n" + "\n".join(f"{LETTERS[i]}) {a} {what[a]}" for i, a in enumerate(actions))
              + "\nWhich option do you choose?")
    if otto.mode == "text":
        def read(d: dict[str, Any]) -> int | None:
            choice = str(d.get("action", d.get("choice", ""))).strip()
            if len(choice) == 1 and choice.upper() in LETTERS[: len(actions)]:
                return LETTERS.index(choice.upper())
            return actions.index(choice) if choice in actions else None

        idx, raw = otto.ask_json(prompt + "\nJSON fields: action (one of the option names), rationale.", read)
    else:
        idx, raw = otto.choose(prompt, len(actions))
    if idx is None:
        return team.log(view.t, "risk_alert", Decision("risk_alert", "hold", rationale="parse failure: hold",
                                                       parse_failed=True, raw_text=raw))
    action = actions[idx]
    assert action in ACTIONS
    gross = team.alert_gross if action == "reduce_exposure" else (0.0 if action == "raise_cash" else 1.0)
    excluded = risk.flagged if action == "exit_positions" else ()
    return team.log(view.t, "risk_alert", Decision("risk_alert", action, None, gross, excluded, what[action], False, raw))  # type: ignore[arg-type]


def single_agent(team: Team, view: MarketView, families: Sequence[str], summary: str) -> Decision:
    """The single-agent workflow: one model, the same tools, no meetings, no simulation."""
    otto = team.agents["otto"]
    cands = [StrategyProposal(f, FAMILIES[f].defaults(), "single agent") for f in families if f != "cash"]
    lines = [f"{LETTERS[i]}) {c.family} {FAMILIES[c.family].description}" for i, c in enumerate(cands)]
    lines.append(f"{LETTERS[len(cands)]}) hold keep the current portfolio")
    prompt = (f"{header('single_agent', 'otto', 'decide')}\nYou manage the fund alone.\n{summary}\n"
              + "\n".join(lines) + "\nWhich option do you choose?")
    if otto.mode == "text":
        names = [c.family for c in cands] + ["hold"]

        def read(d: dict[str, Any]) -> int | None:
            choice = str(d.get("choice", "")).strip()
            if len(choice) == 1 and choice.upper() in LETTERS[: len(names)]:
                return LETTERS.index(choice.upper())
            return names.index(choice) if choice in names else None

        idx, raw = otto.ask_json(prompt + "\nJSON fields: choice (a letter), rationale.", read)
    else:
        idx, raw = otto.choose(prompt, len(cands) + 1)
    if idx is None or idx == len(cands):
        return team.log(view.t, "single_agent", Decision("single_agent", "hold", parse_failed=idx is None, raw_text=raw))
    return team.log(view.t, "single_agent", Decision("single_agent", "adopt_strategy", cands[idx], raw_text=raw))


def bob_propose(team: Team, view: MarketView, report: MarketReport, families: Sequence[str],
                fallback: Sequence[StrategyProposal]) -> list[StrategyProposal]:
    """Text mode: Bob proposes the candidates (family and bounded parameters); invalid ones are replaced
    by the tools' proposals (a parse failure is counted when none is usable)."""
    bob = team.agents["bob"]
    schema = "\n".join(
        f"- {f}: {FAMILIES[f].description}; params "
        + (", ".join(f"{p.name} in [{p.lo:g}, {p.hi:g}]" for p in FAMILIES[f].params) or "none")
        for f in families if f != "cash")
    memory = team.memory.recall("strategy", report.regime_view + " " + " ".join(report.top_movers), team.top_k)
    prompt = (f"{header('strategy_development', 'bob', 'propose')}\nPropose {team.n_candidates} candidate strategies "
              f"to test in the simulated market this week.\nMarket: regime {report.regime_view}; {report.text[:300]}\n"
              + ("Past results:\n" + "\n".join(f"- {m}" for m in memory) + "\n" if memory else "")
              + f"Families:\n{schema}\nJSON fields: proposals (list of objects with family, params, rationale).")

    def read(d: dict[str, Any]) -> list[StrategyProposal] | None:
        out = []
        for p in d.get("proposals", []):
            fam = FAMILIES.get(str(p.get("family", ""))) if isinstance(p, dict) else None
            if fam is not None and fam.name in families and fam.name != "cash":
                params = p.get("params") if isinstance(p.get("params"), dict) else {}
                out.append(StrategyProposal(fam.name, fam.clip(params), str(p.get("rationale", ""))[:500]))
        return out or None

    got, raw = bob.ask_json(prompt, read)
    if got is None:
        return [StrategyProposal(c.family, c.params, c.rationale, True, raw) for c in fallback]
    got = got[: team.n_candidates]
    return got + list(fallback[: team.n_candidates - len(got)])
