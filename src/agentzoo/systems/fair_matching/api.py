"""The public entry point: ``solve(algorithm, instance, objective)`` -> a re-verified :class:`Schedule`.

The ``guarantee`` strings below are the single source of truth for what is claimed about
each algorithm; "none (empirical)" means nothing is proven.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Literal

import numpy as np

from agentzoo.seeding import rng
from agentzoo.systems.fair_matching import heuristics, special
from agentzoo.systems.fair_matching.anytime import AnytimeResult, anytime_exists
from agentzoo.systems.fair_matching.decompose import decompose, expand
from agentzoo.systems.fair_matching.exact import count_ilp, refine_leximin, refine_utilitarian
from agentzoo.systems.fair_matching.instance import Instance
from agentzoo.systems.fair_matching.schedule import Schedule

log = logging.getLogger(__name__)

ALGORITHMS: dict[str, str] = {
    "exact": "optimal within mip_rel_gap when status is 'optimal' (count-matrix ILP + König "
             "decomposition, special cases by their proofs; ours); at a time limit value >= (1 - gap)·bound",
    "greedy": "none (empirical)",
    "rotation": "U_i >= floor(T/n)/T · OPT for every agent, i.e. OPT/n when n | T (ours); "
                "optimal for identical utilities when n | T (ours)",
    "lp_round": "none (empirical)",
    "local_search": "none (empirical); never worse than its input, the greedy schedule (ours)",
    "decomp_order": "optimal at T whenever the exact solve is proven optimal (ours); none per round",
    "utilitarian": "maximum Σ_i U_i (Hungarian; efficiency reference); no fairness guarantee",
    "prop_fair": "none (empirical)",
    "serial_dictatorship": "each round's matching is Pareto optimal for that round under strict "
                           "preferences (house allocation; Abdulkadiroğlu & Sönmez 1998)",
    "random": "none (sanity baseline)",
}
"""Algorithm name -> what is proven about it (paper / ours / none)."""


def _exact_counts(instance: Instance, time_limit_s: float, mip_rel_gap: float) -> tuple[np.ndarray | None, str, float, str]:
    """(X, status, bound, method): special cases by their proofs, else the count ILP."""
    n, T = instance.n, instance.rounds
    if T == 1 and instance.n_dummy_agents == 0:
        value, matching = special.bottleneck(instance)
        X = np.zeros((n, n), dtype=np.int64)
        X[np.arange(n), matching] = 1
        return X, "optimal", value, "bottleneck"
    if instance.is_identical() and T % n == 0:
        return None, "optimal", float(special.identical_optimum(instance) or 0.0), "rotation"
    if instance.is_binary():
        value, X = special.binary_flow(instance)
        return X, "optimal", value, "binary_flow"
    if n == 2 and instance.n_dummy_agents == 0:
        value, X = special.two_agents(instance)
        return X, "optimal", value, "two_agents"
    solution = count_ilp(instance, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap)
    return solution.X, solution.status, solution.bound, f"count_ilp/{solution.info.get('step')}"


def solve(
    algorithm: str,
    instance: Instance,
    objective: Literal["optimal", "anytime"] = "optimal",
    *,
    time_limit_s: float = 60.0,
    mip_rel_gap: float = 1e-6,
    refine: Literal["none", "utilitarian", "leximin"] = "none",
    seed: int = 0,
    counts: np.ndarray | None = None,
) -> Schedule | None:
    """Run ``algorithm`` on ``instance``; returns a verified schedule (or None, see below).

    ``objective`` matters only for ``exact``: ``optimal`` maximises min_i U_i^T; ``anytime``
    looks for a sequence reaching OPT(t) at every t and returns None when none exists (the
    certificate is logged; :func:`solve_anytime` returns it). ``counts`` lets ``decomp_order``
    reuse an exact count matrix instead of solving again.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; allowed: {', '.join(ALGORITHMS)}")
    if objective not in ("optimal", "anytime"):
        raise ValueError(f"unknown objective {objective!r}; allowed: optimal, anytime")
    if refine not in ("none", "utilitarian", "leximin"):
        raise ValueError(f"unknown refine {refine!r}; allowed: none, utilitarian, leximin")
    if algorithm == "exact" and objective == "anytime":
        schedule, result = solve_anytime(instance, time_limit_s=time_limit_s)
        if schedule is None:
            log.info("no anytime-optimal sequence: %s", result.certificate)
        return schedule
    start = time.perf_counter()
    status: str = "heuristic"
    bound: float | None = None
    info: dict[str, Any] = {}
    if algorithm == "exact":
        X, status, bound, method = _exact_counts(instance, time_limit_s, mip_rel_gap)
        info["method"] = method
        info["solve_seconds"] = time.perf_counter() - start
        if method == "rotation":
            M = special.rotation_matchings(instance.n, instance.rounds)
        elif X is None:  # time limit without an incumbent: fall back to greedy, marked heuristic
            M, status = heuristics.greedy(instance), "heuristic"
        else:
            if refine != "none" and status == "optimal":  # refining an unproven incumbent proves nothing
                refiner = refine_utilitarian if refine == "utilitarian" else refine_leximin
                X = refiner(instance, X, time_limit_s=time_limit_s)
                info["refine"] = refine
            info["counts"] = X
            M = expand(decompose(X))
    elif algorithm == "greedy":
        M = heuristics.greedy(instance)
    elif algorithm == "rotation":
        M = heuristics.rotation(instance)
    elif algorithm == "lp_round":
        M = heuristics.lp_round(instance)
    elif algorithm == "local_search":
        M = heuristics.local_search(instance, heuristics.greedy(instance))
    elif algorithm == "decomp_order":
        if counts is None:
            exact = solve("exact", instance, time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap, refine=refine)
            assert exact is not None
            counts, status, bound = exact.counts, exact.status, exact.bound
        M = heuristics.decomp_order(instance, counts)
    elif algorithm == "utilitarian":
        M = heuristics.utilitarian(instance)
    elif algorithm == "prop_fair":
        M = heuristics.prop_fair(instance)
    elif algorithm == "serial_dictatorship":
        M = heuristics.serial_dictatorship(instance)
    else:
        M = heuristics.random_schedule(instance, rng(seed, "random-matchings"))
    seconds = time.perf_counter() - start
    schedule = Schedule(instance, M, algorithm, ALGORITHMS[algorithm], status, bound, seconds, info)
    if bound is not None and schedule.value > bound + 1e-7 * max(1.0, abs(bound)):
        raise RuntimeError(f"{algorithm}: value {schedule.value} exceeds the proven bound {bound}")
    return schedule


def solve_anytime(instance: Instance, *, time_limit_s: float = 60.0) -> tuple[Schedule | None, AnytimeResult]:
    """The exact anytime-optimal schedule (or None) with the ILP's result and certificate."""
    result = anytime_exists(instance, time_limit_s=time_limit_s)
    if result.matchings is None:
        return None, result
    schedule = Schedule(instance, result.matchings, "exact", ALGORITHMS["exact"] + "; anytime optimal",
                        "optimal", float(result.opt_t[-1]), result.seconds, {"opt_t": result.opt_t.tolist()})
    return schedule, result
