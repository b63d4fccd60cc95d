"""Facts an agent can name: entities of the task text and values read from observations.

Every fact has a *reference* (its key) and a value. Task-text entities are numbered within
their kind in order of appearance: ``{user}``, ``{email#1}``, ``{file#1}``, ``{date#1}`` (as
``YYYY-MM-DD``), ``{time#1}`` (``HH:MM``), ``{quoted#1}``, ``{name#1}``, ``{phrase:TRIGGER#1}``
(the words after a trigger such as *a*, *the*, *for*), ``{number#1}``, and ``{doc:xlsx#1}``
(existing files of a type, best word overlap with the task first). Observations add
``{next_row}``, ``{cell:R,C}``, ``{row:REF}``, ``{at:REF:C}`` (the cell in column C of the row
holding the entity REF), ``{sum:C}``, ``{mail#1}``, ``{mail:REF}`` (the email from REF),
``{subject}``, ``{subject_topic}``, ``{sender}``, ``{odate#1}``, ``{otime#1}``, ``{onumber#1}``,
``{event#1}``, ``{events_on:REF}``, ``{first_event_on:REF}``, ``{doc}`` and ``{line#1}``.

Curation writes remembered arguments as templates over these references; at run time the
same references are looked up in the new task's facts (:func:`rebind`). This is
agentzoo's reconstruction: the paper's agents are free-form LLMs that re-use memory by reading it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
WORD_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                "eight": "8", "nine": "9", "ten": "10"}
NOT_NAMES = {"I", "A", "An", "The", "Excel", "Word", "PDF", "Pdf", "Email", "Calendar", "Yes", "No", "If", "In",
             "On", "At", "For", "Please", "Put", "Add", "Send", "Write", "Create", "Make", "Find", "Read", "List",
             "Look", "Tell", "Sort", "Remove", "Delete", "Check", "Get", "Copy", "Record", "Accept",
             "Move", "Reorder", "Arrange", "Sum", "Schedule", "Extract", "Answer", "Which", "What", "Who",
             "When", "How", "Do", "Does", "Can", "Is", "Are", "Given", "Then", "Subject", "Content", "From",
             "To", "Hi", "Hello", "Best", "Thanks", "Regards", "Dear", "Summary", "Start", "End", "Time",
             "Description", "Location", "Events", "Emails", "Successfully", "Failed", "Total", "First"}
NOT_NAMES |= {m.capitalize() for m in ("january", "february", "march", "april", "may", "june", "july", "august",
                                       "september", "october", "november", "december", "monday", "tuesday",
                                       "wednesday", "thursday", "friday", "saturday", "sunday")}
TRIGGERS = ("a", "an", "the", "called", "named", "titled", "about", "for", "of", "add", "remove", "delete")
STOP = {"on", "at", "for", "from", "to", "in", "with", "between", "and", "by", "into", "of", "as", "is", "are",
        "was", "that", "this", "then", "it", "them", "so", "or", "but", "its", "their", "his", "her", "my",
        "a", "an", "the", "be", "will", "should", "which", "who", "also", "instead", "than", "each", "all"}
FILE_EXT = r"xlsx|docx|doc|pdf|txt|ics|eml|csv|jpg|jpeg|png"

_DATE_MDY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DATE_LONG = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?\b")
_TIME_AMPM = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?", re.I)
_TIME_24 = re.compile(r"(?<![\d:])([01]?\d|2[0-3]):([0-5]\d)(?::\d\d)?(?![\d:])")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_FILE = re.compile(rf"(?<![\w/.-])((?:[\w-]+/)*[\w][\w.-]*\.(?:{FILE_EXT}))\b", re.I)
_QUOTED = re.compile(r"\"([^\"]{2,200})\"|“([^”]{2,200})”|(?<![\w])'([^']{2,200})'(?![\w])")
_NUMBER = re.compile(r"(?<![\w.])\$?(-?\d[\d,]*(?:\.\d+)?)(?![\w])")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|\d[\d,.]*|[.;:!?\"]")
_CELL = re.compile(r"\((\d+), (\d+)\): (.*?)\t")


@dataclass
class Facts:
    """Reference -> value, in priority order (earlier references are preferred)."""

    values: dict[str, str] = field(default_factory=dict)

    def add(self, key: str, value: object) -> None:
        text = str(value).strip()
        if text and key not in self.values:
            self.values[key] = text

    def kind(self, prefix: str) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.values.items() if k == prefix or k.startswith(prefix)]

    def get(self, key: str) -> str | None:
        return self.values.get(key)


# --------------------------------------------------------------------------- task text
def norm_time(hour: int, minute: int, half: str | None) -> str | None:
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "p" else 0)
    return f"{hour:02d}:{minute:02d}" if 0 <= hour < 24 else None


def dates_in(text: str, year: int) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for m in _DATE_MDY.finditer(text):
        found.append((m.start(), _safe_date(int(m.group(3)), int(m.group(1)), int(m.group(2)))))
    for m in _DATE_ISO.finditer(text):
        found.append((m.start(), _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    for m in _DATE_LONG.finditer(text):
        found.append((m.start(), _safe_date(int(m.group(3) or year), MONTHS[m.group(1)[:3].lower()], int(m.group(2)))))
    return sorted((p, d) for p, d in found if d)


def _safe_date(year: int, month: int, day: int) -> str:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return ""


def times_in(text: str) -> list[tuple[int, str]]:
    found = []
    for m in _TIME_AMPM.finditer(text):
        value = norm_time(int(m.group(1)), int(m.group(2) or 0), m.group(3))
        if value:
            found.append((m.start(), value))
    taken = {p for p, _ in found}
    for m in _TIME_24.finditer(text):
        if any(abs(m.start() - p) < 3 for p in taken):
            continue
        value = norm_time(int(m.group(1)), int(m.group(2)), None)
        if value:
            found.append((m.start(), value))
    return sorted(found)


def _spans(text: str, patterns: Iterable[re.Pattern[str]]) -> list[tuple[int, int]]:
    return [m.span() for p in patterns for m in p.finditer(text)]


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= position < b for a, b in spans)


def names_in(text: str, known: Iterable[str]) -> list[str]:
    known_set = set(known)
    names = []
    sentence_start = True
    for token in _WORD.findall(text):
        if token in {".", "!", "?", ";", ":"}:
            sentence_start = True
            continue
        word = re.sub(r"'s$", "", token)
        if (word[:1].isupper() and word.isalpha() and word not in NOT_NAMES and (not sentence_start or word in known_set)) or word in known_set:
            names.append(word)
        sentence_start = False
    return list(dict.fromkeys(names))


def phrases_in(text: str) -> list[tuple[str, str]]:
    """(trigger, phrase) pairs: 1-3 lowercase words after a trigger, up to a stop word."""
    tokens = re.findall(r"[A-Za-z][A-Za-z'-]*|[^\sA-Za-z]+", text)
    out = []
    for i, token in enumerate(tokens):
        trigger = token.lower()
        if trigger not in TRIGGERS:
            continue
        words = []
        for nxt in tokens[i + 1 : i + 4]:
            if not re.fullmatch(r"[a-z][a-z'-]*", nxt) or nxt in STOP:
                break
            words.append(nxt)
        if words:
            out.append((trigger, " ".join(words)))
    return out


def task_facts(text: str, username: str, files: Iterable[str] = (), users: Iterable[str] = (),
               year: int = 2024) -> Facts:
    """The entities of a task text (see the module docstring for the kinds)."""
    facts = Facts()
    facts.add("user", username)
    files = list(files)
    emails = [m.group(0) for m in _EMAIL.finditer(text)]
    for i, value in enumerate(dict.fromkeys(emails), 1):
        facts.add(f"email#{i}", value)
    mentioned = list(dict.fromkeys(m.group(1) for m in _FILE.finditer(_EMAIL.sub(" ", text))))
    for i, name in enumerate(mentioned, 1):
        existing = [f for f in files if f == name or f.endswith("/" + name.split("/")[-1])]
        facts.add(f"file#{i}", existing[0] if existing else (name if "/" in name else f"data/{name}"))
    for i, (_, value) in enumerate(_unique(dates_in(text, year)), 1):
        facts.add(f"date#{i}", value)
    for i, (_, value) in enumerate(_unique(times_in(text)), 1):
        facts.add(f"time#{i}", value)
    quoted = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(text)]
    for i, value in enumerate(dict.fromkeys(quoted), 1):
        facts.add(f"quoted#{i}", value.strip())
    for i, value in enumerate(names_in(text, [username, *users]), 1):
        facts.add(f"name#{i}", value)
    counters: dict[str, int] = {}
    for trigger, phrase in phrases_in(_FILE.sub(" , ", _EMAIL.sub(" , ", _QUOTED.sub(" , ", text)))):
        counters[trigger] = counters.get(trigger, 0) + 1
        facts.add(f"phrase:{trigger}#{counters[trigger]}", phrase)
    taken = _spans(text, (_DATE_MDY, _DATE_ISO, _DATE_LONG, _TIME_AMPM, _TIME_24, _EMAIL, _FILE))
    numbers = [m.group(1).replace(",", "") for m in _NUMBER.finditer(text) if not _inside(m.start(1), taken)]
    numbers += [WORD_NUMBERS[w] for w in re.findall(r"\b(" + "|".join(WORD_NUMBERS) + r")\b", text.lower())]
    for i, value in enumerate(dict.fromkeys(n for n in numbers if n.strip("-")), 1):
        facts.add(f"number#{i}", value)
    words = set(re.findall(r"[a-z0-9]+", text.lower()))
    by_ext: dict[str, list[str]] = {}
    for f in files:
        by_ext.setdefault(f.rsplit(".", 1)[-1].lower(), []).append(f)
    for ext, group in by_ext.items():
        ranked = sorted(group, key=lambda f: -len(set(re.findall(r"[a-z0-9]+", f.lower())) & words))
        for i, f in enumerate(ranked[:4], 1):
            facts.add(f"doc:{ext}#{i}", f)
    return facts


def _unique(items: list[tuple[int, str]]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    out = []
    for position, value in items:
        if value not in seen:
            seen.add(value)
            out.append((position, value))
    return out


# --------------------------------------------------------------------------- observations
def fmt_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")


def add_observation_facts(facts: Facts, items: Iterable[tuple[str, str]], year: int = 2024) -> Facts:
    """Extend ``facts`` with what observations show; ``items`` are ``(kind, text)``, oldest first.

    ``kind`` is ``doc`` for the text of a read document (Word, PDF, ``cat``), which yields
    ``{doc}`` and ``{line#i}``; every text is scanned for sheets, email lists, emails and events.
    Later observations win over earlier ones.
    """
    task_refs = [(k, v) for k, v in list(facts.values.items()) if not k.startswith("doc:")]
    found: Facts = Facts()
    for kind, text in reversed(list(items)):  # newest first, so the latest observation wins
        _excel_facts(found, text, task_refs)
        _email_facts(found, text, task_refs, year)
        _event_facts(found, text, facts)
        if kind == "doc":
            body = text.split("\n", 1)[1] if text.startswith("The following is the content") else text
            found.add("doc", body[:2000])
            for i, line in enumerate([ln.strip() for ln in body.splitlines() if ln.strip()][:10], 1):
                found.add(f"line#{i}", line)
    for key, value in found.values.items():
        facts.add(key, value)
    return facts


def _excel_facts(found: Facts, text: str, task_refs: list[tuple[str, str]]) -> None:
    cells = {(int(r), int(c)): v for r, c, v in _CELL.findall(text) if v != "[Empty Cell]" and v.strip()}
    if not cells or "next_row" in found.values:
        return
    found.add("next_row", max(r for r, _ in cells) + 1)
    for ref, value in task_refs:  # relational references first: they transfer to other sheets
        rows = sorted(r for (r, _), v in cells.items() if v.strip().lower() == value.lower())
        if rows:
            found.add(f"row:{ref}", rows[0])
            for (r, c), v in sorted(cells.items()):
                if r == rows[0]:
                    found.add(f"at:{ref}:{c}", v)
    for (r, c), v in sorted(cells.items()):
        found.add(f"cell:{r},{c}", v)
    columns = {c for _, c in cells}
    for c in sorted(columns):
        numbers = []
        for (r, cc), v in cells.items():
            if cc == c and r >= 2:
                with contextlib.suppress(ValueError):
                    numbers.append(float(v.replace(",", "")))
        if numbers:
            found.add(f"sum:{c}", fmt_number(sum(numbers)))


def _email_facts(found: Facts, text: str, task_refs: list[tuple[str, str]], year: int) -> None:
    entries = re.findall(r"Email ID: (.+?)\nFrom: (.*?)\nTo: .*?\nSubject: (.*?)\n", text)
    for mail_id, sender, subject in entries:  # relational references first: they transfer
        for ref, value in task_refs:
            if ref != "user" and len(value) > 1 and (value.lower() in sender.lower() or value.lower() in subject.lower()):
                found.add(f"mail:{ref}", mail_id)
    for i, (mail_id, _, _) in enumerate(entries, 1):
        found.add(f"mail#{i}", mail_id)
    read = re.match(r"From: (.*?)\nTo: .*?\nSubject: (.*?)\nContent: (.*)", text, re.S)
    if read and "Email ID:" not in text:
        sender, subject, body = read.groups()
        found.add("subject", subject)
        found.add("subject_topic", subject.rsplit(": ", 1)[-1])
        found.add("sender", sender.split("@")[0])
        found.add("body", body.strip()[:1000])
        for i, (_, value) in enumerate(_unique(dates_in(body, year)), 1):
            found.add(f"odate#{i}", value)
        for i, (_, value) in enumerate(_unique(times_in(body)), 1):
            found.add(f"otime#{i}", value)
        taken = _spans(body, (_DATE_MDY, _DATE_ISO, _DATE_LONG, _TIME_AMPM, _TIME_24, _EMAIL))
        numbers = [m.group(1).replace(",", "") for m in _NUMBER.finditer(body) if not _inside(m.start(1), taken)]
        for i, value in enumerate(dict.fromkeys(numbers), 1):
            found.add(f"onumber#{i}", value)


def _event_facts(found: Facts, text: str, facts: Facts) -> None:
    events = re.findall(r"Summary: (.*?)\nStart Time: (\S+) (\S+)\n", text)
    if not events:
        return
    ordered = sorted(events, key=lambda e: (e[1], e[2]))
    for ref, value in facts.kind("date#"):
        on_day = [s for s, day, _ in ordered if day == value]
        if on_day:
            found.add(f"first_event_on:{ref}", on_day[0])
            found.add(f"events_on:{ref}", ", ".join(on_day))
    for i, (summary, _, _) in enumerate(ordered, 1):
        found.add(f"event#{i}", summary)


# --------------------------------------------------------------------------- templates
_REF = re.compile(r"\{([a-z_]+(?:[:#][^{}]*)?)\}")


def escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def refs_in(template: str) -> list[str]:
    return _REF.findall(template.replace("{{", "").replace("}}", ""))


def rebind(template: str, facts: Facts | Mapping[str, str]) -> str | None:
    """The template with every reference replaced by its value; None if one is unknown."""
    values = facts.values if isinstance(facts, Facts) else facts
    missing = False

    def swap(match: re.Match[str]) -> str:
        nonlocal missing
        value = values.get(match.group(1))
        if value is None:
            missing = True
            return ""
        return value.replace("{", "\x00").replace("}", "\x01")

    placeholder = template.replace("{{", "\x02").replace("}}", "\x03")
    out = _REF.sub(swap, placeholder)
    if missing:
        return None
    return out.replace("\x02", "{").replace("\x03", "}").replace("\x00", "{").replace("\x01", "}")


ARG_KINDS: dict[str, tuple[str, ...]] = {
    "row_idx": ("row:", "next_row"),
    "column_idx": (),
    "file_path": ("file#", "doc:"),
    "pdf_file_path": ("file#", "doc:"),
    "user": ("user", "name#", "sender", "email#"),
    "username": ("user", "name#", "sender", "email#"),
    "sender": ("user", "name#", "email#"),
    "recipient": ("name#", "sender", "email#", "user"),
    "email_id": ("mail:", "mail#"),
}
EXACT_ONLY = ("row_idx", "column_idx", "file_path", "pdf_file_path", "email_id")
NOT_IN_TEXT = ("row:", "next_row", "mail", "doc:", "line#", "doc", "body")


def _allowed(arg: str, key: str) -> bool:
    if arg in ARG_KINDS:
        return any(key == k or key.startswith(k) for k in ARG_KINDS[arg])
    return not any(key == k or key.startswith(k) for k in NOT_IN_TEXT)


def template(value: object, facts: Facts, arg: str = "") -> str:
    """A reference template for ``value`` (curation): exact facts first, else substrings, else literal."""
    text = str(value)
    candidates = [(k, v) for k, v in facts.values.items() if _allowed(arg, k)]
    for key, fact in candidates:
        if fact == text:
            return "{" + key + "}"
    if arg in EXACT_ONLY:
        return escape(text)
    pieces = sorted((c for c in candidates if len(c[1]) >= 2 and c[1] != text), key=lambda c: -len(c[1]))
    chosen: list[tuple[int, int, str]] = []
    for key, fact in pieces:  # longest facts first, non-overlapping, at word boundaries
        for m in re.finditer(r"(?<!\w)" + re.escape(fact) + r"(?!\w)", text):
            if all(m.end() <= a or m.start() >= b for a, b, _ in chosen):
                chosen.append((m.start(), m.end(), key))
    if not chosen:
        return escape(text)
    out, last = [], 0
    for start, end, key in sorted(chosen):
        out.append(escape(text[last:start]) + "{" + key + "}")
        last = end
    return "".join(out) + escape(text[last:])


MASKS = {"date": "a date", "time": "a time", "quoted": "some text", "name": "someone", "user": "someone",
         "number": "a number", "email": "an address"}
_FILE_KINDS = (("xlsx", "a spreadsheet"), ("docx", "a Word document"), ("doc", "a Word document"),
               ("pdf", "a PDF file"), ("txt", "a text file"), ("ics", "a calendar file"), ("eml", "an email file"))


def mask_entities(text: str, username: str) -> str:
    """The text with its particulars replaced by their kind ("someone", "a date", "a spreadsheet"...).

    Retrieval keys on this form, so that similar procedures match whatever their names, dates
    and values (reconstructed; the paper embeds the raw descriptions; ``mask_entities=False``).
    """
    names = [v for k, v in task_facts(text, username).values.items() if k == "user" or k.startswith("name#")]
    out = text
    for ext, kind in _FILE_KINDS:
        out = re.sub(rf"(?<![\w/.-])(?:[\w-]+/)*[\w][\w.-]*\.{ext}\b", kind, out, flags=re.I)
    out = _EMAIL.sub("an address", out)
    out = _QUOTED.sub('"some text"', out)
    out = _DATE_MDY.sub("a date", _DATE_ISO.sub("a date", _DATE_LONG.sub("a date", out)))
    out = _TIME_24.sub("a time", _TIME_AMPM.sub("a time ", out)).replace("a time  ", "a time ")
    out = _NUMBER.sub("a number", out)
    for name in sorted(set(names), key=len, reverse=True):
        out = re.sub(r"(?<!\w)" + re.escape(name) + r"(?!\w)", "someone", out)
    return re.sub(r"\s+([.,;:])", r"\1", out).strip()
