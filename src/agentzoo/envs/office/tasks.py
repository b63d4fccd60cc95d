"""Loading OfficeBench-format task folders, and deciding which subtasks can run offline.

A suite is a folder of task directories ``<n_apps>-<id>/`` each holding ``subtasks/<k>.json``,
an optional ``testbed/`` (documents, ``emails/<user>/*.eml``, ``calendar/<user>.ics``), an
optional ``reference/`` and, for agentzoo's generated tasks, ``meta.json`` (family, gold
program, gold plan). A subtask file that cannot be used (bad JSON, missing fields, an unknown
or malformed predicate) is loaded with ``status="invalid"`` and a reason; loading never stops
at one bad file.

:func:`classify` marks a subtask ``unsupported`` offline when (a) a predicate targets a
``.pdf/.jpg/.jpeg/.png`` file absent from the seed testbed (a conversion must make it),
(b) it needs OCR (it names an image, says image/picture/photo/scan/ocr, or its only seed
documents are images), or (c) it asks for a conversion to or from PDF.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentzoo.envs.office.evaluate import check_predicate

FIELDS = ("username", "date", "weekday", "time", "task", "evaluation")
FILE_ARGS = ("file", "result_file", "output_file")
CONVERTED = (".pdf", ".jpg", ".jpeg", ".png")
IMAGES = (".jpg", ".jpeg", ".png")
_OCR_WORDS = re.compile(r"\b(images?|pictures?|photos?|scan|scanned|scans|ocr|handwritten)\b", re.I)
_IMAGE_NAME = re.compile(r"\.(jpe?g|png)\b", re.I)
_PDF_CONVERSION = re.compile(r"\bconvert\w*\b[^.]*\bpdf\b|\bpdf\b[^.]*\bconvert\w*\b|\bpdf version\b", re.I)


class SuiteError(RuntimeError):
    """A suite folder cannot be used at all (missing, empty)."""


@dataclass(frozen=True)
class Predicate:
    """One evaluation item: an OfficeBench predicate name and its arguments."""

    function: str
    args: Mapping[str, Any]


@dataclass(frozen=True)
class Subtask:
    """One evaluation unit of a task directory."""

    task_id: str
    """The task directory's name, e.g. ``1-4``."""
    index: int
    """The subtask number ``k`` of ``subtasks/<k>.json``."""
    task_dir: Path
    username: str = ""
    date: str = ""
    weekday: str = ""
    time: str = ""
    task: str = ""
    evaluation: tuple[Predicate, ...] = ()
    n_apps: int = 0
    """1, 2 or 3 (from the directory name or meta.json); 0 when unknown."""
    status: str = "ok"
    """``ok`` or ``invalid`` (then ``reason`` says why)."""
    reason: str = ""
    meta: Mapping[str, Any] = field(default_factory=dict)
    """meta.json of generated tasks (family, gold program and plan); empty for OfficeBench."""

    @property
    def uid(self) -> str:
        return f"{self.task_id}/{self.index}"

    @property
    def family(self) -> str:
        return str(self.meta.get("family", ""))

    @property
    def now(self) -> dt.datetime:
        """The subtask's "now" (its date and time), never the machine clock."""
        return parse_now(self.date, self.time)

    @property
    def testbed(self) -> Path:
        return self.task_dir / "testbed"


@dataclass(frozen=True)
class Support:
    runnable: bool
    reasons: tuple[str, ...] = ()


def parse_now(date: str, time: str) -> dt.datetime:
    day = dt.datetime.strptime(date.strip(), "%Y-%m-%d").date()
    clock = time.strip().upper().replace(".", "")
    for fmt in ("%I:%M %p", "%I:%M%p", "%H:%M"):
        try:
            return dt.datetime.combine(day, dt.datetime.strptime(clock, fmt).time())
        except ValueError:
            continue
    raise ValueError(f"time {time!r} is not like '10:00 AM'")


def _n_apps(task_dir: Path, meta: Mapping[str, Any]) -> int:
    if "n_apps" in meta:
        return int(meta["n_apps"])
    found = re.match(r"(\d+)-", task_dir.name)
    return int(found.group(1)) if found else 0


