"""OfficeBench's nine evaluation predicates, reimplemented with their exact semantics.

Reference: zlwang-cs/OfficeBench ``utils/evaluate.py`` and ``evaluation.py`` (Apache-2.0).
Paths are relative to the final testbed. ``../../../../X`` means ``<task_dir>/X``, and
``../../../../cache/<k>/testbed/P`` means the pristine seed file ``<task_dir>/testbed/P``;
any other path that leaves the testbed (or the task directory) is refused.

Quirks kept on purpose (they decide scores):

* ``contain``: content and keywords are lowercased; once a keyword parses as a number
  (Python ``float``), commas are removed from the content and stay removed for later keywords;
* ``not_contain`` is ``not contain``, so a missing file passes;
* ``excel_cell_value`` is a substring test on ``"(row, col): value"``, so ``100`` matches ``1000``;
* ``diff_contain_text`` fails on identical dumps, and its keywords are case-sensitive.

Intended behaviour where the original is broken (documented in docs/legomem.md): the email
account fallback of ``contain`` (a loop over the characters of a path) is replaced by a
case-insensitive substring match on account names; ``doc`` dumps for ``diff``/``exact_match``
compare the paragraphs' text (the original compares ``Paragraph`` objects, which never match);
the comparator is parsed into a whitelisted lambda and never ``eval``-ed.

A subtask passes iff every predicate holds; an exception inside a predicate is a failure,
recorded as an ``evaluator_error``.
"""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import itertools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentzoo.envs.office import docs

PREDICATES = (
    "evaluate_contain",
    "evaluate_not_contain",
    "evaluate_file_exist",
    "evaluate_file_not_exist",
    "evaluate_excel_cell_value",
    "evaluate_excel_cell_comparator",
    "evaluate_calendar_no_overlap",
    "evaluate_exact_match",
    "evaluate_diff_contain_text",
)
REQUIRED_ARGS: dict[str, tuple[str, ...]] = {
    "evaluate_contain": ("doc_type", "keywords"),
    "evaluate_not_contain": ("doc_type", "keywords"),
    "evaluate_file_exist": ("file",),
    "evaluate_file_not_exist": ("file",),
    "evaluate_excel_cell_value": ("file", "matches"),
    "evaluate_excel_cell_comparator": ("file", "matches"),
    "evaluate_calendar_no_overlap": ("username",),
    "evaluate_exact_match": ("doc_type", "result_file", "expected_file"),
    "evaluate_diff_contain_text": ("doc_type", "input_file", "output_file", "keywords"),
}
UP = "../../../../"


class EvaluatorError(RuntimeError):
    """A predicate could not be evaluated (bad path, bad comparator, unreadable file)."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of one predicate."""

    function: str
    passed: bool
    error: str = ""
    """Non-empty when the predicate raised (an ``evaluator_error``; it counts as a failure)."""


# --------------------------------------------------------------------------- paths
def resolve(testbed: Path, task_dir: Path | None, path: str) -> Path:
    """Map a predicate's path to a file, refusing anything outside the testbed / task dir."""
    if not isinstance(path, str) or not path:
        raise EvaluatorError(f"path must be a non-empty string, got {path!r}")
    testbed = Path(testbed).resolve()
    if path.startswith(UP):
        if task_dir is None:
            raise EvaluatorError(f"{path!r} refers to the task directory, which is unknown here")
        root = Path(task_dir).resolve()
        rest = path[len(UP):]
        cached = re.match(r"cache/[^/]+/testbed/(.+)", rest)
        target = (root / "testbed" / cached.group(1)) if cached else (root / rest)
    else:
        root = testbed
        target = testbed / path
    target = target.resolve()
    if not target.is_relative_to(root):
        raise EvaluatorError(f"path {path!r} leaves {'the task directory' if root != testbed else 'the testbed'}")
    return target


# --------------------------------------------------------------------------- contain
def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def contain_text(content: str, keywords: list[Any]) -> bool:
    """Lowercased substring test; commas are stripped from the first numeric keyword on."""
    content = content.lower()
    for keyword in keywords:
        keyword = str(keyword).lower()
        if _is_number(keyword):
            content = content.replace(",", "")
        if keyword not in content:
            return False
    return True


def email_account(testbed: Path, username: str) -> str | None:
    """The user's email folder: exact, lowercase, else the first folder containing the name."""
    root = Path(testbed) / "emails"
    if (root / username).is_dir():
        return username
    if (root / username.lower()).is_dir():
        return username.lower()
    if root.is_dir():
        for folder in sorted(p.name for p in root.iterdir() if p.is_dir()):
            if username.lower() in folder.lower():
                return folder
    return None


