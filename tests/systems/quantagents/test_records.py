"""Typed records round-trip through JSON; malformed model output never crashes a run."""

from __future__ import annotations

import math

import numpy as np

from agentzoo.llm.scripted import ScriptedChatModel
from agentzoo.systems.quantagents import records as rc
from agentzoo.systems.quantagents.agents import Agent
from agentzoo.systems.quantagents.meetings import Memories, Team, otto_decide, risk_alert
from agentzoo.systems.quantagents.news import NewsFeed
from agentzoo.systems.quantagents.records import (
    Decision,
    MarketReport,
    RewardRecord,
    RiskAssessment,
    SimResult,
    StrategyProposal,
)
from agentzoo.systems.quantagents.tools import MarketView, SentimentAnalyzer

EXAMPLES = [
    MarketReport(3, {"NORV": 0.42, "TELX": -0.1}, ("NORV", "TELX"), "volatile", ("beta 0.50",), "Mixed.", True, "raw"),
    StrategyProposal("momentum_reversal", {"k": 5.0, "stop": 0.08}, "why"),
    SimResult("low_beta", 0.004, 0.02, 0.03, 0.4, 0.01, "", False, "x"),
    RiskAssessment(0.81, {"beta": 0.5, "volatility": 1.0}, {"LR": 0.4}, ("NORV",)),
    Decision("strategy_development", "adopt_strategy", StrategyProposal("cash", {}, ""), 0.5, ("A", "B"), "r"),
    Decision("risk_alert", "hold"),
    RewardRecord(4, "sentiment_tilt", 0.01, -0.02, 0.012, -0.76, 0.0, -0.38, True),
]


def test_every_record_round_trips() -> None:
    for rec in EXAMPLES:
        assert rc.loads(rc.dumps(rec)) == rec
        assert type(rc.from_dict(rc.to_dict(rec))) is type(rec)
    assert set(rc.RECORD_TYPES) == {type(r).__name__ for r in EXAMPLES}


def _team(model, mode: str) -> Team:
    agents = {r: Agent(r, model, mode) for r in ("otto", "bob", "dave", "emily")}
    return Team(agents, SentimentAnalyzer(), Memories("hash"))


def _meeting_inputs(world):
    view = MarketView(world.bars, world.test_start, NewsFeed.empty(), world.sectors)
    cands = [StrategyProposal("low_beta", {"k": 3.0}), StrategyProposal("equal_weight", {})]
    sims = [SimResult("low_beta", 0.01, 0.02, 0.02, 0.3, 0.01), SimResult("equal_weight", 0.0, 0.02, 0.03, 0.5, 0.01)]
    report = MarketReport(0)
    risk = RiskAssessment(0.3, {"beta": 0.3}, {}, ())
    return view, cands, sims, report, risk


def test_garbage_text_gives_hold_and_a_counted_failure(tiny_world) -> None:
    model = ScriptedChatModel(spec="scripted:garbage", respond=lambda m: "}}} not json {{{ \x00")
    team = _team(model, "text")
    view, cands, sims, report, risk = _meeting_inputs(tiny_world)
    d = otto_decide(team, view, cands, sims, report, risk, 1.0, {})
    assert d.parse_failed and d.action == "hold" and "not json" in d.raw_text
    assert team.agents["otto"].stats.parse_failures == 1
    assert team.agents["otto"].stats.calls == 2  # one repair retry
    alert = risk_alert(team, view, RiskAssessment(0.9, {}, {}, ("X",)), sims[0], np.zeros(tiny_world.N))
    assert alert.parse_failed and alert.action == "hold"


def test_wrong_json_fields_are_failures_too(tiny_world) -> None:
    model = ScriptedChatModel(spec="scripted:wrong", respond=lambda m: '{"choice": "Z", "foo": [1, 2]}')
    team = _team(model, "text")
    d = otto_decide(team, *_meeting_inputs(tiny_world), 1.0, {})
    assert d.parse_failed and d.action == "hold"


def test_broken_scores_give_hold(tiny_world) -> None:
    for scores in ([math.nan, 0.0, 0.0, 0.0], [0.0]):  # NaN, or the wrong number of options
        model = ScriptedChatModel(spec="scripted:nan", score=lambda m, o, s=scores: list(s))
        team = _team(model, "choice")
        d = otto_decide(team, *_meeting_inputs(tiny_world), 1.0, {})
        assert d.parse_failed and d.action == "hold"
        assert team.agents["otto"].stats.parse_failures == 1


def test_valid_json_is_read(tiny_world) -> None:
    model = ScriptedChatModel(spec="scripted:ok", respond=lambda m: 'Sure! ```json\n{"choice": "B", "rationale": "x"}\n```')
    d = otto_decide(_team(model, "text"), *_meeting_inputs(tiny_world), 1.0, {})
    assert not d.parse_failed and d.action == "adopt_strategy" and d.strategy is not None
    assert d.strategy.family == "equal_weight"
