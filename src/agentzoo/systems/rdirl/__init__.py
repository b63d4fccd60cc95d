"""RDIRL: Recursive Deep Inverse Reinforcement Learning (Ghanem, Howell, Potter, Closas, Ramezani,
Erdogmus, Imbiriba; arXiv 2504.13241).

An online, second-order (EKF-like) update of a small neural cost network, one observed state at
a time, with in-house baselines (GCL, a first-order ablation, AIRL, tabular MaxEnt IRL), classic
control tasks with analytic experts, and an adversarial pursuit scenario with a known hidden cost.
``run(Config.quick())`` returns an :class:`agentzoo.runs.Result`; ``figures`` draws the report plots.
"""

from agentzoo.systems.rdirl.config import Config
from agentzoo.systems.rdirl.figures import figures
from agentzoo.systems.rdirl.run import run

__all__ = ["Config", "figures", "run"]
