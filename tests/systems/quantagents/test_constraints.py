"""The portfolio never breaks its constraints, whatever the agents choose."""

from __future__ import annotations

import numpy as np

from agentzoo.llm.scripted import ScriptedChatModel
from agentzoo.seeding import rng
from agentzoo.systems.quantagents.agents import Agent
from agentzoo.systems.quantagents.desk import Desk
from agentzoo.systems.quantagents.meetings import Memories, Team
from agentzoo.systems.quantagents.news import NewsFeed, generate
from agentzoo.systems.quantagents.reward import Learner
from agentzoo.systems.quantagents.tools import SentimentAnalyzer

from .conftest import tiny


def _random_team(seed: int) -> Team:
    gen = rng(seed, "random-agent")
    model = ScriptedChatModel(spec="scripted:random", score=lambda m, o: list(gen.normal(size=len(o))))
    agents = {r: Agent(r, model, "choice") for r in ("otto", "bob", "dave", "emily")}
    return Team(agents, SentimentAnalyzer(), Memories("hash"), alert_gross=0.3, threshold=0.2)


def test_random_decisions_respect_the_limits(tiny_world) -> None:
    cfg = tiny(test_weeks=3, r_threshold=0.2, alert_cooldown_days=0, max_weight=0.25)
    feed = NewsFeed(generate(tiny_world, cfg))
    desk = Desk(cfg, tiny_world, feed, "full", _random_team(1), Learner())
    for i in range(desk.bars.T):
        desk.step(i)
    res = desk.finish()
    assert desk.counts["risk_alert"] > 0  # the low threshold makes the alert path run too
    fills = np.isfinite(res.fill_price).any(axis=1)
    e_open = res.cash[:-1] + (res.units[:-1] * res.bars.open[1:]).sum(axis=1)  # value before each day's fills
    w_open = res.units[1:] * res.bars.open[1:] / e_open[:, None]
    rows = w_open[fills[1:]]
    assert (res.units >= -1e-9).all()  # long only
    assert (rows <= cfg.max_weight + 1e-6).all()  # per-name cap at every fill
    assert (rows.sum(axis=1) <= 1.0 + 1e-6).all()  # no leverage
    assert (res.cash >= -1e-6 * cfg.capital).all()
    decided = desk.targets[np.isfinite(desk.targets).any(axis=1)]
    assert (np.nan_to_num(decided) <= cfg.max_weight + 1e-12).all() and (np.nan_to_num(decided) >= 0).all()
