"""The nine OfficeBench predicates on hand-made testbeds: known verdicts, quirks included."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest

from agentzoo.envs.office import docs
from agentzoo.envs.office.evaluate import (
    EvaluatorError,
    compile_comparator,
    contain_text,
    evaluate_predicate,
    resolve,
)


def sheet(path: Path, rows: list[list[object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)  # type: ignore[union-attr]
    workbook.save(path)
    return path


def verdict(testbed: Path, function: str, task_dir: Path | None = None, **args: object) -> bool:
    result = evaluate_predicate(testbed, f"evaluate_{function}", args, task_dir)
    assert result.error == "", result.error
    return result.passed


@pytest.fixture
def testbed(tmp_path: Path) -> Path:
    root = tmp_path / "task" / "testbed"
    (root / "data").mkdir(parents=True)
    (root / "data" / "answer.txt").write_text("The Total is 1,200,000 dollars; Tom wins.\n")
    return root


def test_contain_lowercases_and_strips_commas_from_first_numeric_keyword_on() -> None:
    text = "Revenue: 1,200 units, Alice"
    assert contain_text(text, ["REVENUE", "alice"])
    assert contain_text(text, ["1200"])  # a numeric keyword strips commas first
    # commas stay removed for later keywords: "units, alice" no longer matches
    assert not contain_text(text, ["1200", "units, alice"])
    assert contain_text(text, ["units, alice", "1200"])  # before the numeric keyword they are still there


def test_contain_and_not_contain_on_files(testbed: Path) -> None:
    assert verdict(testbed, "contain", doc_type="txt", file="data/answer.txt", keywords=["total", "1200000", "TOM"])
    assert not verdict(testbed, "contain", doc_type="txt", file="data/answer.txt", keywords=["Bob"])
    assert not verdict(testbed, "contain", doc_type="txt", file="data/missing.txt", keywords=["x"])
    # not_contain is the negation, so a missing file passes
    assert verdict(testbed, "not_contain", doc_type="txt", file="data/missing.txt", keywords=["x"])
    assert not verdict(testbed, "not_contain", doc_type="txt", file="./data/answer.txt", keywords=["tom"])


def test_excel_dump_format_and_cell_value_substring(testbed: Path) -> None:
    path = sheet(testbed / "data" / "s.xlsx", [["Item", "Qty"], ["milk", None], ["eggs", 1000]])
    assert docs.excel_dump(path) == (
        "(1, 1): Item\t(1, 2): Qty\t\n(2, 1): milk\t(2, 2): [Empty Cell]\t\n(3, 1): eggs\t(3, 2): 1000\t\n"
    )
    assert verdict(testbed, "excel_cell_value", file="data/s.xlsx", matches=[{"row": "3", "col": "2", "value": "100"}])
    assert verdict(testbed, "contain", doc_type="xlsx", file="data/s.xlsx", keywords=["[empty cell]"])
    assert not verdict(testbed, "excel_cell_value", file="data/s.xlsx",
                       matches=[{"row": "3", "col": "1", "value": "eggs"}, {"row": "2", "col": "2", "value": "5"}])
    assert not verdict(testbed, "excel_cell_value", file="data/none.xlsx", matches=[])


def test_excel_cell_comparator_subset_lambda(testbed: Path) -> None:
    sheet(testbed / "data" / "c.xlsx", [["Name", "Class"], ["Ann", 3], ["Ben", 6], ["Cid", "x y"]])
    subset = "lambda x: x in ['1', '2', '3', '4', '5']"
    assert verdict(testbed, "excel_cell_comparator", file="data/c.xlsx", matches=[{"row": "2", "col": "2", "comparator": subset}])
    assert not verdict(testbed, "excel_cell_comparator", file="data/c.xlsx", matches=[{"row": "3", "col": "2", "comparator": subset}])
    # "x y" is not matched by (\w+)\t, so the predicate fails
    assert not verdict(testbed, "excel_cell_comparator", file="data/c.xlsx",
                       matches=[{"row": "4", "col": "2", "comparator": "lambda x: True"}])


@pytest.mark.parametrize("source", [
    "__import__('os').system('touch /tmp/pwned')",
    "lambda x: __import__('os').system('touch /tmp/pwned')",
    "lambda x: x.upper() == 'A'",
    "lambda x: open('/etc/passwd')",
    "lambda x: [c for c in x]",
    "lambda x, y: x",
    "lambda x: x[0] == '1'",
    "lambda x: (lambda: 1)()",
])
def test_comparator_rejects_everything_but_whitelisted_lambdas(source: str, tmp_path: Path) -> None:
    with pytest.raises(EvaluatorError):
        compile_comparator(source)
    sheet(tmp_path / "data" / "c.xlsx", [["a", 1]])
    result = evaluate_predicate(tmp_path, "evaluate_excel_cell_comparator",
                                {"file": "data/c.xlsx", "matches": [{"row": "1", "col": "2", "comparator": source}]})
    assert not result.passed and result.error
    assert not Path("/tmp/pwned").exists()


def test_comparator_known_answers() -> None:
    assert compile_comparator("lambda v: int(v) >= 60 and len(v) == 2")("75")
    assert not compile_comparator("lambda v: int(v) >= 60 and len(v) == 2")("100")
    assert compile_comparator("lambda v: not v in ('a', 'b') or float(v) < -1")("c")
    assert compile_comparator("lambda v: 1 < int(v) < 3")("2")
    with pytest.raises(EvaluatorError, match="failed"):
        compile_comparator("lambda v: int(v) > 1")("abc")


def ics(path: Path, events: list[tuple[str, str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"BEGIN:VEVENT\nSUMMARY:{s}\nDTSTART:{a}\nDTEND:{b}\nEND:VEVENT\n" for s, a, b in events)
    path.write_text(f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:test\n{body}END:VCALENDAR\n")


def test_calendar_no_overlap_sorts_and_mixes_naive_and_utc(testbed: Path) -> None:
    cal = testbed / "calendar" / "Bob.ics"
    # naive 10:00-11:00 (taken as UTC) then a UTC 09:00-10:00 listed first in file order: no overlap
    ics(cal, [("late", "20240501T100000", "20240501T110000"), ("early", "20240501T090000Z", "20240501T100000Z")])
    assert verdict(testbed, "calendar_no_overlap", username="Bob")
    ics(cal, [("a", "20240501T100000", "20240501T113000"), ("b", "20240501T110000Z", "20240501T120000Z")])
    assert not verdict(testbed, "calendar_no_overlap", username="Bob")
    ics(cal, [("a", "20240501T100000", "20240501T110000"), ("b", "20240501T110000Z", "20240501T120000Z")])
    assert verdict(testbed, "calendar_no_overlap", username="Bob")  # touching is not overlapping
    missing = evaluate_predicate(testbed, "evaluate_calendar_no_overlap", {"username": "Nobody"})
    assert not missing.passed and missing.error


def test_file_exist_and_not_exist(testbed: Path) -> None:
    assert verdict(testbed, "file_exist", file="./data/answer.txt")
    assert not verdict(testbed, "file_exist", file="data/other.txt")
    assert verdict(testbed, "file_not_exist", file="data/other.txt")
    assert not verdict(testbed, "file_not_exist", file="data/answer.txt")


def test_exact_match_reference_mapping_both_directions(testbed: Path) -> None:
    task_dir = testbed.parent
    sheet(task_dir / "reference" / "r.xlsx", [["a", 1], ["b", 2]])
    sheet(testbed / "data" / "r.xlsx", [["a", 1], ["b", 2]])
    args = {"doc_type": "xlsx", "result_file": "./data/r.xlsx", "expected_file": "../../../../reference/r.xlsx"}
    assert verdict(testbed, "exact_match", task_dir, **args)
    sheet(testbed / "data" / "r.xlsx", [["a", 1], ["b", 2], ["c", 3]])  # an extra row fails
    assert not verdict(testbed, "exact_match", task_dir, **args)
    sheet(testbed / "data" / "r.xlsx", [["a", 1]])  # a missing row fails too
    assert not verdict(testbed, "exact_match", task_dir, **args)
    (testbed / "data" / "t.txt").write_text("same")
    (task_dir / "reference" / "t.txt").write_text("same")
    assert verdict(testbed, "exact_match", task_dir, doc_type="txt", result_file="data/t.txt",
                   expected_file="../../../../reference/t.txt")
    assert not verdict(testbed, "exact_match", task_dir, doc_type="txt", result_file="data/none.txt",
                       expected_file="../../../../reference/t.txt")


def test_diff_contain_text_cache_mapping_case_sensitive_and_identical_fails(testbed: Path) -> None:
    task_dir = testbed.parent
    sheet(task_dir / "testbed" / "data" / "s.xlsx", [["Name", "Score"], ["Alice", 78], ["Bob", 90]])
    # the seed copy lives in <task_dir>/testbed; the run's testbed is elsewhere
    run = task_dir / "run" / "testbed"
    sheet(run / "data" / "s.xlsx", [["Name", "Score"], [None, None], ["Bob", 90]])
    args = {"doc_type": "xlsx", "input_file": "../../../../cache/0/testbed/data/s.xlsx", "output_file": "./data/s.xlsx"}
    assert verdict(run, "diff_contain_text", task_dir, keywords=["Alice", "78"], **args)
    assert not verdict(run, "diff_contain_text", task_dir, keywords=["alice"], **args)  # case-sensitive
    assert not verdict(run, "diff_contain_text", task_dir, keywords=["Bob"], **args)  # unchanged line
    sheet(run / "data" / "s.xlsx", [["Name", "Score"], ["Alice", 78], ["Bob", 90]])
    assert not verdict(run, "diff_contain_text", task_dir, keywords=[], **args)  # identical dumps fail


def test_email_contain_lists_the_users_folder(testbed: Path) -> None:
    folder = testbed / "emails" / "Bob"
    folder.mkdir(parents=True)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "Alice@x.com", "Bob@x.com", "Revenues"
    message.set_content("Total 4,439,044 this year")
    (folder / "r.eml").write_bytes(message.as_bytes())
    listing = docs.email_listing(testbed, "Bob")
    assert listing.startswith("Email ID: r.eml\nFrom: Alice@x.com\nTo: Bob@x.com\nSubject: Revenues\nContent: Total")
    assert listing.endswith("-" * 50 + "\n")
    assert verdict(testbed, "contain", doc_type="email", username="Bob", keywords=["revenues", "4439044"])
    assert verdict(testbed, "contain", doc_type="email", username="bob", keywords=["revenues"])  # account fallback
    assert not verdict(testbed, "contain", doc_type="email", username="Tom", keywords=["revenues"])
    assert verdict(testbed, "not_contain", doc_type="email", username="Tom", keywords=["revenues"])


def test_paths_may_not_escape(testbed: Path) -> None:
    with pytest.raises(EvaluatorError, match="leaves"):
        resolve(testbed, testbed.parent, "../../secret.txt")
    with pytest.raises(EvaluatorError, match="leaves"):
        resolve(testbed, testbed.parent, "../../../../../etc/passwd")
    result = evaluate_predicate(testbed, "evaluate_file_exist", {"file": "../../../etc/passwd"})
    assert not result.passed and "leaves" in result.error
    assert resolve(testbed, testbed.parent, "../../../../reference/x.xlsx") == (testbed.parent / "reference" / "x.xlsx").resolve()


def test_malformed_predicates_are_errors_not_crashes(testbed: Path) -> None:
    assert evaluate_predicate(testbed, "evaluate_magic", {}).error.startswith("unknown predicate")
    assert "missing file" in evaluate_predicate(testbed, "evaluate_excel_cell_value", {"matches": []}).error
    bad = evaluate_predicate(testbed, "evaluate_contain", {"doc_type": "rtf", "file": "data/answer.txt", "keywords": []})
    assert not bad.passed and "doc_type" in bad.error
    (testbed / "data" / "broken.xlsx").write_bytes(b"not a zip")
    broken = evaluate_predicate(testbed, "evaluate_contain", {"doc_type": "xlsx", "file": "data/broken.xlsx", "keywords": ["a"]})
    assert not broken.passed and "Excel" in broken.error
