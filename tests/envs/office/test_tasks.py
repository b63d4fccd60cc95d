"""The task loader on the shared OfficeBench subset, the support classifier, malformed files."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from agentzoo.envs.office import classify, evaluate_subtask, load_suite, make_testbed
from agentzoo.envs.office.tasks import SuiteError, predicate_counts

RUNNABLE = 158  # pinned: classifier rule (a) conversion outputs, (b) OCR, (c) PDF conversion


@pytest.fixture(scope="module")
def subset(shared_data: Path) -> list:  # type: ignore[type-arg]
    root = shared_data / "officebench" / "tasks"
    if not root.is_dir():
        pytest.skip(f"{root} not found")
    return load_suite(root)


def test_subset_counts(subset: list) -> None:  # type: ignore[type-arg]
    assert len({s.task_id for s in subset}) == 134
    assert len(subset) == 242
    assert Counter(s.n_apps for s in subset) == {1: 78, 2: 74, 3: 90}
    assert Counter(s.n_apps for s in {s.task_id: s for s in subset}.values()) == {1: 18, 2: 37, 3: 79}
    counts = predicate_counts(subset)
    assert {k: counts[k] for k in ("contain", "file_exist", "excel_cell_value", "exact_match", "not_contain",
                                   "calendar_no_overlap", "diff_contain_text", "file_not_exist",
                                   "excel_cell_comparator")} == {
        "contain": 229, "file_exist": 190, "excel_cell_value": 30, "exact_match": 17, "not_contain": 15,
        "calendar_no_overlap": 6, "diff_contain_text": 6, "file_not_exist": 2, "excel_cell_comparator": 1}
    assert {k: counts[f"contain:{k}"] for k in ("email", "ics", "txt", "docx", "xlsx", "pdf", "doc")} == {
        "email": 76, "ics": 42, "txt": 36, "docx": 31, "xlsx": 22, "pdf": 15, "doc": 7}
    assert subset[0].now.isoformat() == "2020-05-01T10:00:00"


def test_classifier_runnable_count_and_reasons(subset: list) -> None:  # type: ignore[type-arg]
    support = {s.uid: classify(s) for s in subset}
    assert sum(v.runnable for v in support.values()) == RUNNABLE
    assert support["1-1/0"].runnable
    assert "ocr" in support["2-1/0"].reasons  # "extract text from ... image"
    assert "conversion_output" in support["3-1/0"].reasons  # must produce task.pdf
    assert "ocr" in support["3-76/0"].reasons  # its only document is a .png
    invalid = sorted(uid for uid, v in support.items() if "invalid" in v.reasons)
    assert invalid == ["2-48/0", "3-29/0", "3-30/0", "3-32/0", "3-8/0"]  # excel_cell_value without a file


def test_no_op_agent_passes_at_most_five_percent(subset: list) -> None:  # type: ignore[type-arg]
    runnable = [s for s in subset if classify(s).runnable]
    passed = []
    with tempfile.TemporaryDirectory() as scratch:
        for s in runnable:
            testbed = make_testbed(s, Path(scratch) / s.task_id / str(s.index))
            if all(v.passed for v in evaluate_subtask(s, testbed)):
                passed.append(s.uid)
    assert passed == ["1-2/1", "1-11/3", "2-16/0"]  # seed files already satisfy them (listed in the docs)
    assert len(passed) <= 0.05 * len(runnable)


def write_task(root: Path, name: str, subtasks: dict[str, str]) -> None:
    (root / name / "subtasks").mkdir(parents=True)
    for file, text in subtasks.items():
        (root / name / "subtasks" / file).write_text(text)


def test_malformed_task_files_are_invalid_with_reasons(tmp_path: Path) -> None:
    good = {"username": "Bob", "date": "2020-05-01", "weekday": "Friday", "time": "10:00 AM", "task": "t",
            "evaluation": [{"function": "evaluate_file_exist", "args": {"file": "data/a.txt"}}]}
    write_task(tmp_path, "1-1", {"0.json": json.dumps(good), "1.json": "{not json",
                                 "2.json": json.dumps({**good, "evaluation": [{"function": "evaluate_magic", "args": {}}]}),
                                 "3.json": json.dumps({k: v for k, v in good.items() if k != "task"}),
                                 "4.json": json.dumps({**good, "time": "noon"}),
                                 "5.json": json.dumps({**good, "evaluation": []})})
    write_task(tmp_path, "2-7", {"x.json": json.dumps(good)})
    loaded = {s.uid: s for s in load_suite(tmp_path)}
    assert loaded["1-1/0"].status == "ok" and loaded["1-1/0"].n_apps == 1
    assert "not valid JSON" in loaded["1-1/1"].reason
    assert "unknown predicate 'evaluate_magic'" in loaded["1-1/2"].reason
    assert "missing task" in loaded["1-1/3"].reason
    assert "noon" in loaded["1-1/4"].reason
    assert "non-empty list" in loaded["1-1/5"].reason
    assert "<k>.json" in loaded["2-7/-1"].reason
    assert [s.status for s in loaded.values()].count("invalid") == 6
    with pytest.raises(SuiteError, match="not a folder"):
        load_suite(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(SuiteError, match="no task directories"):
        load_suite(tmp_path / "empty")
