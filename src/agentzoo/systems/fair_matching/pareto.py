"""Pareto optimality of outcomes, and the house-allocation link (ours; the paper's characterisations are not yet known).

An outcome U (end-of-horizon utilities) is Pareto optimal iff no count matrix X' gives
U'_i >= U_i for all i with Σ_i U'_i > Σ_i U_i; since every count matrix is a sequence
(König), Pareto optimality over sequences equals Pareto optimality over count matrices. The
check is one ILP: max Σ_i U'_i s.t. U'_i >= U_i. For T = 1 with strict preferences the
Pareto-optimal matchings are exactly the serial-dictatorship outcomes (Abdulkadiroğlu &
Sönmez 1998), which the tests use as a known answer.
"""

from __future__ import annotations

import itertools

import numpy as np

from agentzoo.systems.fair_matching.exact import max_welfare_above
from agentzoo.systems.fair_matching.heuristics import serial_dictatorship_round
from agentzoo.systems.fair_matching.instance import Instance

WELFARE_TOL = 1e-6
"""Welfare improvements below WELFARE_TOL·max(1, Σ U) are not counted: HiGHS stops at an absolute
MIP gap of 1e-6 (its default, which scipy's ``milp`` does not expose), so smaller ones are noise."""


def is_pareto_optimal(instance: Instance, U: np.ndarray, *, time_limit_s: float = 60.0) -> bool | None:
    """True / False, or None when the ILP neither found an improvement nor proved there is none in time."""
    U = np.asarray(U, dtype=float)
    scale = max(1.0, float(np.abs(U).max()))
    solved = max_welfare_above(instance, U - 1e-9 * scale, time_limit_s=time_limit_s)
    if solved.status == "infeasible":  # U is not even attainable: cannot happen for a real outcome
        raise ValueError("the outcome U is not attainable by any sequence")
    total = float(U.sum())
    tol = WELFARE_TOL * max(1.0, abs(total))
    if solved.x is not None and solved.objective > total + tol:
        return False
    if solved.status == "optimal":
        return True
    return None if solved.bound > total + tol else True


def serial_dictatorship_outcomes(utilities: np.ndarray) -> set[tuple[int, ...]]:
    """All matchings that serial dictatorship produces over the n! picking orders (T = 1)."""
    n = utilities.shape[0]
    return {tuple(serial_dictatorship_round(utilities, np.array(order)).tolist())
            for order in itertools.permutations(range(n))}
