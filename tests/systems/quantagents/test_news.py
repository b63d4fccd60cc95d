"""The news stream: stamped after the close, informative but noisy, a clean no-edge control."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from agentzoo.systems.quantagents.config import Config
from agentzoo.systems.quantagents.news import NewsFeed, generate
from agentzoo.systems.quantagents.run import news_diagnostics
from agentzoo.systems.quantagents.world import synthetic


@pytest.fixture(scope="module")
def world_30():
    cfg = Config(n_stocks=30, n_sectors=6, warmup_years=2.0, test_weeks=52, seed=0)
    return cfg, synthetic(cfg)


def test_nothing_is_visible_before_its_day(tiny_world, tiny_cfg) -> None:
    feed = NewsFeed(generate(tiny_world, tiny_cfg))
    assert len(feed) > 0
    for t in range(0, tiny_world.T, 7):
        seen = feed.visible(t)
        assert (seen["day"] <= t).all()
        assert len(seen) == int((feed.items["day"] <= t).sum())  # and everything stamped by t is


def test_informative_but_noisy(world_30) -> None:
    cfg, world = world_30
    rho = [news_diagnostics(world, generate(world, cfg.replace(news_noise=s)))["news_ic"] for s in (0.25, 0.5, 1.0, 2.0)]
    assert 0.10 <= rho[1] <= 0.40  # the default noise 0.5
    assert all(a > b for a, b in itertools.pairwise(rho)), rho


def test_false_item_rate(world_30) -> None:
    cfg, world = world_30
    for rate in (0.1, 0.2, 0.4):
        stats = news_diagnostics(world, generate(world, cfg.replace(news_false_rate=rate)))
        assert abs(stats["news_false_share"] - rate) <= 0.02


@pytest.mark.slow
def test_no_edge_control_is_uninformative() -> None:
    cfg = Config(n_stocks=200, n_sectors=10, warmup_years=6.0, test_weeks=52, seed=0, news_informative=False)
    world = synthetic(cfg)
    news = generate(world, cfg)
    stats = news_diagnostics(world, news)
    scored = (news["scope"] == "stock") & (news["kind"] != "filler")
    assert scored.sum() > 5_000  # enough items that |rho| < 0.03 is not luck (sd about 0.014)
    assert abs(stats["news_ic"]) < 0.03
    assert (news.loc[news["kind"] != "filler", "event"] == -1).all()


def test_news_is_deterministic(tiny_world, tiny_cfg) -> None:
    a, b = generate(tiny_world, tiny_cfg), generate(tiny_world, tiny_cfg)
    assert a.equals(b)
    assert set(a["kind"]) <= {"news", "rumour", "false", "filler"}
    assert np.isfinite(a["tau_star"]).all() and a["tau_star"].abs().max() <= 1
