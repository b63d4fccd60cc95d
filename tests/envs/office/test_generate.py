"""The generated suite: gold programs pass, no-op fails, equal seeds give equal bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentzoo.envs.office import Office, classify, evaluate_subtask, load_suite, make_testbed
from agentzoo.envs.office.generate import FAMILIES, generate_suite


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    generate_suite(root, n_per_family=2, seed=0)
    return root


def test_gold_programs_pass_and_no_op_fails_every_family(suite: Path, tmp_path: Path) -> None:
    subtasks = load_suite(suite)
    assert len(subtasks) == 2 * len(FAMILIES) == 30
    assert {s.family for s in subtasks} == set(FAMILIES)
    for s in subtasks:
        assert s.status == "ok" and classify(s).runnable, s.uid
        assert s.n_apps == FAMILIES[s.family] == len(s.meta["plan"])  # one plan step per app use
        pristine = make_testbed(s, tmp_path / s.task_id / "noop")
        assert not all(v.passed for v in evaluate_subtask(s, pristine)), f"{s.uid} passes without acting"
        testbed = make_testbed(s, tmp_path / s.task_id / "gold")
        office = Office(testbed, username=s.username, now=s.now)
        for step in s.meta["gold"]:
            assert office.execute(step["action"]).ok, (s.uid, step)
        verdicts = evaluate_subtask(s, testbed)
        assert all(v.passed for v in verdicts), (s.uid, verdicts)


def test_same_seed_same_bytes_other_seed_other_tasks(suite: Path, tmp_path: Path) -> None:
    generate_suite(tmp_path / "again", n_per_family=2, seed=0)
    generate_suite(tmp_path / "other", n_per_family=2, seed=1)
    assert tree(tmp_path / "again") == tree(suite)
    assert tree(tmp_path / "other") != tree(suite)


def test_unknown_family_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="allowed"):
        generate_suite(tmp_path, families=("nope",))
