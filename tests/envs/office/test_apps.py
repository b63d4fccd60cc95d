"""Each app action round-trips on real files; bad actions become observations, not crashes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from agentzoo.envs.office import Office, docs
from agentzoo.envs.office.evaluate import evaluate_predicate

NOW = dt.datetime(2020, 5, 1, 10, 0)


def office(tmp_path: Path, user: str = "Bob") -> Office:
    return Office(tmp_path / "testbed", username=user, now=NOW)


def act(o: Office, app: str, action: str, **args: object) -> str:
    observation = o.execute({"app": app, "action": action, **args})
    assert observation.ok, observation.text
    return observation.text


def test_create_event_writes_naive_dtstart_and_list_delete(tmp_path: Path) -> None:
    o = office(tmp_path)
    act(o, "calendar", "create_event", user="Bob", summary="Meeting", time_start="2024-05-17 10:30:00",
        time_end="2024-05-17 11:00:00")
    text = (o.testbed / "calendar" / "Bob.ics").read_text()
    assert "DTSTART:20240517T103000\n" in text and "DTEND:20240517T110000" in text
    assert "DTSTAMP:20200501T100000" in text  # the subtask's now, not the machine clock
    args = {"doc_type": "ics", "file": "./calendar/Bob.ics", "keywords": ["DTSTART:20240517T103000", "Meeting"]}
    assert evaluate_predicate(o.testbed, "evaluate_contain", args).passed
    listing = act(o, "calendar", "list_events", username="Bob")
    assert "Summary: Meeting" in listing and "Start Time: 2024-05-17 10:30:00" in listing
    act(o, "calendar", "delete_event", user="Bob", summary="Meeting")
    assert "Meeting" not in (o.testbed / "calendar" / "Bob.ics").read_text()
    bad = o.execute({"app": "calendar", "action": "create_event", "user": "Bob", "summary": "x",
                     "time_start": "tomorrow", "time_end": "later"})
    assert bad.kind == "app_error" and "YYYY-MM-DD" in bad.text


def test_set_cell_on_the_subset_shopping_list(tmp_path: Path, shared_data: Path) -> None:
    seed = shared_data / "officebench" / "tasks" / "1-4" / "testbed"
    if not seed.is_dir():
        pytest.skip("subset task 1-4 not found")
    o = office(tmp_path, "Alice")
    shutil.copytree(seed, o.testbed, dirs_exist_ok=True)
    assert "(4, 1):" in act(o, "excel", "read_file", file_path="/testbed/data/shopping_list.xlsx")
    act(o, "excel", "set_cell", file_path="data/shopping_list.xlsx", row_idx=5, column_idx=1, text="yogurt")
    act(o, "excel", "set_cell", file_path="data/shopping_list.xlsx", row_idx="5", column_idx="2", text="2")
    dump = docs.excel_dump(o.testbed / "data" / "shopping_list.xlsx")
    assert "(5, 1): yogurt\t" in dump and "(5, 2): 2\t" in dump
    cells = docs.excel_cells(o.testbed / "data" / "shopping_list.xlsx")
    assert cells[(5, 2)] == 2  # numbers are stored as numbers, as OfficeBench's fire-parsed text
    act(o, "excel", "delete_cell", file_path="data/shopping_list.xlsx", row_idx=5, column_idx=1)
    assert "(5, 1): [Empty Cell]" in docs.excel_dump(o.testbed / "data" / "shopping_list.xlsx")
    assert o.execute({"app": "excel", "action": "set_cell", "file_path": "data/none.xlsx", "row_idx": 1,
                      "column_idx": 1, "text": "x"}).kind == "app_error"
    act(o, "excel", "create_new_file", file_path="data/new.xlsx")
    assert o.execute({"app": "excel", "action": "create_new_file", "file_path": "data/new.xlsx"}).kind == "app_error"


def test_sent_email_is_found_by_evaluate_contain(tmp_path: Path) -> None:
    o = office(tmp_path, "Alice")
    act(o, "email", "send_email", sender="Alice", recipient="Tom@gmail.com", subject="Revenues",
        content="Revenue was 4,439,044 in 2004.")
    args = {"doc_type": "email", "username": "Tom", "keywords": ["revenues", "4439044"]}
    assert evaluate_predicate(o.testbed, "evaluate_contain", args).passed
    assert "Revenues" in act(o, "email", "list_emails", username="Alice")  # the sender keeps a copy
    read = act(o, "email", "read_email", username="Tom", email_id="Revenues")
    assert read.startswith("From: Alice@example.com\nTo: Tom@example.com\nSubject: Revenues")
    act(o, "email", "send_email", sender="Alice", recipient="Tom", subject="Revenues", content="again")
    assert len(list((o.testbed / "emails" / "Tom").glob("*.eml"))) == 2  # never overwrites
    assert o.execute({"app": "email", "action": "send_email", "sender": "Alice", "recipient": ["A", "B"],
                      "subject": "s", "content": "c"}).kind == "app_error"


def test_word_write_and_read_round_trip(tmp_path: Path) -> None:
    o = office(tmp_path)
    assert o.execute({"app": "word", "action": "write_to_file", "file_path": "data/a.docx",
                      "contents": "x"}).kind == "app_error"  # must exist first, as in OfficeBench
    act(o, "word", "create_new_file", file_path="data/a.docx")
    act(o, "word", "write_to_file", file_path="data/a.docx", contents="First line.")
    act(o, "word", "write_to_file", file_path="/testbed/data/a.docx", contents="Second line.")
    assert act(o, "word", "read_file", file_path="data/a.docx").endswith("\nFirst line.\nSecond line.")
    args = {"doc_type": "docx", "file": "data/a.docx", "keywords": ["second LINE"]}
    assert evaluate_predicate(o.testbed, "evaluate_contain", args).passed


def test_pdf_read_on_a_subset_pdf(tmp_path: Path, shared_data: Path) -> None:
    pdf = shared_data / "officebench" / "tasks" / "1-19" / "testbed" / "data" / "paper.pdf"
    if not pdf.is_file():
        pytest.skip("subset PDF not found")
    o = office(tmp_path)
    (o.testbed / "data").mkdir(parents=True)
    shutil.copy(pdf, o.testbed / "data" / "paper.pdf")
    text = act(o, "pdf", "read_file", pdf_file_path="data/paper.pdf")
    assert "OS-COPILOT" in text.upper() and text == docs.pdf_text(o.testbed / "data" / "paper.pdf")


def test_shell_is_confined_to_the_testbed(tmp_path: Path) -> None:
    o = office(tmp_path)
    act(o, "shell", "command", command="mkdir -p data/new_dir && echo 'Tom' > data/answer.txt")
    assert (o.testbed / "data" / "answer.txt").read_text() == "Tom\n"
    act(o, "shell", "command", command="cp data/answer.txt data/new_dir/ ; mv data/answer.txt data/b.txt")
    assert act(o, "shell", "command", command="ls data") == "b.txt\nnew_dir/"
    assert act(o, "shell", "command", command="cat /testbed/data/new_dir/answer.txt") == "Tom\n"
    for command in ("cat /etc/passwd", "cp ../../x data", "ls ..", "rm -rf /testbed/..", "python -c 1",
                    "cat data/../../outside"):
        observation = o.execute({"app": "shell", "action": "command", "command": command})
        assert observation.kind == "app_error", command
    act(o, "shell", "command", command="rm data/b.txt")
    assert not (o.testbed / "data" / "b.txt").exists()


def test_bad_actions_become_observations(tmp_path: Path) -> None:
    o = office(tmp_path)
    assert o.execute({"app": "excel", "action": "explode"}).kind == "invalid_action"
    assert o.execute({"app": "excel", "action": "set_cell", "file_path": "a.xlsx"}).kind == "invalid_action"
    assert o.execute("not a dict").kind == "invalid_action"  # type: ignore[arg-type]
    for app, action in (("ocr", "recognize_file"), ("excel", "convert_to_pdf"), ("pdf", "convert_to_image")):
        assert o.execute({"app": app, "action": action, "file_path": "x"}).kind == "unsupported"
    (o.testbed / "data").mkdir()
    (o.testbed / "data" / "corrupt.xlsx").write_bytes(b"PK\x03\x04 broken")
    corrupt = o.execute({"app": "excel", "action": "read_file", "file_path": "data/corrupt.xlsx"})
    assert corrupt.kind == "app_error" and "corrupt.xlsx" in corrupt.text
    assert o.execute({"app": "llm", "action": "query", "prompt": "hi"}).kind == "app_error"
    answered = Office(o.testbed, username="Bob", now=NOW, llm=lambda p: p.upper())
    assert answered.execute({"app": "llm", "action": "query", "prompt": "hi"}).text == "HI"
