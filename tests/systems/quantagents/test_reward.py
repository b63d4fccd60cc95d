"""The dual reward's known answer, its uses, and the prediction-quality metrics."""

from __future__ import annotations

import math

import pytest

from agentzoo.systems.quantagents.records import RewardRecord
from agentzoo.systems.quantagents.reward import (
    Learner,
    dual_reward,
    memory_line,
    prediction_quality,
)


def test_dual_reward_known_answer() -> None:
    real, acc, R = dual_reward(0.01, 0.02, 0.5, 0.02)
    assert real == pytest.approx(math.tanh(0.5))
    assert acc == pytest.approx(0.5)
    assert R == pytest.approx(0.4811, abs=1e-4)
    assert dual_reward(0.0, 1.0)[1] == 0.0  # the accuracy term is clipped at 0
    assert -1 <= dual_reward(-1.0, 0.0)[0] < -0.99  # the real term is bounded by tanh


def test_learner_centres_updates_and_calibrates_k() -> None:
    L = Learner(0.5, 0.02, 0.5)
    assert L.k == 1.0
    recs = L.update_week(0, [("a", 0.01, 0.02, True), ("b", 0.01, -0.02, False)])
    assert [r.candidate for r in recs] == ["a", "b"] and recs[0].adopted and not recs[1].adopted
    assert L.scores["a"] == pytest.approx(-L.scores["b"])  # centred on the week's mean
    assert L.scores["a"] > 0
    for _ in range(200):  # realised = 0.5 x predicted: k -> 0.5
        L.update_week(1, [("a", 0.02, 0.01, True)])
    assert L.k == pytest.approx(0.5, abs=0.02)


def test_memory_line_format() -> None:
    rec = RewardRecord(12, "momentum_reversal", 0.012, -0.004, 0.012, -0.2, 0.2, 0.21)
    assert memory_line(rec) == "wk 12 momentum_reversal: predicted +1.20%, realised -0.40%, R 0.21"


def test_prediction_quality_hand_values() -> None:
    recs = [RewardRecord(0, "a", 0.01, 0.02, 0.01, 0, 0, 0.2), RewardRecord(0, "b", -0.01, 0.01, -0.01, 0, 0, 0.4),
            RewardRecord(0, "c", 0.02, 0.03, 0.02, 0, 0, 0.6)]
    q = prediction_quality(recs)
    assert q["prediction_accuracy"] == pytest.approx(2 / 3)
    assert q["prediction_mae"] == pytest.approx((0.01 + 0.02 + 0.01) / 3)
    assert q["prediction_rank_ic"] == pytest.approx(1.0)
    assert q["mean_reward"] == pytest.approx(0.4)
    assert math.isnan(prediction_quality([])["prediction_accuracy"])
