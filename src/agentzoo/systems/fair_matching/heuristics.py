"""Approximation and heuristic algorithms (spec table). Each returns a (T, n) schedule.

Only what is proven here is claimed; the guarantee strings live in :mod:`.api`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from agentzoo.systems.fair_matching.assignment import bottleneck_matching, max_weight_matching
from agentzoo.systems.fair_matching.decompose import decompose, expand, order_greedy
from agentzoo.systems.fair_matching.exact import lp_bound
from agentzoo.systems.fair_matching.instance import Instance
from agentzoo.systems.fair_matching.rounding import apportion
from agentzoo.systems.fair_matching.special import rotation_matchings


def greedy(instance: Instance, tie_break: Literal["priority", "welfare"] = "priority") -> np.ndarray:
    """Worst-off first, round by round.

    Each round first maximises the worst-off agent's level: the largest θ such that a perfect
    matching gives every agent cum_i + u_io >= θ (bottleneck search on the levels
    cum_i + u_io). Many matchings usually reach θ (only the bottleneck agents are pinned);
    among them ``tie_break`` picks:

    * ``"priority"`` (default): max Σ_i w_i u_io with w_i = min_j c_j / c_i, c_i =
      max(cum_i, ε) — the agents that are worse off so far weigh more (proportional-fair
      weights; round 1, where all c_i are equal, is the max-sum matching);
    * ``"welfare"``: max Σ_i u_io (the previous rule, kept as a baseline).

    With identical utilities u_io = v_o and distinct cumulatives the priority rule gives the
    k-th most valuable item to the k-th worst-off agent (rearrangement inequality), which also
    attains θ; max-sum cannot tell those matchings apart (all have the same sum).
    """
    if tie_break not in ("priority", "welfare"):
        raise ValueError(f"unknown tie_break {tie_break!r}; allowed: priority, welfare")
    u, n = instance.utilities, instance.n
    floor = 1e-9 * max(1.0, float(u.max()))
    cumulative = np.zeros(n)
    rounds = []
    for _ in range(instance.rounds):
        c = np.maximum(cumulative, floor)
        weights = u * (c.min() / c)[:, None] if tie_break == "priority" else u
        _, matching = bottleneck_matching(cumulative[:, None] + u, weights)
        cumulative += u[np.arange(n), matching]
        rounds.append(matching)
    return np.array(rounds, dtype=np.int64)


def rotation(instance: Instance) -> np.ndarray:
    """Cyclic shift M_t(i) = (i + t) mod n (optimal for identical utilities when n | T)."""
    return rotation_matchings(instance.n, instance.rounds)


def utilitarian(instance: Instance) -> np.ndarray:
    """The max-sum (Hungarian) matching in every round: the efficiency reference."""
    matching = max_weight_matching(instance.utilities)
    return np.tile(matching, (instance.rounds, 1))


def prop_fair(instance: Instance, eps: float = 1e-9) -> np.ndarray:
    """The wireless proportional-fair rule: per round, max Σ_i u_io / max(cum_i, ε)."""
    u, n = instance.utilities, instance.n
    floor = eps * max(1.0, float(u.max()))
    cumulative = np.zeros(n)
    rounds = []
    for _ in range(instance.rounds):
        weights = u / np.maximum(cumulative, floor)[:, None]
        matching = max_weight_matching(weights / weights.max() if weights.max() > 0 else weights)
        cumulative += u[np.arange(n), matching]
        rounds.append(matching)
    return np.array(rounds, dtype=np.int64)


def serial_dictatorship_round(u: np.ndarray, order: np.ndarray) -> np.ndarray:
    """One round of serial dictatorship: agents in ``order`` take their favourite remaining item
    (ties: the lowest item index)."""
    n = u.shape[0]
    taken = np.zeros(n, dtype=bool)
    matching = np.empty(n, dtype=np.int64)
    for agent in order:
        values = np.where(taken, -np.inf, u[agent])
        item = int(np.argmax(values))
        matching[agent] = item
        taken[item] = True
    return matching


def serial_dictatorship(instance: Instance) -> np.ndarray:
    """House allocation per round: the worst-off agent so far picks first (ties: lower index)."""
    u, n = instance.utilities, instance.n
    cumulative = np.zeros(n)
    rounds = []
    for _ in range(instance.rounds):
        order = np.lexsort((np.arange(n), cumulative))
        matching = serial_dictatorship_round(u, order)
        cumulative += u[np.arange(n), matching]
        rounds.append(matching)
    return np.array(rounds, dtype=np.int64)


def random_schedule(instance: Instance, rng: np.random.Generator) -> np.ndarray:
    """Uniformly random perfect matchings (sanity baseline)."""
    return np.array([rng.permutation(instance.n) for _ in range(instance.rounds)], dtype=np.int64)


def local_search(instance: Instance, matchings: np.ndarray, max_passes: int = 2000) -> np.ndarray:
    """Swap two agents' items in one round when that raises the pair's minimum (first improvement).

    Agents are scanned worst first; for agent i every (round t, partner j) swap is evaluated
    at once. A swap changes only U_i and U_j and raises min(U_i, U_j) >= the global minimum,
    so the minimum never falls: the result is never worse than the input. Each accepted swap
    raises the sorted utility vector lexicographically, so the search terminates; passes are
    bounded anyway.
    """
    u, n = instance.utilities, instance.n
    M = np.array(matchings, dtype=np.int64)
    U = u[np.arange(n)[None, :], M].sum(axis=0)
    scale = max(1.0, float(np.abs(U).max()))
    for _ in range(max_passes):
        improved = False
        for i in np.argsort(U, kind="stable"):
            own = M[:, i]  # (T,) items of agent i
            gain_i = u[i][M] - u[i, own][:, None]  # (T, n): U_i change if i takes j's item in round t
            gain_j = u[np.arange(n)[None, :], own[:, None]] - u[np.arange(n)[None, :], M]  # j takes i's item
            new_i = U[i] + gain_i
            new_j = U[None, :] + gain_j
            better = np.minimum(new_i, new_j) - np.minimum(U[i], U)[None, :]
            better[:, i] = 0.0
            t, j = np.unravel_index(int(np.argmax(better)), better.shape)
            if better[t, j] > 1e-12 * scale:
                M[t, i], M[t, j] = M[t, j], M[t, i]
                U[i], U[j] = new_i[t, j], new_j[t, j]
                improved = True
                break
        if not improved:
            break
    return M


def lp_round(instance: Instance) -> np.ndarray:
    """LP count matrix X* -> Birkhoff decomposition of X*/T -> largest-remainder apportionment of
    the T rounds over its permutations -> :func:`local_search`."""
    _, X_lp = lp_bound(instance)
    pieces = apportion(X_lp, instance.rounds)
    if not pieces:
        return local_search(instance, greedy(instance))
    return local_search(instance, expand(pieces))


def decomp_order(instance: Instance, X: np.ndarray) -> np.ndarray:
    """An (optimal) count matrix X decomposed and ordered greedily for the anytime goal."""
    return order_greedy(decompose(X), instance.utilities)
