"""Shared fixtures: a small generated suite and gold trajectories on it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from agentzoo.envs.office import Office, Subtask, load_suite, make_testbed
from agentzoo.envs.office.generate import generate_suite
from agentzoo.systems.legomem.expert import execute_program, gold_program
from agentzoo.systems.legomem.facts import Facts
from agentzoo.systems.legomem.trace import Trajectory, subtask_facts


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Subtask]:
    """Four tasks of every family (seed 0)."""
    root = tmp_path_factory.mktemp("legomem-suite")
    generate_suite(root, n_per_family=4, seed=0)
    return load_suite(root)


GoldRun = Callable[[Subtask, Path], tuple[Trajectory, Facts, Office]]


def _run_gold(subtask: Subtask, where: Path) -> tuple[Trajectory, Facts, Office]:
    office = Office(make_testbed(subtask, where / "testbed"), username=subtask.username, now=subtask.now)
    facts = subtask_facts(subtask, office.files(), office.users())
    return execute_program(subtask, gold_program(subtask), office, facts), facts, office


@pytest.fixture(scope="session")
def run_gold() -> GoldRun:
    """Run a generated task's gold program on a fresh testbed under a folder."""
    return _run_gold
