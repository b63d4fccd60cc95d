"""agentzoo's own office tasks, written in OfficeBench's format, each with a gold program and plan.

Fifteen families (our wording, names and files; nothing is taken from OfficeBench's tasks):
one app — ``calendar_add``, ``calendar_move`` (resolve an overlap), ``excel_append``,
``excel_delete``, ``excel_sort`` (checked against a reference), ``word_write``, ``email_send``;
two apps — ``excel_to_email``, ``invite_to_calendar``, ``calendar_to_word``,
``excel_total_to_word``, ``email_to_excel``; three apps — ``invite_confirm``,
``excel_word_email``, ``calendar_excel_email``.

:func:`generate_suite` writes ``<root>/<n_apps>-<family>-<i>/`` with ``subtasks/0.json``, a
``testbed/``, an optional ``reference/`` and ``meta.json`` holding the family, the gold program
(a list of ``{"agent", "action"}``) and the gold plan (``{"agent", "description"}`` per step).
The same seed gives byte-identical files (fixed time stamps inside xlsx/docx containers).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.envs.office.docs import (
    FIXED_TIME,
    save_document_deterministic,
    save_workbook_deterministic,
)
from agentzoo.seeding import rng

NOW = dt.datetime(2024, 5, 1, 9, 0)
PEOPLE = ("Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace", "Henry", "Irene", "Jack", "Karen",
          "Leo", "Maria", "Nathan", "Olivia", "Peter", "Quinn", "Rosa", "Simon", "Tara")
EVENTS = ("design review", "budget sync", "team standup", "client call", "dentist appointment", "yoga class",
          "project kickoff", "mentor lunch", "code review", "quarterly planning", "marketing briefing",
          "vendor meeting", "piano lesson", "hiring panel", "board meeting", "safety training")
SHEETS = (  # file stem, first header, second header, item pool, value range
    ("inventory", "Item", "Quantity", ("paper", "toner", "staplers", "folders", "pens", "markers", "binders",
                                       "envelopes", "labels", "tape"), (5, 200)),
    ("expenses", "Category", "Amount", ("travel", "catering", "software", "rent", "utilities", "training",
                                        "printing", "insurance", "postage", "cleaning"), (100, 5000)),
    ("sales", "Region", "Units", ("north", "south", "east", "west", "central", "coastal", "mountain",
                                  "valley", "harbor", "lakeside"), (10, 900)),
    ("pantry", "Food", "Pounds", ("rice", "beans", "flour", "sugar", "oats", "lentils", "pasta", "coffee",
                                  "honey", "salt"), (1, 60)),
)
FAMILIES: dict[str, int] = {
    "calendar_add": 1, "calendar_move": 1, "excel_append": 1, "excel_delete": 1, "excel_sort": 1,
    "word_write": 1, "email_send": 1, "excel_to_email": 2, "invite_to_calendar": 2, "calendar_to_word": 2,
    "excel_total_to_word": 2, "email_to_excel": 2, "invite_confirm": 3, "excel_word_email": 3,
    "calendar_excel_email": 3,
}


@dataclass
class Draft:
    """One task being written: text, evaluation, files, gold program and plan."""

    username: str
    task: str = ""
    evaluation: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, Callable[[Path], None]] = field(default_factory=dict)
    references: dict[str, Callable[[Path], None]] = field(default_factory=dict)
    gold: list[dict[str, Any]] = field(default_factory=list)
    plan: list[dict[str, str]] = field(default_factory=list)

    def act(self, agent: str, action: str, **args: Any) -> None:
        self.gold.append({"agent": agent, "action": {"app": agent, "action": action, **args}})

    def step(self, agent: str, description: str) -> None:
        self.plan.append({"agent": agent, "description": description})


# --------------------------------------------------------------------------- formatting
def mdy(day: dt.date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def long_date(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def ampm(t: dt.time) -> str:
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'a.m.' if t.hour < 12 else 'p.m.'}"


def hm(t: dt.time) -> str:
    return f"{t:%H:%M}"


def stamp(day: dt.date, t: dt.time) -> str:
    return f"{day:%Y-%m-%d} {t:%H:%M}:00"


def ics_key(day: dt.date, t: dt.time) -> str:
    return f"{day:%Y%m%d}T{t:%H%M}00"


def pick(r: np.random.Generator, pool: tuple[Any, ...], n: int = 1) -> list[Any]:
    return [pool[i] for i in r.choice(len(pool), size=n, replace=False)]


def a_day(r: np.random.Generator) -> dt.date:
    day = dt.date(2024, 5, 6) + dt.timedelta(days=int(r.integers(0, 50)))
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def a_time(r: np.random.Generator, lo: int = 8, hi: int = 16) -> dt.time:
    return dt.time(int(r.integers(lo, hi)), int(r.choice([0, 30])))


def plus(t: dt.time, minutes: int) -> dt.time:
    return (dt.datetime.combine(dt.date(2024, 1, 1), t) + dt.timedelta(minutes=minutes)).time()


# --------------------------------------------------------------------------- file writers
def xlsx(rows: list[list[Any]]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        save_workbook_deterministic(workbook, path)

    return write


def ics(events: list[tuple[str, dt.date, dt.time, dt.time]]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import icalendar

        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//agentzoo generated//EN")
        calendar.add("version", "2.0")
        for i, (summary, day, start, end) in enumerate(events):
            event = icalendar.Event()
            event.add("summary", summary)
            event.add("dtstart", dt.datetime.combine(day, start))
            event.add("dtend", dt.datetime.combine(day, end))
            event.add("dtstamp", FIXED_TIME)
            event.add("uid", f"{path.stem}-{i}@agentzoo")
            calendar.add_component(event)
        path.write_bytes(calendar.to_ical())

    return write


def eml(sender: str, recipient: str, subject: str, body: str, day: dt.date) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        message = EmailMessage()
        message["From"] = f"{sender}@example.com"
        message["To"] = f"{recipient}@example.com"
        message["Subject"] = subject
        message["Date"] = f"{day:%a, %d %b %Y} 08:15:00 +0000"
        message.set_content(body)
        path.write_bytes(message.as_bytes())

    return write


def docx_text(paragraphs: list[str]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        import docx

        document = docx.Document()
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        save_document_deterministic(document, path)

    return write


def contain(doc_type: str, keywords: list[str], file: str | None = None, username: str | None = None) -> dict[str, Any]:
    args: dict[str, Any] = {"doc_type": doc_type, "keywords": keywords}
    if file is not None:
        args["file"] = file
    if username is not None:
        args["username"] = username
    return {"function": "evaluate_contain", "args": args}


def sheet_data(r: np.random.Generator, n_rows: int) -> tuple[str, str, str, list[list[Any]], list[str]]:
    stem, head1, head2, pool, (lo, hi) = SHEETS[int(r.integers(len(SHEETS)))]
    items = pick(r, pool, n_rows + 1)
    values = sorted({int(v) for v in r.integers(lo, hi, size=n_rows * 3)}, key=lambda _: r.random())[:n_rows]
    while len(values) < n_rows:
        values.append(hi + len(values))
    rows = [[head1, head2]] + [[items[i], values[i]] for i in range(n_rows)]
    return stem, head1, head2, rows, items


def variant(r: np.random.Generator, templates: list[str], **values: Any) -> str:
    return templates[int(r.integers(len(templates)))].format(**values)


SENTENCES = ("The quarterly review moves to the large meeting room.", "Please bring your laptop to the workshop.",
             "Our office will close early on Friday.", "The new printer is ready on the second floor.",
             "Lunch will be served after the training.", "Remember to submit receipts by the end of the month.",
             "Parking passes are available at the front desk.", "The library extends its opening hours.")
SUBJECTS = ("Schedule update", "Room change", "Welcome aboard", "Project status", "Travel plans", "Team outing")
THINGS = ("taxi fares", "conference tickets", "office snacks", "printer ink", "team lunch", "train tickets")


# --------------------------------------------------------------------------- one-app families
def calendar_add(r: np.random.Generator, d: Draft) -> None:
    user, title, day, t1 = d.username, pick(r, EVENTS)[0], a_day(r), a_time(r)
    t2 = plus(t1, int(r.choice([30, 60, 90])))
    d.task = variant(r, [
        "Put a {T} on {U}'s calendar on {D} from {a} to {b}.",
        "Please add a {T} to the calendar of {U} for {L} between {a} and {b}.",
        "{U} has a {T} on {I} from {c} to {e}; record it in the calendar.",
    ], T=title, U=user, D=mdy(day), L=long_date(day), I=f"{day:%Y-%m-%d}", a=ampm(t1), b=ampm(t2), c=hm(t1), e=hm(t2))
    other = [e for e in EVENTS if e != title]
    d.files[f"calendar/{user}.ics"] = ics([(other[0], day + dt.timedelta(days=1), dt.time(9), dt.time(10))])
    d.evaluation = [contain("ics", [f"DTSTART:{ics_key(day, t1)}", title, f"DTEND:{ics_key(day, t2)}"],
                            file=f"calendar/{user}.ics")]
    d.act("calendar", "create_event", user=user, summary=title, time_start=stamp(day, t1), time_end=stamp(day, t2))
    d.step("calendar", f"Create the event {title} for {user} on {day:%Y-%m-%d} from {hm(t1)} to {hm(t2)}")


def calendar_move(r: np.random.Generator, d: Draft) -> None:
    user, day = d.username, a_day(r)
    first, second, third = pick(r, EVENTS, 3)
    t1 = a_time(r, 8, 12)
    t3 = dt.time(int(r.integers(15, 18)), 0)
    t4 = plus(t3, 60)
    d.files[f"calendar/{user}.ics"] = ics([(first, day, t1, plus(t1, 60)), (second, day, plus(t1, 30), plus(t1, 90)),
                                           (third, day, dt.time(13), dt.time(14))])
    d.task = variant(r, [
        'The "{A}" and "{B}" events on {D} overlap in {U}\'s calendar. Move "{B}" to {a} - {b}.',
        '{U}\'s calendar has a clash on {L} between "{A}" and "{B}"; reschedule "{B}" from {a} to {b}.',
        'On {D}, "{A}" collides with "{B}" for {U}. Put "{B}" at {c}-{e} instead.',
    ], A=first, B=second, U=user, D=mdy(day), L=long_date(day), a=ampm(t3), b=ampm(t4), c=hm(t3), e=hm(t4))
    d.evaluation = [{"function": "evaluate_calendar_no_overlap", "args": {"username": user}},
                    contain("ics", [second, f"DTSTART:{ics_key(day, t3)}"], file=f"calendar/{user}.ics")]
    d.act("calendar", "delete_event", user=user, summary=second)
    d.act("calendar", "create_event", user=user, summary=second, time_start=stamp(day, t3), time_end=stamp(day, t4))
    d.step("calendar", f"Delete {second} from {user}'s calendar and create it again on {day:%Y-%m-%d} at {hm(t3)}")


def excel_append(r: np.random.Generator, d: Draft) -> None:
    stem, _, head2, rows, items = sheet_data(r, 3)
    new, value = items[-1], int(r.integers(2, 99))
    path = f"data/{stem}.xlsx"
    d.files[path] = xlsx(rows)
    d.task = variant(r, [
        "Add {X} with {h} {V} to the bottom of {F}.",
        "In {F}, add {X} as a new row with {V} {h}.",
        "Please add {X} ({h}: {V}) at the end of the {F} sheet.",
    ], X=new, h=head2.lower(), V=value, F=f"{stem}.xlsx")
    d.evaluation = [{"function": "evaluate_excel_cell_value", "args": {"file": path, "matches": [
        {"row": "5", "col": "1", "value": new}, {"row": "5", "col": "2", "value": str(value)}]}}]
    d.act("excel", "read_file", file_path=path)
    d.act("excel", "set_cell", file_path=path, row_idx=5, column_idx=1, text=new)
    d.act("excel", "set_cell", file_path=path, row_idx=5, column_idx=2, text=str(value))
    d.step("excel", f"Read {path} and write {new} and {value} in the next empty row")


def excel_delete(r: np.random.Generator, d: Draft) -> None:
    stem, _, _, rows, _ = sheet_data(r, 4)
    row = int(r.integers(2, 6))
    item, value = rows[row - 1]
    path = f"data/{stem}.xlsx"
    d.files[path] = xlsx(rows)
    d.task = variant(r, [
        "Remove the row for {X} from {F}.",
        "Delete the entry for {X} in {F}.",
        "{F} should no longer list anything for {X}; clear that row.",
    ], X=item, F=f"{stem}.xlsx")
    d.evaluation = [{"function": "evaluate_diff_contain_text", "args": {
        "doc_type": "xlsx", "input_file": f"../../../../cache/0/testbed/{path}", "output_file": path,
        "keywords": [item, str(value)]}}]
    d.act("excel", "read_file", file_path=path)
    d.act("excel", "delete_cell", file_path=path, row_idx=row, column_idx=1)
    d.act("excel", "delete_cell", file_path=path, row_idx=row, column_idx=2)
    d.step("excel", f"Read {path} and empty both cells of the row for {item}")


def excel_sort(r: np.random.Generator, d: Draft) -> None:
    stem, _head1, head2, rows, _ = sheet_data(r, 2)
    (a, va), (b, vb) = sorted((tuple(x) for x in rows[1:]), key=lambda x: x[1])
    path = f"data/{stem}.xlsx"
    d.files[path] = xlsx([rows[0], [a, va], [b, vb]])
    d.references[f"{stem}.xlsx"] = xlsx([rows[0], [b, vb], [a, va]])
    d.task = variant(r, [
        "Sort {F} by {h} from highest to lowest.",
        "Reorder the rows of {F} so the largest {h} comes first.",
        "Arrange {F} in descending order of {h}.",
    ], F=f"{stem}.xlsx", h=head2.lower())
    d.evaluation = [{"function": "evaluate_exact_match", "args": {
        "doc_type": "xlsx", "result_file": path, "expected_file": f"../../../../reference/{stem}.xlsx"}}]
    d.act("excel", "read_file", file_path=path)
    for row, (item, value) in ((2, (b, vb)), (3, (a, va))):
        d.act("excel", "set_cell", file_path=path, row_idx=row, column_idx=1, text=item)
        d.act("excel", "set_cell", file_path=path, row_idx=row, column_idx=2, text=str(value))
    d.step("excel", f"Read {path} and swap its two data rows so the larger {head2} is first")


def word_write(r: np.random.Generator, d: Draft) -> None:
    sentence, name = pick(r, SENTENCES)[0], str(pick(r, ("notice", "memo", "reminder", "update", "note"))[0])
    name = f"{name}_{int(r.integers(1, 99))}"
    path = f"data/{name}.docx"
    d.task = variant(r, [
        'Create a Word file {N}.docx containing the sentence "{S}"',
        'Write "{S}" into a new document named {N}.docx.',
        'Make a new Word document {N}.docx that says "{S}"',
    ], N=name, S=sentence)
    d.evaluation = [{"function": "evaluate_file_exist", "args": {"file": path}}, contain("docx", [sentence], file=path)]
    d.act("word", "create_new_file", file_path=path)
    d.act("word", "write_to_file", file_path=path, contents=sentence)
    d.step("word", f"Create {path} and write the given sentence into it")


def email_send(r: np.random.Generator, d: Draft) -> None:
    other = pick(r, tuple(p for p in PEOPLE if p != d.username))[0]
    subject, body = pick(r, SUBJECTS)[0], pick(r, SENTENCES)[0]
    d.task = variant(r, [
        'Send an email to {N} with the subject "{J}" saying "{B}"',
        'Email {N}: subject "{J}", message "{B}"',
        'Write to {N} by email, subject "{J}", text "{B}"',
    ], N=other, J=subject, B=body)
    d.evaluation = [contain("email", [subject, body], username=other)]
    d.act("email", "send_email", sender=d.username, recipient=other, subject=subject, content=body)
    d.step("email", f"Send {other} an email with the subject {subject}")


# --------------------------------------------------------------------------- two- and three-app families
def _lookup(r: np.random.Generator, d: Draft) -> tuple[str, str, str, int]:
    """A 4-row sheet and one of its items: (path, second header lowercased, item, value)."""
    stem, _, head2, rows, _ = sheet_data(r, 4)
    row = int(r.integers(2, 6))
    path = f"data/{stem}.xlsx"
    d.files[path] = xlsx(rows)
    return path, head2.lower(), str(rows[row - 1][0]), int(rows[row - 1][1])


def _invitation(r: np.random.Generator, d: Draft) -> tuple[str, str, dt.date, dt.time, dt.time, str]:
    """An inbox with an invitation from someone and a distractor email; returns the facts."""
    host, other = pick(r, tuple(p for p in PEOPLE if p != d.username), 2)
    title, day, t1 = pick(r, EVENTS)[0], a_day(r), a_time(r)
    t2 = plus(t1, 60)
    mail_id = f"invitation_{title.replace(' ', '_')}.eml"
    d.files[f"emails/{d.username}/{mail_id}"] = eml(
        host, d.username, f"Invitation: {title}",
        f"Hi {d.username}, you are invited to the {title} on {long_date(day)} from {ampm(t1)} to {ampm(t2)}. "
        f"Best, {host}", NOW.date() - dt.timedelta(days=2))
    d.files[f"emails/{d.username}/newsletter.eml"] = eml(
        other, d.username, "Weekly newsletter",
        f"Hello {d.username}, the cafeteria menu changes on {long_date(a_day(r))}. Regards, {other}",
        NOW.date() - dt.timedelta(days=3))
    return host, title, day, t1, t2, mail_id


def excel_to_email(r: np.random.Generator, d: Draft) -> None:
    path, h, item, value = _lookup(r, d)
    other = pick(r, tuple(p for p in PEOPLE if p != d.username))[0]
    d.task = variant(r, [
        "Look up the {h} for {X} in {F} and email it to {N}.",
        "Email {N} the {h} that {F} lists for {X}.",
        "Check {F} for the {h} for {X}, then send it to {N} by email.",
    ], h=h, X=item, F=Path(path).name, N=other)
    d.evaluation = [contain("email", [item, str(value)], username=other)]
    d.act("excel", "read_file", file_path=path)
    d.act("email", "send_email", sender=d.username, recipient=other, subject=f"{item} {h}",
          content=f"The {h} for {item} is {value}.")
    d.step("excel", f"Read {path} and find the {h} for {item}")
    d.step("email", f"Email {other} the {h} for {item}")


def invite_to_calendar(r: np.random.Generator, d: Draft) -> None:
    host, title, day, t1, t2, mail_id = _invitation(r, d)
    d.task = variant(r, [
        "{H} sent {U} an invitation by email; add that event to {U}'s calendar.",
        "Put the event from {H}'s invitation email on the calendar of {U}.",
        "Find the invitation from {H} in {U}'s inbox and create the calendar event for it.",
    ], H=host, U=d.username)
    d.evaluation = [contain("ics", [title, f"DTSTART:{ics_key(day, t1)}"], file=f"calendar/{d.username}.ics")]
    d.act("email", "list_emails", username=d.username)
    d.act("email", "read_email", username=d.username, email_id=mail_id)
    d.act("calendar", "create_event", user=d.username, summary=title, time_start=stamp(day, t1),
          time_end=stamp(day, t2))
    d.step("email", f"List {d.username}'s emails and read the invitation from {host}")
    d.step("calendar", f"Create the invited event in {d.username}'s calendar")


def calendar_to_word(r: np.random.Generator, d: Draft) -> None:
    day = a_day(r)
    first, second, third = pick(r, EVENTS, 3)
    d.files[f"calendar/{d.username}.ics"] = ics([
        (first, day, dt.time(9), dt.time(10)), (third, day + dt.timedelta(days=2), dt.time(11), dt.time(12)),
        (second, day, dt.time(14), dt.time(15))])
    name = f"agenda_{int(r.integers(1, 99))}"
    path = f"data/{name}.docx"
    d.task = variant(r, [
        "Write the names of {U}'s events on {D} into {N}.docx.",
        "List the calendar events of {U} for {L} in a new Word file {N}.docx.",
        "Copy {U}'s schedule for {D} into the document {N}.docx.",
    ], U=d.username, D=mdy(day), L=long_date(day), N=name)
    d.evaluation = [{"function": "evaluate_file_exist", "args": {"file": path}},
                    contain("docx", [first, second], file=path),
                    {"function": "evaluate_not_contain", "args": {"doc_type": "docx", "file": path,
                                                                  "keywords": [third]}}]
    d.act("calendar", "list_events", username=d.username)
    d.act("word", "create_new_file", file_path=path)
    d.act("word", "write_to_file", file_path=path, contents=f"{first}, {second}")
    d.step("calendar", f"List {d.username}'s events and keep those on {day:%Y-%m-%d}")
    d.step("word", f"Create {path} and write the event names into it")


def excel_total_to_word(r: np.random.Generator, d: Draft) -> None:
    stem, _, head2, rows, _ = sheet_data(r, 4)
    total = sum(int(v) for _, v in rows[1:])
    path, name = f"data/{stem}.xlsx", f"total_{int(r.integers(1, 99))}"
    d.files[path] = xlsx(rows)
    d.task = variant(r, [
        "Add up the {h} column of {F} and write the total into {N}.docx.",
        "Put the total {h} from {F} in a Word file called {N}.docx.",
        "Sum the {h} in {F} and save the result in the document {N}.docx.",
    ], h=head2.lower(), F=f"{stem}.xlsx", N=name)
    d.evaluation = [contain("docx", [str(total)], file=f"data/{name}.docx")]
    d.act("excel", "read_file", file_path=path)
    d.act("word", "create_new_file", file_path=f"data/{name}.docx")
    d.act("word", "write_to_file", file_path=f"data/{name}.docx", contents=f"Total {head2.lower()}: {total}")
    d.step("excel", f"Read {path} and add up its {head2} column")
    d.step("word", f"Create data/{name}.docx and write the total into it")


def email_to_excel(r: np.random.Generator, d: Draft) -> None:
    sender, filler1, filler2 = pick(r, tuple(p for p in PEOPLE if p != d.username), 3)
    amount, thing = int(r.integers(20, 900)), pick(r, THINGS)[0]
    path = "data/claims.xlsx"
    d.files[path] = xlsx([["Person", "Amount"], [filler1, int(r.integers(20, 900))],
                          [filler2, int(r.integers(20, 900))]])
    d.files[f"emails/{d.username}/expense_{sender}.eml"] = eml(
        sender, d.username, "Expense claim", f"Hi {d.username}, I spent ${amount} on {thing}. Thanks, {sender}",
        NOW.date() - dt.timedelta(days=1))
    d.task = variant(r, [
        "{S} emailed {U} an expense claim; add {S} and the amount as a new row of claims.xlsx.",
        "Record the amount from {S}'s expense email in a new row of claims.xlsx, next to the name {S}.",
        "Read the expense claim {S} sent to {U} and append {S} with the amount to claims.xlsx.",
    ], S=sender, U=d.username)
    d.evaluation = [{"function": "evaluate_excel_cell_value", "args": {"file": path, "matches": [
        {"row": "4", "col": "1", "value": sender}, {"row": "4", "col": "2", "value": str(amount)}]}}]
    d.act("email", "list_emails", username=d.username)
    d.act("email", "read_email", username=d.username, email_id=f"expense_{sender}.eml")
    d.act("excel", "read_file", file_path=path)
    d.act("excel", "set_cell", file_path=path, row_idx=4, column_idx=1, text=sender)
    d.act("excel", "set_cell", file_path=path, row_idx=4, column_idx=2, text=str(amount))
    d.step("email", f"List {d.username}'s emails and read the expense claim from {sender}")
    d.step("excel", f"Append {sender} and the claimed amount to {path}")


def invite_confirm(r: np.random.Generator, d: Draft) -> None:
    host, title, day, t1, t2, mail_id = _invitation(r, d)
    d.task = variant(r, [
        "Add the event from {H}'s invitation email to {U}'s calendar and email {H} to confirm.",
        "{H} invited {U} by email: put the event on {U}'s calendar, then reply to {H} that {U} will attend.",
        "Accept the invitation {H} emailed to {U}: create the calendar event and send {H} a confirmation.",
    ], H=host, U=d.username)
    d.evaluation = [contain("ics", [title, f"DTSTART:{ics_key(day, t1)}"], file=f"calendar/{d.username}.ics"),
                    contain("email", ["attend", title], username=host)]
    d.act("email", "list_emails", username=d.username)
    d.act("email", "read_email", username=d.username, email_id=mail_id)
    d.act("calendar", "create_event", user=d.username, summary=title, time_start=stamp(day, t1),
          time_end=stamp(day, t2))
    d.act("email", "send_email", sender=d.username, recipient=host, subject=f"Re: Invitation: {title}",
          content=f"I will attend the {title}.")
    d.step("email", f"List {d.username}'s emails and read the invitation from {host}")
    d.step("calendar", f"Create the invited event in {d.username}'s calendar")
    d.step("email", f"Email {host} that {d.username} will attend")


def excel_word_email(r: np.random.Generator, d: Draft) -> None:
    path, h, item, value = _lookup(r, d)
    other, name = pick(r, tuple(p for p in PEOPLE if p != d.username))[0], f"note_{int(r.integers(1, 99))}"
    d.task = variant(r, [
        "Find the {h} for {X} in {F}, note it in {N}.docx and email it to {M}.",
        "Look up the {h} for {X} in {F}; write it into a new file {N}.docx and send it to {M}.",
        "Get the {h} for {X} from {F}, save it in the Word file {N}.docx, then email {M} about it.",
    ], h=h, X=item, F=Path(path).name, N=name, M=other)
    sentence = f"The {h} for {item} is {value}."
    d.evaluation = [contain("docx", [str(value)], file=f"data/{name}.docx"),
                    contain("email", [item, str(value)], username=other)]
    d.act("excel", "read_file", file_path=path)
    d.act("word", "create_new_file", file_path=f"data/{name}.docx")
    d.act("word", "write_to_file", file_path=f"data/{name}.docx", contents=sentence)
    d.act("email", "send_email", sender=d.username, recipient=other, subject=f"{item} {h}", content=sentence)
    d.step("excel", f"Read {path} and find the {h} for {item}")
    d.step("word", f"Create data/{name}.docx and write the {h} for {item} into it")
    d.step("email", f"Email {other} the {h} for {item}")


def calendar_excel_email(r: np.random.Generator, d: Draft) -> None:
    day = a_day(r)
    first, second, third = pick(r, EVENTS, 3)
    d.files[f"calendar/{d.username}.ics"] = ics([
        (second, day, dt.time(15), dt.time(16)), (first, day, dt.time(8, 30), dt.time(9, 30)),
        (third, day + dt.timedelta(days=1), dt.time(7), dt.time(8))])
    path, h, item, value = _lookup(r, d)
    other = pick(r, tuple(p for p in PEOPLE if p != d.username))[0]
    d.task = variant(r, [
        "Email {M} the first event on {U}'s calendar for {D} and the {h} for {X} from {F}.",
        "Tell {M} by email which event opens {U}'s day on {L}, plus the {h} for {X} listed in {F}.",
        "Send {M} the earliest event of {U} on {D} together with the {h} for {X} in {F}.",
    ], M=other, U=d.username, D=mdy(day), L=long_date(day), h=h, X=item, F=Path(path).name)
    d.evaluation = [contain("email", [first, str(value)], username=other)]
    d.act("calendar", "list_events", username=d.username)
    d.act("excel", "read_file", file_path=path)
    d.act("email", "send_email", sender=d.username, recipient=other, subject="Daily update",
          content=f"First event: {first}. The {h} for {item} is {value}.")
    d.step("calendar", f"List {d.username}'s events and find the first one on {day:%Y-%m-%d}")
    d.step("excel", f"Read {path} and find the {h} for {item}")
    d.step("email", f"Email {other} the first event and the {h} for {item}")


BUILDERS: dict[str, Callable[[np.random.Generator, Draft], None]] = {
    "calendar_add": calendar_add, "calendar_move": calendar_move, "excel_append": excel_append,
    "excel_delete": excel_delete, "excel_sort": excel_sort, "word_write": word_write, "email_send": email_send,
    "excel_to_email": excel_to_email, "invite_to_calendar": invite_to_calendar,
    "calendar_to_word": calendar_to_word, "excel_total_to_word": excel_total_to_word,
    "email_to_excel": email_to_excel, "invite_confirm": invite_confirm, "excel_word_email": excel_word_email,
    "calendar_excel_email": calendar_excel_email,
}


def write_task(root: Path, family: str, index: int, seed: int) -> Path:
    """Write one task directory ``<n_apps>-<family>-<index>`` and return its path."""
    r = rng(seed, "office-generate", family, index)
    draft = Draft(username=str(pick(r, PEOPLE)[0]))
    BUILDERS[family](r, draft)
    task_dir = Path(root) / f"{FAMILIES[family]}-{family}-{index}"
    (task_dir / "subtasks").mkdir(parents=True, exist_ok=True)
    subtask = {"username": draft.username, "date": f"{NOW:%Y-%m-%d}", "weekday": f"{NOW:%A}",
               "time": "09:00 AM", "task": draft.task, "evaluation": draft.evaluation}
    (task_dir / "subtasks" / "0.json").write_text(json.dumps(subtask, indent=2) + "\n")
    for folder, writers in (("testbed", draft.files), ("reference", draft.references)):
        for relative, write in sorted(writers.items()):
            target = task_dir / folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            write(target)
    meta = {"family": family, "n_apps": FAMILIES[family], "gold": draft.gold, "plan": draft.plan,
            "generator": "agentzoo.envs.office.generate", "seed": seed}
    (task_dir / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")
    return task_dir


def generate_suite(root: Path, families: tuple[str, ...] | None = None, n_per_family: int = 10,
                   seed: int = 0) -> list[Path]:
    """Write ``n_per_family`` tasks of each family under ``root``; returns the task directories."""
    chosen = tuple(families) if families else tuple(FAMILIES)
    unknown = [f for f in chosen if f not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown families {unknown}; allowed: {', '.join(FAMILIES)}")
    return [write_task(Path(root), family, i, seed) for family in chosen for i in range(n_per_family)]
