"""R_score known answer, the past-only view, tools and the sentiment lexicon."""

from __future__ import annotations

import math

import numpy as np
import pytest

from agentzoo.markets.backtest import FutureAccessError, LookAheadError
from agentzoo.systems.quantagents import news as nw
from agentzoo.systems.quantagents.news import NewsFeed, generate
from agentzoo.systems.quantagents.tools import (
    MarketView,
    SentimentAnalyzer,
    assess,
    beta,
    fit_kappa,
    liquidity_ratio,
    r_components,
    r_score,
    sector_exposure,
)


def test_r_score_hand_computation() -> None:
    comps = r_components(1.5, 0.5, 0.4, 0.3, (2.0, 5.0, 1.0, 0.6))
    assert comps == pytest.approx((0.75, 0.4, 0.4, 0.5))
    assert r_score(comps, (0.25, 0.25, 0.25, 0.25)) == pytest.approx(0.5125)
    assert r_components(5.0, 0.01, 2.0, 3.0) == (1.0, 1.0, 1.0, 1.0)  # every term capped at 1


def test_liquidity_ratio_and_sector_exposure() -> None:
    # cash 20, positions 50 and 30 with 0.1 ADV caps 100 and 10 -> (20 + 50 + 10) / 100
    assert liquidity_ratio(np.array([50.0, 30.0]), 20.0, 100.0, np.array([1000.0, 100.0])) == pytest.approx(0.8)
    assert sector_exposure(np.array([0.2, 0.1, 0.3]), np.array([0, 1, 0])).tolist() == pytest.approx([0.5, 0.1])


def test_assess_uses_hand_inputs(tiny_world) -> None:
    w = tiny_world
    view = MarketView(w.bars, w.test_start, sectors=w.sectors)
    weights = np.zeros(w.N)
    weights[:2] = 0.2
    risk = assess(view, weights, 0.6 * 1e6, 1e6, betas=np.full(w.N, 1.5), adv=np.full(w.N, 1e9),
                  refs=(2, 5, 1, 0.6), r_weights=(0.25,) * 4, threshold=0.0)
    assert risk.inputs["beta_p"] == pytest.approx(0.6)
    assert risk.inputs["LR"] == pytest.approx(1.0)
    assert risk.components["beta"] == pytest.approx(0.3)
    assert risk.r_score == pytest.approx(np.mean(list(risk.components.values())))
    assert len(risk.flagged) == 2  # above a zero threshold the held names are flagged


def test_market_view_refuses_the_future(tiny_world) -> None:
    view = MarketView(tiny_world.bars, 100)
    assert view[100]["close"].shape == (tiny_world.N,)
    with pytest.raises(FutureAccessError):
        view[101]
    with pytest.raises(LookAheadError):
        view.close[101]
    assert view.closes(10).shape == (10, tiny_world.N)
    assert np.array_equal(view.closes(1)[0], tiny_world.bars.close[100])


def test_beta_of_the_universe_is_one(tiny_world) -> None:
    b = beta(MarketView(tiny_world.bars, tiny_world.T - 1))
    assert float(np.mean(b)) == pytest.approx(1.0)  # equal-weight average of betas on the EW index


def test_lexicon_recovers_every_template_grade() -> None:
    for table in (nw.STOCK_PHRASES, nw.SECTOR_PHRASES, nw.MACRO_PHRASES):
        for g, phrases in table.items():
            for phrase in phrases:
                tau = SentimentAnalyzer.lexicon_tau(f"Norvale Systems (NORV) {phrase}")
                assert nw.grade(tau) == g, (phrase, tau)
    assert SentimentAnalyzer.lexicon_tau("Rumour: X (X) beats estimates") == pytest.approx(0.2)
    assert SentimentAnalyzer.lexicon_tau("X names a new board member") == 0.0


def test_llm_labels_are_blended() -> None:
    a = SentimentAnalyzer(llm_weight=0.5)
    a.labels[7] = -1
    assert a.tau(7, "X beats estimates") == pytest.approx(0.5 * 0.4 - 0.5 * 0.8)
    assert a.tau(8, "X beats estimates") == pytest.approx(0.4)


def test_kappa_reads_only_closed_windows(tiny_world, tiny_cfg) -> None:
    feed = NewsFeed(generate(tiny_world, tiny_cfg))
    t = tiny_world.test_start
    full = fit_kappa(MarketView(tiny_world.bars, t, feed), SentimentAnalyzer())
    cut = fit_kappa(MarketView(tiny_world.bars[: t + 1], t, feed), SentimentAnalyzer())
    assert full == cut and math.isfinite(full)  # the same with every later bar removed
