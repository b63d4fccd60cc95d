"""Tabular MaxEnt IRL on gridworlds where the exact answer is computable."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

from agentzoo.systems.rdirl.baselines.maxent_tabular import (
    Gridworld,
    maxent_irl,
    soft_policy,
    visitation,
)
from agentzoo.systems.rdirl.metrics import pearson


def test_transitions_are_distributions():
    T = Gridworld(4, 0.2, 5).transitions()
    np.testing.assert_allclose(T.sum(axis=2), 1.0)
    # up from the top-left corner bumps into the wall; so does a slip to the left (1 of 3 slip moves)
    assert T[0, 1, 0] == pytest.approx(0.8 + 0.2 / 3)


def test_maxent_recovers_the_reward_ordering_on_a_deterministic_5x5_grid():
    world = Gridworld(5, 0.0, 10)
    T, r = world.transitions(), world.true_reward()
    start = np.full(world.n_states, 1.0 / world.n_states)
    mu_expert = visitation(T, soft_policy(T, 5.0 * r, world.horizon), start)
    theta = maxent_irl(T, mu_expert, start, world.horizon, iters=150)
    assert np.argmax(theta) == np.argmax(r)  # the goal
    assert pearson(theta, r) >= 0.9


def test_maxent_recovers_the_reward_ordering_by_distance_to_the_goal():
    """The true reward is minus the Manhattan distance to the goal: the learned reward, averaged
    over the states at each distance, must fall strictly with distance, and rank-correlate."""
    world = Gridworld(5, 0.0, 10)
    T, r = world.transitions(), world.true_reward()
    start = np.full(world.n_states, 1.0 / world.n_states)
    mu_expert = visitation(T, soft_policy(T, 5.0 * r, world.horizon), start)
    theta = maxent_irl(T, mu_expert, start, world.horizon, iters=150)
    levels = np.unique(r)[::-1]  # best (the goal) first
    by_level = np.array([theta[r == level].mean() for level in levels])
    assert (np.diff(by_level) < 0).all(), by_level
    assert scipy.stats.spearmanr(theta, r).statistic >= 0.9


def test_visitation_counts_sum_to_the_horizon():
    world = Gridworld(3, 0.1, 7)
    T = world.transitions()
    start = np.full(world.n_states, 1.0 / world.n_states)
    mu = visitation(T, soft_policy(T, world.true_reward(), world.horizon), start)
    assert mu.sum() == np.float64(7.0) or abs(mu.sum() - 7.0) < 1e-12