def evaluate_contain(testbed: Path, args: Mapping[str, Any], task_dir: Path | None = None) -> bool:
    doc_type = args["doc_type"]
    if doc_type == "email":
        account = email_account(testbed, str(args["username"]))
        content = docs.email_listing(testbed, account) if account else ""
        return contain_text(content, list(args["keywords"]))
    path = resolve(testbed, task_dir, args["file"])
    if not path.is_file():
        return False
    return contain_text(docs.dump(path, doc_type), list(args["keywords"]))


def evaluate_not_contain(testbed: Path, args: Mapping[str, Any], task_dir: Path | None = None) -> bool:
    return not evaluate_contain(testbed, args, task_dir)


def evaluate_file_exist(testbed: Path, args: Mapping[str, Any], task_dir: Path | None = None) -> bool:
    return resolve(testbed, task_dir, args["file"]).exists()


def evaluate_file_not_exist(testbed: Path, args: Mapping[str, Any], task_dir: Path | None = None) -> bool:
    return not resolve(testbed, task_dir, args["file"]).exists()


# --------------------------------------------------------------------------- excel
def evaluate_excel_cell_value(testbed: Path, args: Mapping[str, Any], task_dir: Path | None = None) -> bool:
    path = resolve(testbed, task_dir, args["file"])
    if not path.exists():
        return False
    content = docs.excel_dump(path)
    return all(f"({m['row']}, {m['col']}): {m['value']}" in content for m in args["matches"])


def evaluate_excel_cell_comparator(testbed: Path, args: Mapping[str, Any], task_dir: Path | None = None) -> bool:
    path = resolve(testbed, task_dir, args["file"])
    content = docs.excel_dump(path)  # a missing file raises, as in the original
    for match in args["matches"]:
        check = compile_comparator(str(match["comparator"]))
        found = re.search(rf"\({re.escape(str(match['row']))}, {re.escape(str(match['col']))}\): (\w+)\t", content)
        if not found or not check(found.group(1)):
            return False
    return True


_CALLS: dict[str, Callable[[Any], Any]] = {"int": int, "float": float, "len": len, "str": str}
_COMPARE: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}


def compile_comparator(source: str) -> Callable[[str], bool]:
    """Parse ``lambda x: ...`` into a checked one-argument function, without ``eval``.

    Allowed: comparisons (``== != < <= > >= in not in``), ``and``/``or``/``not``, unary minus,
    constants, literal lists/tuples/sets, the argument, and ``int``/``float``/``len``/``str`` of
    an allowed expression. Anything else (attributes, other calls, subscripts, imports,
    comprehensions) is an :class:`EvaluatorError`, and nothing is executed.
    """
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise EvaluatorError(f"comparator is not a Python expression: {exc.msg}") from exc
    lam = tree.body
    if not isinstance(lam, ast.Lambda) or len(lam.args.args) != 1 or lam.args.vararg or lam.args.kwarg \
            or lam.args.kwonlyargs or lam.args.defaults or lam.args.posonlyargs:
        raise EvaluatorError("comparator must be a one-argument lambda")
    name = lam.args.args[0].arg
    _check(lam.body, name)
    body = lam.body

    def check(value: str) -> bool:
        try:
            return bool(_eval(body, name, value))
        except (TypeError, ValueError) as exc:
            raise EvaluatorError(f"comparator failed on {value!r}: {exc}") from exc

    return check


def _check(node: ast.AST, name: str) -> None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int | float | bool | type(None)):
        return
    if isinstance(node, ast.Name) and node.id == name:
        return
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        for element in node.elts:
            _check(element, name)
        return
    if isinstance(node, ast.Compare) and all(type(op) in _COMPARE for op in node.ops):
        for part in [node.left, *node.comparators]:
            _check(part, name)
        return
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, name)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
        _check(node.operand, name)
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CALLS \
            and len(node.args) == 1 and not node.keywords:
        _check(node.args[0], name)
        return
    raise EvaluatorError(f"comparator uses a forbidden construct: {ast.dump(node)[:80]}")


def _eval(node: ast.AST, name: str, value: str) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return value
    if isinstance(node, ast.List):
        return [_eval(e, name, value) for e in node.elts]
    if isinstance(node, ast.Tuple):
        return tuple(_eval(e, name, value) for e in node.elts)
    if isinstance(node, ast.Set):
        return {_eval(e, name, value) for e in node.elts}
    if isinstance(node, ast.Compare):
        left = _eval(node.left, name, value)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, name, value)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            result: Any = True
            for part in node.values:
                result = _eval(part, name, value)
                if not result:
                    return result
            return result
        result = False
        for part in node.values:
            result = _eval(part, name, value)
            if result:
                return result
        return result
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, name, value)
        return (not operand) if isinstance(node.op, ast.Not) else -operand
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _CALLS[node.func.id](_eval(node.args[0], name, value))
    raise EvaluatorError("unreachable: unchecked comparator node")  # pragma: no cover


