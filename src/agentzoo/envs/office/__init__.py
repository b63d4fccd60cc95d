"""An OfficeBench-compatible office: pure-Python apps, the original evaluators, a task loader.

* :mod:`~agentzoo.envs.office.apps` — :class:`Office` runs OfficeBench action dicts on a testbed;
* :mod:`~agentzoo.envs.office.evaluate` — the nine predicates with OfficeBench's semantics;
* :mod:`~agentzoo.envs.office.tasks` — the task-folder loader and the offline support classifier;
* :mod:`~agentzoo.envs.office.generate` — agentzoo's own generated task families (with gold programs).
"""

from agentzoo.envs.office.apps import ACTIONS, APPS, ActionSpec, Observation, Office
from agentzoo.envs.office.evaluate import Verdict, evaluate_predicate
from agentzoo.envs.office.tasks import (
    Predicate,
    Subtask,
    SuiteError,
    Support,
    classify,
    load_suite,
    make_testbed,
)

__all__ = [
    "ACTIONS",
    "APPS",
    "ActionSpec",
    "Observation",
    "Office",
    "Predicate",
    "Subtask",
    "SuiteError",
    "Support",
    "Verdict",
    "classify",
    "evaluate_predicate",
    "evaluate_subtask",
    "load_suite",
    "make_testbed",
]


def evaluate_subtask(subtask: Subtask, testbed: object) -> list[Verdict]:
    """Every predicate's verdict on the final ``testbed`` (the subtask passes iff all pass)."""
    from pathlib import Path

    return [evaluate_predicate(Path(str(testbed)), p.function, p.args, subtask.task_dir) for p in subtask.evaluation]
