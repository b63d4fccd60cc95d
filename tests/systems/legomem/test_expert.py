"""The scripted experts solve the training tasks they are recorded on; replay of their memory."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from agentzoo.envs.office import Office, Subtask, classify, load_suite, make_testbed
from agentzoo.systems.legomem.config import Config
from agentzoo.systems.legomem.expert import (
    execute_program,
    expert_program,
    flatten,
    passes,
    predicate_program,
)
from agentzoo.systems.legomem.run import Runner, split
from agentzoo.systems.legomem.trace import subtask_facts


def test_gold_expert_records_every_train_task_of_the_generated_split(generated: list[Subtask], tmp_path: Path) -> None:
    train, _ = split(generated, {s.uid: s.family for s in generated}, Config(n_per_family=4))
    runner = Runner(Config(model="scripted:first", n_per_family=4), tmp_path)
    successes = runner.record_train(train, None)
    assert len(successes) == len(train) == 30
    for trajectory, subtask, _ in successes:  # replaying the recorded actions solves the task again
        office = Office(make_testbed(subtask, tmp_path / "again" / subtask.task_id), username=subtask.username,
                        now=subtask.now)
        for delegation in trajectory.delegations:
            for step in delegation.steps:
                assert office.execute(step.action).ok
        assert passes(subtask, office.testbed)


def test_predicate_expert_on_a_generated_task_without_its_gold(generated: list[Subtask], tmp_path: Path) -> None:
    subtask = next(s for s in generated if s.family == "calendar_move")
    office = Office(make_testbed(subtask, tmp_path / "t"), username=subtask.username, now=subtask.now)
    facts = subtask_facts(subtask, office.files(), office.users())
    program = predicate_program(subtask, facts)
    assert [a["action"] for a in flatten(program)] == ["list_events", "create_event"]
    execute_program(subtask, program, office, facts)
    assert not passes(subtask, office.testbed)  # it adds the event at a free time but cannot delete the clash


@pytest.mark.slow
def test_predicate_expert_on_the_officebench_subset(shared_data: Path) -> None:
    root = shared_data / "officebench" / "tasks"
    if not root.is_dir():
        pytest.skip("no OfficeBench subset")
    runnable = [s for s in load_suite(root) if classify(s).runnable]
    solved: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        for s in runnable:
            office = Office(make_testbed(s, Path(scratch) / s.task_id / str(s.index)), username=s.username, now=s.now)
            facts = subtask_facts(s, office.files(), office.users())
            execute_program(s, expert_program(s, facts), office, facts)
            if passes(s, office.testbed):
                solved.append(s.uid)
    assert len(solved) == 152, sorted(set(s.uid for s in runnable) - set(solved))
