"""Exact solvers: bounds, time limits, refinements, anytime helpers."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.seeding import rng
from agentzoo.systems.fair_matching import Instance, Schedule, generate, solve
from agentzoo.systems.fair_matching import api as api_module
from agentzoo.systems.fair_matching.brute import brute_force
from agentzoo.systems.fair_matching.exact import CountSolution, count_ilp, lp_bound
from agentzoo.systems.fair_matching.pareto import is_pareto_optimal

from .conftest import tiny_instances


def test_hand_computed_optimum() -> None:
    # Agents 0 and 1 both value only item 0 (4 each); agent 2 is indifferent. Over T = 2 rounds
    # item 0 goes once to each of agents 0 and 1, so OPT = 4 (agent 2 gets 2 + 2).
    instance = Instance([[4, 0, 0], [4, 0, 0], [2, 2, 2]], 2)
    solution = count_ilp(instance)
    assert solution.status == "optimal" and solution.value == 4.0
    assert solution.X is not None and solution.X[0, 0] == solution.X[1, 0] == 1


def test_lp_bound_scales_with_t_and_bounds_opt() -> None:
    u = rng(0, "lp").random((6, 6))
    one, _ = lp_bound(Instance(u, 1))
    for T in (2, 5, 13):
        value, X = lp_bound(Instance(u, T))
        assert value == pytest.approx(T * one, rel=1e-7)  # UB_LP(T) = T·UB_LP(1)
        np.testing.assert_allclose(X.sum(axis=0), T, atol=1e-7)
        assert count_ilp(Instance(u, T)).value <= value + 1e-9


def test_time_limit_keeps_the_incumbent_with_its_gap() -> None:
    instance = generate("correlated", 12, 12, rng(0, "tl"))  # near-identical: hard for the ILP
    schedule = solve("exact", instance, time_limit_s=0.3)
    assert schedule is not None
    assert schedule.status == "time_limit"  # never called optimal
    assert schedule.bound is not None and schedule.bound > schedule.value
    assert schedule.gap is not None and schedule.gap > 0
    assert schedule.value <= lp_bound(instance)[0] + 1e-9


def test_no_incumbent_falls_back_to_greedy(monkeypatch: pytest.MonkeyPatch) -> None:
    def nothing(instance: Instance, **_: object) -> CountSolution:
        return CountSolution(None, float("nan"), 99.0, "time_limit", 0.0, {"step": "ilp"})

    monkeypatch.setattr(api_module, "count_ilp", nothing)
    instance = generate("uniform", 5, 4, rng(0, "fallback"))
    schedule = solve("exact", instance)
    assert schedule is not None and schedule.status == "heuristic" and schedule.bound == 99.0
    greedy = solve("greedy", instance)
    assert greedy is not None and np.array_equal(schedule.matchings, greedy.matchings)


def test_utilitarian_refinement_keeps_the_optimum_and_is_pareto_optimal() -> None:
    for seed in range(5):
        instance = generate("uniform", 5, 7, rng(seed, "refine"), int_scale=5)
        plain = solve("exact", instance, refine="none")
        refined = solve("exact", instance, refine="utilitarian")
        assert plain is not None and refined is not None
        assert refined.value == plain.value
        assert refined.welfare() >= plain.welfare()
        assert is_pareto_optimal(instance, refined.U) is True


def test_refined_float_optima_are_pareto_optimal_within_the_solver_tolerance() -> None:
    # regression: HiGHS's absolute MIP gap (1e-6) once made the checker call a refined optimum dominated
    for k in range(6):
        instance = generate("uniform", 5, 5, rng(0, "instance", "uniform", 5, 5, k))
        refined = solve("exact", instance, refine="utilitarian")
        assert refined is not None and refined.status == "optimal"
        assert is_pareto_optimal(instance, refined.U) is True


def test_leximin_refinement_matches_brute_force() -> None:
    for instance in tiny_instances(25, seed=31, n_min=2):
        truth = brute_force(instance)
        best = max(tuple(sorted(row)) for row in truth.outcomes.tolist())
        refined = solve("exact", instance, refine="leximin")
        assert refined is not None
        assert tuple(sorted(refined.U.tolist())) == best


def test_schedules_are_verified() -> None:
    instance = Instance(np.eye(3), 2)
    with pytest.raises(ValueError, match="round 2 is not a perfect matching"):
        Schedule(instance, np.array([[0, 1, 2], [0, 0, 2]]), "test", "none")
    with pytest.raises(ValueError, match="shape"):
        Schedule(instance, np.array([[0, 1, 2]]), "test", "none")
    schedule = Schedule(instance, np.array([[0, 1, 2], [1, 2, 0]]), "test", "none")
    assert schedule.U.tolist() == [1.0, 1.0, 1.0] and schedule.round_minima.tolist() == [1.0, 1.0]
    assert schedule.counts.sum(axis=0).tolist() == [2, 2, 2]
    assert schedule.envy() == (0.0, 0.0)  # each agent values the others' bundles at 0 or 1, its own at 1
    envious = Schedule(Instance([[2, 1], [2, 1]], 1), np.array([[0, 1]]), "test", "none")
    assert envious.envy() == (1.0, 0.5)  # agent 1 values agent 0's item at 2 > 1; agent 0 envies no one
