"""Special cases equal the ILP (acceptance 3)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentzoo.systems.fair_matching import Instance, solve
from agentzoo.systems.fair_matching.brute import brute_force
from agentzoo.systems.fair_matching.exact import count_ilp
from agentzoo.systems.fair_matching.heuristics import serial_dictatorship_round
from agentzoo.systems.fair_matching.pareto import is_pareto_optimal, serial_dictatorship_outcomes
from agentzoo.systems.fair_matching.special import (
    binary_flow,
    bottleneck,
    identical_optimum,
    two_agents,
)


@pytest.mark.parametrize("n_max", [8, pytest.param(15, marks=pytest.mark.slow)])
def test_bottleneck_matches_ilp_on_200_instances(n_max: int) -> None:
    rng = np.random.default_rng(21)
    for k in range(200):
        n = int(rng.integers(1, n_max + 1))
        u = rng.integers(0, 10, (n, n)) if k % 2 else rng.random((n, n))
        instance = Instance(u, 1)
        value, matching = bottleneck(instance)
        assert np.array_equal(np.sort(matching), np.arange(n))
        assert value == instance.utilities[np.arange(n), matching].min()
        assert value == count_ilp(instance, mip_rel_gap=1e-9).value


def test_bottleneck_hand_example() -> None:
    # the max-sum matching (0->0, 1->1: 9 + 1) has minimum 1; the bottleneck one has 4 (4, 5)
    value, matching = bottleneck(Instance([[9, 4], [5, 1]], 1))
    assert value == 4 and matching.tolist() == [1, 0]


def test_binary_flow_matches_ilp_on_200_instances() -> None:
    rng = np.random.default_rng(22)
    for _ in range(200):
        n = int(rng.integers(1, 16))
        T = int(rng.integers(1, 8))
        instance = Instance((rng.random((n, n)) < rng.uniform(0.05, 0.6)).astype(float), T)
        value, X = binary_flow(instance)
        assert np.all(X.sum(axis=0) == T) and np.all(X.sum(axis=1) == T)
        assert value == (instance.utilities * X).sum(axis=1).min()
        assert value == count_ilp(instance, mip_rel_gap=1e-9).value


def test_two_agents_matches_ilp() -> None:
    rng = np.random.default_rng(23)
    for _ in range(100):
        instance = Instance(rng.integers(0, 20, (2, 2)), int(rng.integers(1, 30)))
        value, X = two_agents(instance)
        assert value == (instance.utilities * X).sum(axis=1).min()
        assert value == count_ilp(instance, mip_rel_gap=1e-9).value


def test_rotation_attains_the_identical_utility_bound() -> None:
    rng = np.random.default_rng(24)
    for _ in range(50):
        n = int(rng.integers(1, 12))
        T = n * int(rng.integers(1, 4))
        v = rng.integers(0, 10, n)
        instance = Instance(np.tile(v, (n, 1)), T)
        schedule = solve("rotation", instance)
        assert schedule is not None
        assert schedule.value == T * v.sum() / n == identical_optimum(instance)
        if n <= 3 and T <= 3:
            assert schedule.value == brute_force(instance).opt
    assert identical_optimum(Instance(np.tile([1, 2, 3], (3, 1)), 4)) is None  # n does not divide T


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.data())
def test_rotation_is_at_least_opt_over_n_when_n_divides_t(n: int, k: int, data: st.DataObject) -> None:
    values = data.draw(st.lists(st.integers(0, 9), min_size=n * n, max_size=n * n))
    instance = Instance(np.array(values).reshape(n, n), n * k)
    schedule = solve("rotation", instance)
    assert schedule is not None
    assert schedule.value >= count_ilp(instance, mip_rel_gap=1e-9).value / n - 1e-9


def test_serial_dictatorship_outcomes_are_exactly_the_pareto_optimal_matchings() -> None:
    rng = np.random.default_rng(25)
    for _ in range(10):
        n = int(rng.integers(2, 5))
        u = np.array([rng.permutation(n) for _ in range(n)], dtype=float)  # strict preferences
        instance = Instance(u, 1)
        outcomes = serial_dictatorship_outcomes(u)
        for matching in outcomes:
            assert is_pareto_optimal(instance, u[np.arange(n), list(matching)])
        pareto = {p for p in itertools.permutations(range(n))
                  if is_pareto_optimal(instance, u[np.arange(n), list(p)])}
        assert pareto == outcomes


def test_serial_dictatorship_round_hand_example() -> None:
    u = np.array([[3.0, 2.0, 1.0], [3.0, 1.0, 2.0], [1.0, 3.0, 2.0]])
    assert serial_dictatorship_round(u, np.array([1, 0, 2])).tolist() == [1, 0, 2]