def load_subtask(path: Path, task_dir: Path, meta: Mapping[str, Any] | None = None) -> Subtask:
    """Parse one ``subtasks/<k>.json``; problems give an ``invalid`` subtask with a reason."""
    meta = dict(meta or {})
    index = int(path.stem) if path.stem.isdigit() else -1
    base = Subtask(task_dir.name, index, task_dir, n_apps=_n_apps(task_dir, meta), meta=meta)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _invalid(base, f"{path.name}: not valid JSON ({exc})")
    if index < 0:
        return _invalid(base, f"{path.name}: subtask files are named <k>.json")
    if not isinstance(data, dict):
        return _invalid(base, f"{path.name}: expected a JSON object")
    missing = [f for f in FIELDS if f not in data]
    if missing:
        return _invalid(base, f"{path.name}: missing {', '.join(missing)}")
    items = data["evaluation"]
    if not isinstance(items, list) or not items:
        return _invalid(base, f"{path.name}: 'evaluation' must be a non-empty list")
    predicates = []
    problems = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(f"item {i} is not an object")
            continue
        problem = check_predicate(item.get("function"), item.get("args"))
        if problem:
            problems.append(f"item {i}: {problem}")
        predicates.append(Predicate(str(item.get("function")), dict(item.get("args") or {})))
    filled = Subtask(
        base.task_id, index, task_dir, str(data["username"]), str(data["date"]), str(data["weekday"]),
        str(data["time"]), str(data["task"]), tuple(predicates), base.n_apps, meta=meta,
    )
    if problems:
        return _invalid(filled, f"{path.name}: " + "; ".join(problems))
    try:
        filled.now  # noqa: B018 - validates date and time
    except ValueError as exc:
        return _invalid(filled, f"{path.name}: {exc}")
    return filled


def _invalid(subtask: Subtask, reason: str) -> Subtask:
    return Subtask(subtask.task_id, subtask.index, subtask.task_dir, subtask.username, subtask.date,
                   subtask.weekday, subtask.time, subtask.task, subtask.evaluation, subtask.n_apps,
                   "invalid", reason, subtask.meta)


def load_task_dir(task_dir: Path) -> list[Subtask]:
    """Every subtask of one task directory, sorted by index."""
    task_dir = Path(task_dir)
    meta: dict[str, Any] = {}
    meta_path = task_dir / "meta.json"
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            bad = Subtask(task_dir.name, 0, task_dir)
            return [_invalid(bad, f"meta.json: not valid JSON ({exc})")]
    files = sorted((task_dir / "subtasks").glob("*.json"), key=lambda p: (not p.stem.isdigit(), p.stem.zfill(6)))
    if not files:
        return [_invalid(Subtask(task_dir.name, 0, task_dir), "no subtasks/*.json")]
    return [load_subtask(path, task_dir, meta) for path in files]


def _sort_key(name: str) -> tuple[Any, ...]:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[-_]", name))


def load_suite(root: Path) -> list[Subtask]:
    """Every subtask of every task directory under ``root`` (invalid ones included, marked)."""
    root = Path(root)
    if not root.is_dir():
        raise SuiteError(f"{root} is not a folder of OfficeBench-format task directories")
    task_dirs = sorted((p for p in root.iterdir() if p.is_dir() and (p / "subtasks").is_dir()),
                       key=lambda p: _sort_key(p.name))
    if not task_dirs:
        raise SuiteError(f"{root} holds no task directories (each needs a subtasks/ folder)")
    return [s for d in task_dirs for s in load_task_dir(d)]


def seed_files(task_dir: Path) -> list[str]:
    """The files of the pristine testbed, relative to it."""
    testbed = Path(task_dir) / "testbed"
    if not testbed.is_dir():
        return []
    return sorted(str(p.relative_to(testbed)) for p in testbed.rglob("*") if p.is_file())


def _norm(path: str) -> str:
    return re.sub(r"^(\./)+", "", str(path))


def classify(subtask: Subtask) -> Support:
    """Whether the subtask can run offline, with reason codes when it cannot."""
    if subtask.status != "ok":
        return Support(False, ("invalid",))
    seeds = set(seed_files(subtask.task_dir))
    reasons = []
    for predicate in subtask.evaluation:
        for key in FILE_ARGS:
            target = predicate.args.get(key)
            if isinstance(target, str) and target.lower().endswith(CONVERTED) and _norm(target) not in seeds:
                reasons.append("conversion_output")
    documents = [f for f in seeds if f.startswith("data/")]
    only_images = bool(documents) and all(f.lower().endswith(IMAGES) for f in documents) \
        and not any(f.startswith(("emails/", "calendar/")) for f in seeds)
    if _OCR_WORDS.search(subtask.task) or _IMAGE_NAME.search(subtask.task) or only_images:
        reasons.append("ocr")
    if _PDF_CONVERSION.search(subtask.task):
        reasons.append("pdf_conversion")
    unique = tuple(dict.fromkeys(reasons))
    return Support(not unique, unique)


def predicate_counts(subtasks: Iterable[Subtask]) -> Counter[str]:
    """How often each predicate (and each ``contain`` doc type) occurs."""
    counts: Counter[str] = Counter()
    for subtask in subtasks:
        for predicate in subtask.evaluation:
            name = predicate.function.removeprefix("evaluate_")
            counts[name] += 1
            if name == "contain":
                counts[f"contain:{predicate.args.get('doc_type')}"] += 1
    return counts


def make_testbed(subtask: Subtask, destination: Path) -> Path:
    """A fresh copy of the subtask's seed testbed at ``destination`` (empty when it has none)."""
    destination = Path(destination)
    if destination.exists():
        shutil.rmtree(destination)
    if subtask.testbed.is_dir():
        shutil.copytree(subtask.testbed, destination)
    else:
        destination.mkdir(parents=True)
    return destination
