"""Known answers for the metrics (EPIC invariances, thresholds, confidence intervals)."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.systems.rdirl.metrics import (
    epic_distance,
    mean_ci95,
    normalised_return,
    pearson,
    state_epic,
    steps_to_threshold,
)


@pytest.fixture
def transitions():
    rng = np.random.default_rng(0)
    s, a, s_next = rng.normal(size=(300, 3)), rng.normal(size=(300, 1)), rng.normal(size=(300, 3))
    S, A = rng.normal(size=(60, 3)), rng.normal(size=(60, 1))
    return s, a, s_next, S, A


def R(s, a, s_next):
    return np.sin(s[:, 0]) + s_next[:, 1] ** 2 - 0.5 * a[:, 0] * s[:, 2]


def test_epic_is_zero_for_affine_and_one_for_negation(transitions):
    assert epic_distance(R, lambda *x: 2 * R(*x) + 3, *transitions) < 1e-6
    assert abs(epic_distance(R, lambda *x: -R(*x), *transitions) - 1.0) < 1e-6


def test_epic_ignores_potential_shaping(transitions):
    gamma = 0.9

    def phi(x):
        return np.cos(x[:, 0]) * x[:, 1]

    def shaped(s, a, s_next):
        return R(s, a, s_next) + gamma * phi(s_next) - phi(s)

    assert epic_distance(R, shaped, *transitions, gamma=gamma) < 1e-6
    assert epic_distance(R, lambda s, a, sn: R(s, a, sn) + phi(sn), *transitions, gamma=gamma) > 1e-2


def test_state_epic_and_pearson():
    x = np.linspace(-1, 1, 50)
    assert state_epic(x, 4 * x - 1) < 1e-7
    assert abs(state_epic(x, -x) - 1.0) < 1e-7
    assert pearson(x, np.ones_like(x)) == 0.0


def test_steps_to_threshold_skips_step_zero_and_censors():
    assert steps_to_threshold([0, 10, 20], [0.95, 0.5, 0.91], 0.9, 30) == (20, False)
    assert steps_to_threshold([0, 10, 20], [0.95, 0.5, 0.6], 0.9, 30) == (30, True)


def test_normalised_return_and_ci():
    assert normalised_return(500.0, 20.0, 500.0) == pytest.approx(1.0)
    assert normalised_return(20.0, 20.0, 500.0) == pytest.approx(0.0)
    mean, half = mean_ci95([1.0, 2.0, 3.0])
    assert mean == 2.0 and half == pytest.approx(4.302652729911275 * 1.0 / np.sqrt(3))
    assert mean_ci95([5.0]) == (5.0, 0.0)
