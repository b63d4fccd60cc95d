"""Heuristics: known answers, proven guarantees, invariants."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentzoo.seeding import rng
from agentzoo.systems.fair_matching import Instance, generate, solve
from agentzoo.systems.fair_matching.assignment import max_weight_matching
from agentzoo.systems.fair_matching.exact import count_ilp
from agentzoo.systems.fair_matching.heuristics import greedy, local_search, random_schedule
from agentzoo.systems.fair_matching.pareto import is_pareto_optimal


def test_greedy_hand_example() -> None:
    # round 1: both matchings have minimum 1, take either; round 2: the swap lifts the worse agent
    M = greedy(Instance([[2, 1], [2, 1]], 2))
    u = np.array([[2, 1], [2, 1]])
    U = u[np.arange(2)[None, :], M].sum(axis=0)
    assert U.tolist() == [3, 3]


def test_greedy_rounds_are_bottleneck_then_priority_optimal_by_brute_force() -> None:
    for seed in range(40):
        stream = rng(seed, "greedy-brute")
        n, T = int(stream.integers(2, 5)), int(stream.integers(1, 5))
        u = stream.random((n, n))
        M = greedy(Instance(u, T))
        perms = np.array(list(itertools.permutations(range(n))))  # every matching of one round
        cumulative = np.zeros(n)
        for matching in M:
            levels = cumulative[None, :] + u[np.arange(n)[None, :], perms]  # (n!, n)
            theta = levels.min(axis=1).max()
            assert (cumulative + u[np.arange(n), matching]).min() == pytest.approx(theta)  # worst-off first
            c = np.maximum(cumulative, 1e-9)
            priority = (u[np.arange(n)[None, :], perms] * (c.min() / c)).sum(axis=1)
            best = priority[levels.min(axis=1) >= theta - 1e-12].max()
            assert (u[np.arange(n), matching] * (c.min() / c)).sum() == pytest.approx(best)  # then priority
            cumulative += u[np.arange(n), matching]


def test_greedy_priority_gives_the_best_items_to_the_worst_off_on_identical_utilities() -> None:
    v = np.array([0.9, 0.1, 0.5, 0.3, 0.7])
    M = greedy(Instance(np.repeat(v[None, :], 5, axis=0), 4))
    cumulative = v[M[0]]
    for matching in M[1:]:
        if len(np.unique(cumulative)) == 5:  # distinct cumulatives: anti-sorted (rearrangement)
            assert np.array_equal(np.argsort(cumulative), np.argsort(-v[matching]))
        cumulative = cumulative + v[matching]
    welfare = greedy(Instance(np.repeat(v[None, :], 5, axis=0), 4), tie_break="welfare")
    assert welfare.shape == M.shape
    with pytest.raises(ValueError, match="unknown tie_break"):
        greedy(Instance(np.repeat(v[None, :], 5, axis=0), 4), tie_break="nope")  # type: ignore[arg-type]


def test_local_search_never_worsens_its_input() -> None:
    for seed in range(20):
        instance = generate("correlated", 6, 9, rng(seed, "ls"))
        start = random_schedule(instance, rng(seed, "start"))
        before = instance.utilities[np.arange(6)[None, :], start].sum(axis=0)
        improved = local_search(instance, start)
        after = instance.utilities[np.arange(6)[None, :], improved].sum(axis=0)
        assert after.min() >= before.min() - 1e-12
        assert all(np.array_equal(np.sort(m), np.arange(6)) for m in improved)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 4), st.integers(1, 9), st.data())
def test_rotation_floor_guarantee_for_any_t(n: int, T: int, data: st.DataObject) -> None:
    values = data.draw(st.lists(st.integers(0, 9), min_size=n * n, max_size=n * n))
    instance = Instance(np.array(values).reshape(n, n), T)
    schedule = solve("rotation", instance)
    assert schedule is not None
    assert schedule.value >= (T // n) / T * count_ilp(instance, mip_rel_gap=1e-9).value - 1e-9


def test_utilitarian_has_maximum_welfare_and_others_do_not_exceed_it() -> None:
    instance = generate("uniform", 7, 5, rng(0, "util"))
    best = instance.utilities[np.arange(7), max_weight_matching(instance.utilities)].sum()
    welfare = {a: solve(a, instance).welfare() for a in ("utilitarian", "greedy", "exact", "prop_fair")}  # type: ignore[union-attr]
    assert np.isclose(welfare["utilitarian"], 5 * best)
    assert all(w <= welfare["utilitarian"] + 1e-9 for w in welfare.values())


def test_prop_fair_first_round_is_max_sum() -> None:
    instance = generate("uniform", 6, 3, rng(0, "pf"))
    schedule = solve("prop_fair", instance)
    assert schedule is not None
    first = instance.utilities[np.arange(6), schedule.matchings[0]].sum()
    assert np.isclose(first, instance.utilities[np.arange(6), max_weight_matching(instance.utilities)].sum())


def test_serial_dictatorship_rounds_are_pareto_optimal() -> None:
    for seed in range(5):
        u = np.array([rng(seed, "sd", i).permutation(5) for i in range(5)], dtype=float)  # strict preferences
        schedule = solve("serial_dictatorship", Instance(u, 4))
        assert schedule is not None
        for matching in schedule.matchings:
            assert is_pareto_optimal(Instance(u, 1), u[np.arange(5), matching]) is True


def test_decomp_order_is_optimal_at_t_and_algorithms_stay_below_opt() -> None:
    instance = generate("uniform", 6, 8, rng(0, "order"), int_scale=9)
    exact = solve("exact", instance)
    assert exact is not None and exact.status == "optimal"
    ordered = solve("decomp_order", instance, counts=exact.counts)
    assert ordered is not None and ordered.value == exact.value
    assert np.array_equal(ordered.counts, exact.counts)
    for algorithm in ("greedy", "lp_round", "local_search", "rotation", "random", "serial_dictatorship"):
        schedule = solve(algorithm, instance)
        assert schedule is not None and schedule.value <= exact.value + 1e-9
