"""Pure-Python office apps with OfficeBench's action names, acting on one testbed folder.

An action is a dict in OfficeBench's form, e.g.
``{'app': 'excel', 'action': 'set_cell', 'file_path': 'data/a.xlsx', 'row_idx': 5, 'column_idx': 1,
'text': 'yogurt'}``. :meth:`Office.execute` returns an :class:`Observation`; it never raises
for a bad action (unknown app, missing argument, unreadable file): the observation says what
went wrong and its ``kind`` classifies it. OCR and every conversion (to PDF, to images, PDF
to Word) are ``unsupported`` offline. "Now" (for time stamps) is the subtask's date and time,
never the machine clock.

Differences from OfficeBench's Docker apps (documented in docs/legomem.md): paths may be
``/testbed/...`` or relative to the testbed root and may not leave it; ``send_email`` names
the file after a slug of the subject and never overwrites (the original writes ``{subject}.eml``,
to the recipient's and the sender's folders, as here); ``delete_event`` works (the original
passes a file name to ``from_ical`` and always fails); ``list_events`` does not create an
empty calendar for an unknown user; ``llm.query`` uses the run's model.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from agentzoo.envs.office import docs, shell

log = logging.getLogger(__name__)

TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")


@dataclass(frozen=True)
class ActionSpec:
    """One app action: its arguments (in the order an agent fills them) and what it does."""

    app: str
    action: str
    args: tuple[str, ...]
    description: str
    supported: bool = True


ACTIONS: dict[tuple[str, str], ActionSpec] = {
    (s.app, s.action): s
    for s in [
        ActionSpec("calendar", "create_event", ("user", "summary", "time_start", "time_end"),
                   "add an event to a user's calendar (times as YYYY-MM-DD HH:MM:SS)"),
        ActionSpec("calendar", "delete_event", ("user", "summary"), "delete a user's event by its summary"),
        ActionSpec("calendar", "list_events", ("username",), "list every event of a user's calendar"),
        ActionSpec("email", "list_emails", ("username",), "list a user's emails (id, from, to, subject)"),
        ActionSpec("email", "read_email", ("username", "email_id"), "read one email of a user"),
        ActionSpec("email", "send_email", ("sender", "recipient", "subject", "content"), "send an email"),
        ActionSpec("excel", "read_file", ("file_path",), "read the active sheet of an Excel file"),
        ActionSpec("excel", "set_cell", ("file_path", "row_idx", "column_idx", "text"),
                   "write text to a cell (indices start at 1)"),
        ActionSpec("excel", "delete_cell", ("file_path", "row_idx", "column_idx"), "empty a cell"),
        ActionSpec("excel", "create_new_file", ("file_path",), "create an empty Excel file"),
        ActionSpec("excel", "convert_to_pdf", ("file_path", "pdf_file_path"), "convert to PDF", False),
        ActionSpec("word", "read_file", ("file_path",), "read a Word file"),
        ActionSpec("word", "write_to_file", ("file_path", "contents"), "append a paragraph to a Word file"),
        ActionSpec("word", "create_new_file", ("file_path",), "create an empty Word file"),
        ActionSpec("word", "convert_to_pdf", ("file_path", "pdf_file_path"), "convert to PDF", False),
        ActionSpec("pdf", "read_file", ("pdf_file_path",), "read the text of a PDF file"),
        ActionSpec("pdf", "convert_to_image", ("pdf_file_path",), "render a PDF as images", False),
        ActionSpec("pdf", "convert_to_word", ("pdf_file_path", "word_file_path"), "convert a PDF to Word", False),
        ActionSpec("pdf", "image_convert_to_pdf", ("image_file_path", "pdf_file_path"), "image to PDF", False),
        ActionSpec("ocr", "recognize_file", ("file_path",), "recognise the text of an image", False),
        ActionSpec("llm", "query", ("prompt",), "ask a language model"),
        ActionSpec("shell", "command", ("command",), "run ls, cat, mkdir, touch, cp, mv, rm or echo"),
    ]
}
APPS = tuple(dict.fromkeys(app for app, _ in ACTIONS))


@dataclass(frozen=True)
class Observation:
    """What an action returned."""

    text: str
    kind: str = "ok"
    """``ok``, ``invalid_action`` (unknown action, missing argument), ``unsupported`` (offline),
    or ``app_error`` (the app failed, e.g. a missing or corrupt file)."""

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


class AppError(RuntimeError):
    """An app could not carry out an action; the message becomes the observation."""


def parse_time(text: Any) -> dt.datetime:
    for fmt in TIME_FORMATS:
        try:
            return dt.datetime.strptime(str(text).strip(), fmt)
        except ValueError:
            continue
    raise AppError(f"time {text!r} is not in the format YYYY-MM-DD HH:MM:SS")


def coerce_cell(text: Any) -> Any:
    """Numbers as numbers (OfficeBench passes cell text through ``fire``, which does the same)."""
    if not isinstance(text, str):
        return text
    stripped = text.strip()
    if re.fullmatch(r"-?(0|[1-9]\d*)", stripped):
        return int(stripped)
    if re.fullmatch(r"-?\d+\.\d+", stripped):
        return float(stripped)
    return text


def slug(text: str) -> str:
    value = re.sub(r"[^A-Za-z0-9._ -]+", "", str(text)).strip().replace(" ", "_")
    return value[:60] or "email"


class Office:
    """The apps of one user's office on a testbed folder (a per-run copy)."""

    def __init__(
        self,
        testbed: Path,
        *,
        username: str,
        now: dt.datetime,
        llm: Callable[[str], str] | None = None,
    ) -> None:
        self.testbed = Path(testbed)
        self.testbed.mkdir(parents=True, exist_ok=True)
        self.username = username
        self.now = now
        self.llm = llm

    # ------------------------------------------------------------------ helpers
    def path(self, text: Any) -> Path:
        try:
            return shell.confine(self.testbed, str(text))
        except shell.ShellError as exc:
            raise AppError(str(exc)) from exc

    def rel(self, path: Path) -> str:
        return str(path.resolve().relative_to(self.testbed.resolve()))

    def files(self) -> list[str]:
        """Every file under the testbed, as relative paths, sorted."""
        return sorted(self.rel(p) for p in self.testbed.rglob("*") if p.is_file())

    def users(self) -> list[str]:
        """Account names: folders under ``emails/`` and calendars under ``calendar/``."""
        names = [p.name for p in (self.testbed / "emails").glob("*") if p.is_dir()]
        names += [p.stem for p in (self.testbed / "calendar").glob("*.ics")]
        return sorted(set(names))

    # ------------------------------------------------------------------ dispatch
    def execute(self, action: Mapping[str, Any]) -> Observation:
        """Run one action dict; never raises for a bad action."""
        if not isinstance(action, Mapping):
            return Observation(f"an action must be a dict, got {type(action).__name__}", "invalid_action")
        key = (str(action.get("app", "")), str(action.get("action", "")))
        spec = ACTIONS.get(key)
        if spec is None:
            known = ", ".join(f"{a}.{b}" for a, b in ACTIONS)
            return Observation(f"unknown action {key[0]}.{key[1]}; available: {known}", "invalid_action")
        if not spec.supported:
            return Observation(f"{spec.app}.{spec.action} is not supported offline (no OCR or conversion)",
                               "unsupported")
        args = dict(action)
        if spec.app == "pdf" and "pdf_file_path" not in args and "file_path" in args:
            args["pdf_file_path"] = args["file_path"]
        missing = [a for a in spec.args if a not in args]
        if missing:
            return Observation(f"{spec.app}.{spec.action} needs {', '.join(missing)}", "invalid_action")
        handler = getattr(self, f"_{spec.app}_{spec.action}")
        try:
            text: str = handler(*(args[a] for a in spec.args))
        except (AppError, docs.DocumentError, shell.ShellError) as exc:
            return Observation(f"Failed: {exc}", "app_error")
        except (OSError, ValueError, TypeError, KeyError) as exc:
            return Observation(f"Failed: {type(exc).__name__}: {exc}", "app_error")
        return Observation(text)

    # ------------------------------------------------------------------ calendar
    def _calendar_file(self, user: Any) -> Path:
        if not isinstance(user, str) or not user.strip() or "/" in user:
            raise AppError(f"user must be one name, got {user!r}")
        return self.path(f"calendar/{user.strip()}.ics")

    def _load_calendar(self, path: Path) -> Any:
        import icalendar

        if not path.exists():
            calendar = icalendar.Calendar()
            calendar.add("prodid", "-//agentzoo office//EN")
            calendar.add("version", "2.0")
            return calendar
        try:
            return icalendar.Calendar.from_ical(path.read_bytes())
        except ValueError as exc:
            raise AppError(f"cannot read {path.name}: {exc}") from exc

    def _calendar_create_event(self, user: Any, summary: Any, time_start: Any, time_end: Any) -> str:
        import icalendar

        path = self._calendar_file(user)
        start, end = parse_time(time_start), parse_time(time_end)
        calendar = self._load_calendar(path)
        event = icalendar.Event()
        event.add("summary", str(summary))
        event.add("dtstart", start)  # naive local time, written without a Z (as the original)
        event.add("dtend", end)
        event.add("dtstamp", self.now)
        event.add("description", "This is a test event")
        event.add("location", "Online")
        calendar.add_component(event)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(calendar.to_ical())
        return f"Successfully created the event {summary!s} in {str(user).strip()}'s calendar."

    def _calendar_delete_event(self, user: Any, summary: Any) -> str:
        path = self._calendar_file(user)
        if not path.exists():
            raise AppError(f"{user} has no calendar")
        calendar = self._load_calendar(path)
        events = [c for c in calendar.subcomponents if getattr(c, "name", "") == "VEVENT"]
        wanted = str(summary).strip()
        match = next((e for e in events if str(e.get("summary", "")) == wanted), None)
        match = match or next((e for e in events if str(e.get("summary", "")).lower() == wanted.lower()), None)
        if match is None:
            raise AppError(f"no event named {wanted!r} in {user}'s calendar")
        calendar.subcomponents.remove(match)
        path.write_bytes(calendar.to_ical())
        return f"Successfully deleted the event {wanted} from {user}'s calendar."

    def _calendar_list_events(self, username: Any) -> str:
        path = self._calendar_file(username)
        if not path.exists():
            return f"No events found for {username}."
        lines = []
        for event in self._load_calendar(path).walk("VEVENT"):
            lines.append(f"Summary: {event.get('summary')}")
            for label, key in (("Start Time", "dtstart"), ("End Time", "dtend")):
                value = event.get(key)
                when = value.dt.strftime("%Y-%m-%d %H:%M:%S") if value is not None else None
                lines.append(f"{label}: {when}")
            lines.append(f"Description: {event.get('description')}")
            lines.append(f"Location: {event.get('location')}")
            lines.append("-" * 50)
        if not lines:
            return f"No events found for {username}."
        return f"Events of {username}:\n" + "\n".join(lines)

    # ------------------------------------------------------------------ email
    def _email_list_emails(self, username: Any) -> str:
        listing = docs.email_listing(self.testbed, str(username).strip(), first_n_letters=20)
        if listing == "No emails found.":
            return f"No emails found for {username}."
        return f"Emails of {username}:\n{listing}"

    def _email_read_email(self, username: Any, email_id: Any) -> str:
        name = str(email_id).strip()
        name = name if name.endswith(".eml") else name + ".eml"
        path = self.path(f"emails/{str(username).strip()}/{name}")
        if not path.is_file():
            raise AppError(f"{username} has no email {name}")
        message = docs.parse_email(path)
        return (f"From: {message['From']}\nTo: {message['To']}\nSubject: {message['Subject']}\n"
                f"Content: {docs.email_body(message)}")

    def _email_send_email(self, sender: Any, recipient: Any, subject: Any, content: Any) -> str:
        if isinstance(recipient, list | tuple):
            raise AppError("only one recipient per email")
        sender_name = str(sender).split("@")[0].strip()
        recipient_name = str(recipient).split("@")[0].strip()
        if not sender_name or not recipient_name:
            raise AppError("sender and recipient must be names or addresses")
        message = EmailMessage()
        message["From"] = f"{sender_name}@example.com"
        message["To"] = f"{recipient_name}@example.com"
        message["Subject"] = str(subject)
        message.set_content(str(content))
        data = message.as_bytes()
        for owner in dict.fromkeys([recipient_name, sender_name]):
            folder = self.path(f"emails/{owner}")
            folder.mkdir(parents=True, exist_ok=True)
            target, n = folder / f"{slug(str(subject))}.eml", 1
            while target.exists():
                n += 1
                target = folder / f"{slug(str(subject))}-{n}.eml"
            target.write_bytes(data)
        return f"Successfully sent the email to {recipient_name}."

    # ------------------------------------------------------------------ excel
    def _excel_read_file(self, file_path: Any) -> str:
        path = self.path(file_path)
        if not path.is_file():
            raise AppError(f"the file {file_path} does not exist")
        return "The following is the table from the excel file:\n" + docs.excel_dump(path)

    def _excel_write(self, file_path: Any, row_idx: Any, column_idx: Any, value: Any) -> Path:
        import openpyxl

        path = self.path(file_path)
        if not path.is_file():
            raise AppError(f"the file {file_path} does not exist")
        try:
            row, column = int(str(row_idx).strip()), int(str(column_idx).strip())
        except ValueError as exc:
            raise AppError(f"row_idx and column_idx must be integers, got {row_idx!r}, {column_idx!r}") from exc
        if row < 1 or column < 1:
            raise AppError("row_idx and column_idx start at 1")
        try:
            workbook = openpyxl.load_workbook(path)
        except Exception as exc:
            raise AppError(f"cannot open {file_path} as an Excel file: {exc}") from exc
        sheet = workbook.active
        if sheet is None:
            raise AppError(f"{file_path} has no active sheet")
        sheet.cell(row=row, column=column, value=value)
        workbook.save(path)
        return path

    def _excel_set_cell(self, file_path: Any, row_idx: Any, column_idx: Any, text: Any) -> str:
        self._excel_write(file_path, row_idx, column_idx, coerce_cell(text))
        return f"Successfully wrote {text!s} to cell ({row_idx}, {column_idx}) of {file_path}."

    def _excel_delete_cell(self, file_path: Any, row_idx: Any, column_idx: Any) -> str:
        self._excel_write(file_path, row_idx, column_idx, "")
        return f"Successfully deleted cell ({row_idx}, {column_idx}) of {file_path}."

    def _excel_create_new_file(self, file_path: Any) -> str:
        import openpyxl

        path = self.path(file_path)
        if path.exists():
            raise AppError(f"the file {file_path} already exists")
        path.parent.mkdir(parents=True, exist_ok=True)
        openpyxl.Workbook().save(path)
        return f"Successfully created the new file {file_path}."

    # ------------------------------------------------------------------ word, pdf
    def _word_read_file(self, file_path: Any) -> str:
        path = self.path(file_path)
        if not path.is_file():
            raise AppError(f"the file {file_path} does not exist")
        return "The following is the content from the word file:\n" + docs.word_text(path)

    def _word_write_to_file(self, file_path: Any, contents: Any) -> str:
        import docx

        path = self.path(file_path)
        if not path.is_file():
            raise AppError(f"the file {file_path} does not exist")
        try:
            document = docx.Document(str(path))
        except Exception as exc:
            raise AppError(f"cannot open {file_path} as a Word file: {exc}") from exc
        document.add_paragraph(str(contents))
        document.save(str(path))
        return f"Successfully wrote the contents to {file_path}."

    def _word_create_new_file(self, file_path: Any) -> str:
        import docx

        path = self.path(file_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        docx.Document().save(str(path))
        return f"Successfully created the new file {file_path}."

    def _pdf_read_file(self, pdf_file_path: Any) -> str:
        path = self.path(pdf_file_path)
        if not path.is_file():
            raise AppError(f"the file {pdf_file_path} does not exist")
        return docs.pdf_text(path)

    # ------------------------------------------------------------------ llm, shell
    def _llm_query(self, prompt: Any) -> str:
        if self.llm is None:
            raise AppError("no language model is attached to this office")
        return self.llm(str(prompt))

    def _shell_command(self, command: Any) -> str:
        output = shell.run(self.testbed, str(command))
        return output if output else f"Ran: {command}"
