"""fair-matching: "Fairness in Repeated Matching: A Maximin Perspective" (Lim, Neoh, Teh; arXiv 2510.04624).

A planner matches the same n items to the same n agents in each of T rounds and wants the
least-advantaged agent to do as well as possible, at the end ("optimal") or after every
round ("anytime optimal"). This package ships exact solvers for both goals (count-matrix
ILP with König decomposition; anytime ILPs), polynomial special cases with proofs,
approximation heuristics measured against exact optima, Pareto-optimality tools and a
spectrum-allocation demo. The paper's own theorems, algorithms, approximation ratios and
FPT algorithms are not implemented (only its abstract was available).

>>> from agentzoo.systems import fair_matching as fm
>>> inst = fm.Instance([[3, 1], [2, 2]], rounds=2)
>>> fm.solve("exact", inst).value
4.0
"""

from agentzoo.systems.fair_matching.api import ALGORITHMS, solve, solve_anytime
from agentzoo.systems.fair_matching.config import Config
from agentzoo.systems.fair_matching.instance import Instance, generate
from agentzoo.systems.fair_matching.report import figures
from agentzoo.systems.fair_matching.run import run
from agentzoo.systems.fair_matching.schedule import Schedule

__all__ = ["ALGORITHMS", "Config", "Instance", "Schedule", "figures", "generate", "run", "solve", "solve_anytime"]