# --------------------------------------------------------------------------- calendar
def _as_utc(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    raise EvaluatorError(f"event time {value!r} is not a date-time (all-day events fail, as in the original)")


def evaluate_calendar_no_overlap(testbed: Path, args: Mapping[str, Any], task_dir: Path | None = None) -> bool:
    import icalendar

    path = resolve(testbed, task_dir, f"calendar/{args['username']}.ics")
    try:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise EvaluatorError(f"cannot read {path.name}: {exc}") from exc
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    for event in events:
        if event.get("dtstart") is None or event.get("dtend") is None:
            raise EvaluatorError(f"event {event.get('summary')!r} lacks DTSTART or DTEND")
    events.sort(key=lambda e: _as_utc(e.get("dtstart").dt))  # stable, naive times taken as UTC
    for current, following in itertools.pairwise(events):
        if _as_utc(current.get("dtend").dt) > _as_utc(following.get("dtstart").dt):
            return False
    return True


# --------------------------------------------------------------------------- diff, exact
def evaluate_exact_match(testbed: Path, args: Mapping[str, Any], task_dir: Path | None = None) -> bool:
    result = resolve(testbed, task_dir, args["result_file"])
    if not result.exists():
        return False
    expected = resolve(testbed, task_dir, args["expected_file"])
    if args["doc_type"] != "xlsx":
        return docs.dump(result, args["doc_type"]) == docs.dump(expected, args["doc_type"])
    mine, theirs = docs.excel_cells(result), docs.excel_cells(expected)
    return all(theirs.get(k) == v for k, v in mine.items()) and all(mine.get(k) == v for k, v in theirs.items())


def evaluate_diff_contain_text(testbed: Path, args: Mapping[str, Any], task_dir: Path | None = None) -> bool:
    if args["doc_type"] not in {"xlsx", "doc"}:
        raise EvaluatorError(f"diff_contain_text supports xlsx and doc, not {args['doc_type']!r}")
    before = docs.dump(resolve(testbed, task_dir, args["input_file"]), args["doc_type"])
    after = docs.dump(resolve(testbed, task_dir, args["output_file"]), args["doc_type"])
    if before == after:
        return False
    diff = "\n".join(difflib.unified_diff(before.split("\n"), after.split("\n"), n=0))
    return all(str(keyword) in diff for keyword in args["keywords"])


FUNCTIONS: dict[str, Callable[[Path, Mapping[str, Any], Path | None], bool]] = {
    "evaluate_contain": evaluate_contain,
    "evaluate_not_contain": evaluate_not_contain,
    "evaluate_file_exist": evaluate_file_exist,
    "evaluate_file_not_exist": evaluate_file_not_exist,
    "evaluate_excel_cell_value": evaluate_excel_cell_value,
    "evaluate_excel_cell_comparator": evaluate_excel_cell_comparator,
    "evaluate_calendar_no_overlap": evaluate_calendar_no_overlap,
    "evaluate_exact_match": evaluate_exact_match,
    "evaluate_diff_contain_text": evaluate_diff_contain_text,
}


def check_predicate(function: Any, args: Any) -> str:
    """Why a predicate spec is malformed ('' when it is well formed)."""
    if function not in FUNCTIONS:
        return f"unknown predicate {function!r}"
    if not isinstance(args, Mapping):
        return f"{function}: args must be an object"
    missing = [a for a in REQUIRED_ARGS[function] if a not in args]
    if function in {"evaluate_contain", "evaluate_not_contain"} and "file" not in args and "username" not in args:
        missing.append("file or username")
    return f"{function}: missing {', '.join(missing)}" if missing else ""


def evaluate_predicate(testbed: Path, function: str, args: Mapping[str, Any], task_dir: Path | None = None) -> Verdict:
    """One predicate's verdict; any exception becomes a failing verdict with its message."""
    problem = check_predicate(function, args)
    if problem:
        return Verdict(function, False, problem)
    try:
        return Verdict(function, bool(FUNCTIONS[function](Path(testbed), args, task_dir)))
    except (EvaluatorError, docs.DocumentError, KeyError, TypeError, ValueError, OSError) as exc:
        return Verdict(function, False, f"{type(exc).__name__}: {exc}")
