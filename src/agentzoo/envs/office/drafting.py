"""The material the office task families are written from: names, events, sheets and sentences;
:class:`Draft` (one task being written); date formats; deterministic file writers; and the
``evaluate_contain`` predicate builder. :mod:`agentzoo.envs.office.families` uses them.
"""

from __future__ import annotations

import datetime as dt
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
SENTENCES = ("The quarterly review moves to the large meeting room.", "Please bring your laptop to the workshop.",
             "Our office will close early on Friday.", "The new printer is ready on the second floor.",
             "Lunch will be served after the training.", "Remember to submit receipts by the end of the month.",
             "Parking passes are available at the front desk.", "The library extends its opening hours.")
SUBJECTS = ("Schedule update", "Room change", "Welcome aboard", "Project status", "Travel plans", "Team outing")
THINGS = ("taxi fares", "conference tickets", "office snacks", "printer ink", "team lunch", "train tickets")


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

    def others(self, r: np.random.Generator, n: int = 1) -> list[str]:
        """``n`` distinct people other than the task's user."""
        return [str(p) for p in pick(r, tuple(p for p in PEOPLE if p != self.username), n)]

    def add_sheet(self, stem: str, rows: list[list[Any]]) -> str:
        """Put the workbook ``data/<stem>.xlsx`` holding ``rows`` in the testbed; its path."""
        path = f"data/{stem}.xlsx"
        self.files[path] = xlsx(rows)
        return path

    def set_row(self, path: str, row: int, item: Any, value: Any) -> None:
        """Gold: write ``item`` and ``value`` into the two cells of ``row`` of the sheet ``path``."""
        self.act("excel", "set_cell", file_path=path, row_idx=row, column_idx=1, text=item)
        self.act("excel", "set_cell", file_path=path, row_idx=row, column_idx=2, text=str(value))

    def new_docx(self, path: str, contents: str) -> None:
        """Gold: create the Word file ``path`` and write ``contents`` into it."""
        self.act("word", "create_new_file", file_path=path)
        self.act("word", "write_to_file", file_path=path, contents=contents)

    def read_mail(self, mail_id: str) -> None:
        """Gold: list the user's inbox and read the email ``mail_id``."""
        self.act("email", "list_emails", username=self.username)
        self.act("email", "read_email", username=self.username, email_id=mail_id)


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


def row_is(path: str, row: int, item: Any, value: Any) -> dict[str, Any]:
    """The predicate that row ``row`` of the sheet ``path`` holds ``item`` and ``value``."""
    return {"function": "evaluate_excel_cell_value", "args": {"file": path, "matches": [
        {"row": str(row), "col": "1", "value": item}, {"row": str(row), "col": "2", "value": str(value)}]}}


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

