"""ALE-Bench: A Benchmark for Long-Horizon Objective-Driven Algorithm Engineering
(Imajuku, Horie, Iwata, Aoki, Takahashi, Akiba; arXiv 2506.09050, NeurIPS 2025 D&B).

agentzoo's version: an ALE-Bench-compatible session API (:func:`start`), a sandboxed C++/Python
judge, the authors' exact rank/performance/rating formulas, six original AHC-style problems with
a **pseudo**-leaderboard of reference solutions, a loader for users' own copies of the official
data, and the refinement agent with one-shot and non-LLM baselines.

>>> from agentzoo.systems import ale_bench
>>> result = ale_bench.run(ale_bench.Config.quick())  # doctest: +SKIP
"""

from agentzoo.systems.ale_bench.api import PublicSession, Session, list_problem_ids, restart, start
from agentzoo.systems.ale_bench.config import Config
from agentzoo.systems.ale_bench.run import figures, run

__all__ = ["Config", "PublicSession", "Session", "figures", "list_problem_ids", "restart", "run", "start"]
