"""Known answers by brute force over all (n!)^T sequences (acceptance 1).

The fast tests cover 200 instances for the exact solvers and smaller sets for the costlier
checks; the `slow` test runs every check on the spec's full set (300 tiny + 50 with n = 4).
"""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.systems.fair_matching import ALGORITHMS, Instance, solve
from agentzoo.systems.fair_matching.anytime import anytime_exists, anytime_ratio, best_alpha
from agentzoo.systems.fair_matching.brute import BruteForce, brute_force, dominated
from agentzoo.systems.fair_matching.exact import count_ilp
from agentzoo.systems.fair_matching.pareto import is_pareto_optimal

from .conftest import NO_ANYTIME, tiny_instances


def _check_exact(instance: Instance, truth: BruteForce) -> None:
    ilp = count_ilp(instance, mip_rel_gap=1e-9)  # the raw ILP, no special-case dispatch
    assert ilp.status == "optimal"
    assert ilp.value == truth.opt  # integer utilities: exact equality
    dispatched = solve("exact", instance, refine="utilitarian")
    assert dispatched is not None and dispatched.value == truth.opt and dispatched.status == "optimal"
    assert not dominated(dispatched.U, truth.outcomes)  # the utilitarian refinement is Pareto optimal
    exists = anytime_exists(instance, truth.opt_t)
    assert exists.exists == truth.anytime_exists
    if exists.matchings is not None:
        assert anytime_ratio(instance, exists.matchings, truth.opt_t) == 1.0


def _check_alpha_and_heuristics(instance: Instance, truth: BruteForce) -> None:
    alpha = best_alpha(instance, truth.opt_t)
    assert alpha.alpha == pytest.approx(truth.best_alpha, abs=1e-7)
    for algorithm in ALGORITHMS:
        schedule = solve(algorithm, instance, seed=1)
        assert schedule is not None
        assert schedule.value <= truth.opt + 1e-9, algorithm


def _check_pareto(instance: Instance, truth: BruteForce, algorithms: tuple[str, ...]) -> None:
    for algorithm in algorithms:
        schedule = solve(algorithm, instance, seed=2)
        assert schedule is not None
        assert is_pareto_optimal(instance, schedule.U) == (not dominated(schedule.U, truth.outcomes)), algorithm


def test_count_ilp_and_anytime_existence_match_brute_force_on_200_instances() -> None:
    instances = tiny_instances(200, seed=1)
    assert len({(i.n, i.rounds) for i in instances}) == 9  # every n <= 3, T <= 3 occurs
    for instance in instances:
        _check_exact(instance, brute_force(instance))


def test_best_alpha_and_heuristics_match_brute_force() -> None:
    for instance in tiny_instances(60, seed=3):
        _check_alpha_and_heuristics(instance, brute_force(instance))


def test_pareto_checker_matches_brute_force_dominance() -> None:
    verdicts = []
    for instance in tiny_instances(40, seed=4, n_min=2):
        truth = brute_force(instance)
        _check_pareto(instance, truth, ("greedy", "random", "rotation"))
        verdicts.append(dominated(solve("random", instance, seed=2).U, truth.outcomes))  # type: ignore[union-attr]
    assert any(verdicts) and not all(verdicts)  # both answers occur, so the check can fail


@pytest.mark.slow
def test_everything_matches_brute_force_on_the_full_set() -> None:
    rng = np.random.default_rng(2)
    instances = tiny_instances(300, seed=5) + [Instance(rng.integers(0, 6, (4, 4)), 2) for _ in range(50)]
    for instance in instances:
        truth = brute_force(instance)
        _check_exact(instance, truth)
        _check_alpha_and_heuristics(instance, truth)
        _check_pareto(instance, truth, tuple(ALGORITHMS))


def test_no_anytime_optimal_sequence_known_case() -> None:
    instance = Instance(NO_ANYTIME, 3)
    truth = brute_force(instance)
    assert truth.opt_t.tolist() == [1.0, 5.0, 7.0]
    assert not truth.anytime_exists
    result = anytime_exists(instance)
    assert result.status == "infeasible" and result.matchings is None
    assert "infeasible" in result.certificate
    assert solve("exact", instance, objective="anytime") is None  # never raises
    alpha = best_alpha(instance)
    assert alpha.alpha == pytest.approx(truth.best_alpha) and alpha.alpha < 1
