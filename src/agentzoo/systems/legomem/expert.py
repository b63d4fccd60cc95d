"""Scripted experts that record successful trajectories on a training split (the memory source).

* Generated tasks carry a gold program and plan in ``meta.json`` (:func:`gold_program`).
* OfficeBench tasks have none, so :func:`predicate_program` is a privileged expert: it reads the
  subtask's evaluation predicates and writes actions that satisfy them (events holding the
  keywords, emails to the checked accounts, cells with the checked values, ...), preceded by
  reads of the documents the task names. It only ever runs on the train split, and only its
  trajectories that the evaluator passes become memory. It is a demonstrator, not an agent.

:func:`execute_program` runs a program on a fresh testbed and records the trajectory exactly
as the team's runs are recorded (results condensed the same way).
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agentzoo.envs.office import Office, Subtask, evaluate_subtask
from agentzoo.envs.office.docs import DocumentError, excel_cells
from agentzoo.envs.office.evaluate import EvaluatorError, compile_comparator, resolve
from agentzoo.envs.office.tasks import seed_files
from agentzoo.systems.legomem.facts import Facts
from agentzoo.systems.legomem.trace import Delegation, Step, Trajectory, result_line

Program = list[tuple[str, str, list[dict[str, Any]]]]
"""Delegations: (agent, description, action dicts)."""


def gold_program(subtask: Subtask) -> Program:
    """The generated task's gold program, one delegation per plan step."""
    plan = list(subtask.meta.get("plan", []))
    program: Program = []
    for step in subtask.meta.get("gold", []):
        agent = step["agent"]
        if not program or program[-1][0] != agent:
            description = plan[len(program)]["description"] if len(program) < len(plan) else ""
            program.append((agent, description, []))
        program[-1][2].append(dict(step["action"]))
    return program


def execute_program(subtask: Subtask, program: Program, office: Office, facts: Facts,
                    result_chars: int = 800) -> Trajectory:
    """Run ``program`` in ``office`` and record it as a trajectory."""
    trajectory = Trajectory(subtask.uid, subtask.task, subtask.username, finished=True)
    for agent, description, actions in program:
        delegation = Delegation(agent, description or subtask.task)
        for action in actions:
            observation = office.execute(action)
            delegation.steps.append(Step(dict(action), observation.text, observation.kind, "expert"))
        delegation.result = result_line(delegation.steps, facts, result_chars)
        trajectory.delegations.append(delegation)
    return trajectory


# --------------------------------------------------------------------------- predicate expert
def _when(keyword: str) -> dt.datetime | None:
    found = re.match(r"DT(?:START|END):(\d{8})(?:T(\d{6}))?", keyword)
    if not found:
        return None
    return dt.datetime.strptime(found.group(1) + (found.group(2) or "090000"), "%Y%m%d%H%M%S")


def _norm(path: str) -> str:
    return re.sub(r"^(\./)+", "", path)


class _Planner:
    def __init__(self, subtask: Subtask, facts: Facts) -> None:
        self.subtask = subtask
        self.facts = facts
        self.seeds = set(seed_files(subtask.task_dir))
        self.created: set[str] = set()
        self.actions: list[tuple[str, dict[str, Any]]] = []
        self.events: dict[str, list[str]] = {}
        self.no_overlap: set[str] = set()

    def add(self, app: str, action: str, **args: Any) -> None:
        self.actions.append((app, {"app": app, "action": action, **args}))

    def exists(self, path: str) -> bool:
        return _norm(path) in self.seeds or _norm(path) in self.created

    def ensure(self, path: str) -> None:
        path = _norm(path)
        if self.exists(path):
            return
        if path.endswith(".xlsx"):
            self.add("excel", "create_new_file", file_path=path)
        elif path.endswith((".docx", ".doc")):
            self.add("word", "create_new_file", file_path=path)
        else:
            self.add("shell", "command", command=f"mkdir -p {shlex.quote(str(Path(path).parent))} && touch {shlex.quote(path)}")
        self.created.add(path)

    def reads(self) -> None:
        words = set(re.findall(r"[a-z0-9]+", self.subtask.task.lower()))
        documents = [f for f in sorted(self.seeds) if f.startswith("data/") and f.endswith((".xlsx", ".docx", ".pdf", ".txt"))]
        ranked = sorted(documents, key=lambda f: -len(set(re.findall(r"[a-z0-9]+", f.lower())) & words))
        for path in ranked[:2] if len(ranked) > 1 else ranked:
            app = {"xlsx": "excel", "docx": "word", "pdf": "pdf", "txt": "shell"}[path.rsplit(".", 1)[1]]
            if app == "pdf":
                self.add("pdf", "read_file", pdf_file_path=path)
            elif app == "shell":
                self.add("shell", "command", command=f"cat {shlex.quote(path)}")
            else:
                self.add(app, "read_file", file_path=path)
        if any(f.startswith(f"emails/{self.subtask.username}/") for f in self.seeds) and "email" in words:
            self.add("email", "list_emails", username=self.subtask.username)
        calendars = sorted({Path(f).stem for f in self.seeds if f.startswith("calendar/")})
        for name in calendars[:2]:
            self.add("calendar", "list_events", username=name)

    def predicate(self, function: str, args: dict[str, Any]) -> None:
        name = function.removeprefix("evaluate_")
        if name == "contain":
            self.contain(args)
        elif name == "file_exist":
            self.file_exist(_norm(str(args["file"])))
        elif name == "file_not_exist" and self.exists(str(args["file"])):
            self.add("shell", "command", command=f"rm -f {shlex.quote(_norm(str(args['file'])))}")
        elif name == "excel_cell_value":
            self.ensure(str(args["file"]))
            for m in args["matches"]:
                self.add("excel", "set_cell", file_path=_norm(str(args["file"])), row_idx=int(m["row"]),
                         column_idx=int(m["col"]), text=str(m["value"]))
        elif name == "excel_cell_comparator":
            self.ensure(str(args["file"]))
            for m in args["matches"]:
                check = compile_comparator(str(m["comparator"]))
                value = next((v for v in ("1", "2", "3", "4", "5", "Y", "0") if _safe(check, v)), "1")
                self.add("excel", "set_cell", file_path=_norm(str(args["file"])), row_idx=int(m["row"]),
                         column_idx=int(m["col"]), text=value)
        elif name == "calendar_no_overlap":
            self.no_overlap.add(str(args["username"]))
        elif name == "exact_match" and args.get("doc_type") == "xlsx":
            self.exact_match(args)
        elif name == "diff_contain_text" and args.get("doc_type") == "xlsx":
            self.diff(args)

    def contain(self, args: dict[str, Any]) -> None:
        keywords = [str(k) for k in args["keywords"]]
        if args["doc_type"] == "email":
            self.add("email", "send_email", sender=self.subtask.username, recipient=str(args["username"]),
                     subject=keywords[0], content=" ".join(keywords))
            return
        path = _norm(str(args["file"]))
        if path.startswith("calendar/") and path.endswith(".ics"):
            self.events.setdefault(Path(path).stem, []).extend(keywords)
        elif path.endswith((".docx", ".doc")):
            self.ensure(path)
            self.add("word", "write_to_file", file_path=path, contents=" ".join(keywords))
        elif path.endswith(".xlsx"):
            self.ensure(path)
            for row, keyword in enumerate(keywords, 1):
                self.add("excel", "set_cell", file_path=path, row_idx=row, column_idx=1, text=keyword)
        elif not path.endswith(".pdf"):
            self.created.add(path)
            self.add("shell", "command", command=f"mkdir -p {shlex.quote(str(Path(path).parent))} && "
                     f"echo {shlex.quote(' '.join(keywords))} >> {shlex.quote(path)}")

    def file_exist(self, path: str) -> None:
        if self.exists(path):
            return
        same = [f for f in sorted(self.seeds) if f.rsplit(".", 1)[-1] == path.rsplit(".", 1)[-1] and f.startswith("data/")]
        text = self.subtask.task.lower()
        if same and re.search(r"\b(rename|name|move)\b", text):
            self.add("shell", "command", command=f"mkdir -p {shlex.quote(str(Path(path).parent))} && "
                     f"mv {shlex.quote(same[0])} {shlex.quote(path)}")
            self.created.add(path)
        elif same and re.search(r"\b(duplicate|copy)\b", text):
            self.add("shell", "command", command=f"cp {shlex.quote(same[0])} {shlex.quote(path)}")
            self.created.add(path)
        elif path.startswith("calendar/") and path.endswith(".ics"):
            self.events.setdefault(Path(path).stem, [])
        elif re.match(r"emails/[^/]+/[^/]+\.eml$", path):
            self.add("email", "send_email", sender=self.subtask.username, recipient=path.split("/")[1],
                     subject=Path(path).stem, content=self.subtask.task)
            self.created.add(path)
        elif not path.endswith((".pdf", ".jpg", ".jpeg", ".png")):
            self.ensure(path)

    def exact_match(self, args: dict[str, Any]) -> None:
        try:
            expected = excel_cells(resolve(self.subtask.testbed, self.subtask.task_dir, str(args["expected_file"])))
            result_path = _norm(str(args["result_file"]))
            current = excel_cells(self.subtask.testbed / result_path) if result_path in self.seeds else {}
        except (DocumentError, EvaluatorError, OSError):
            return
        self.ensure(result_path)
        for (row, col), value in sorted(expected.items()):
            if current.get((row, col)) != value:
                self.add("excel", "set_cell", file_path=result_path, row_idx=row, column_idx=col, text=str(value))
        for (row, col) in sorted(set(current) - set(expected)):
            self.add("excel", "delete_cell", file_path=result_path, row_idx=row, column_idx=col)

    def diff(self, args: dict[str, Any]) -> None:
        path = _norm(str(args["output_file"]))
        if path not in self.seeds:
            return
        try:
            cells = excel_cells(self.subtask.testbed / path)
        except DocumentError:
            return
        keywords = [str(k) for k in args["keywords"]]
        rows = sorted({r for (r, _), v in cells.items() if str(v) in keywords})
        for row in rows:
            for (r, c) in sorted(cells):
                if r == row:
                    self.add("excel", "delete_cell", file_path=path, row_idx=r, column_idx=c)

    def schedule(self) -> None:
        for name, keywords in self.events.items():
            starts = [w for k in keywords if k.startswith("DTSTART") and (w := _when(k))]
            ends = [w for k in keywords if k.startswith("DTEND") and (w := _when(k))]
            words = [k for k in keywords if not k.startswith(("DTSTART", "DTEND"))] or ["meeting"]
            day = dt.date.fromisoformat(self.facts.get("date#1") or (self.subtask.now + dt.timedelta(days=1)).date().isoformat())
            start = starts[0] if starts else dt.datetime.combine(day, dt.time(9))
            end = ends[0] if ends else start + dt.timedelta(hours=1)
            if name in self.no_overlap or self.no_overlap:
                start, end = self.free_slot(start, end - start)
            self.add("calendar", "create_event", user=name, summary=" ".join(words),
                     time_start=f"{start:%Y-%m-%d %H:%M:%S}", time_end=f"{end:%Y-%m-%d %H:%M:%S}")

    def free_slot(self, start: dt.datetime, length: dt.timedelta) -> tuple[dt.datetime, dt.datetime]:
        import icalendar

        busy = []
        for user in self.no_overlap | set(self.events):
            path = self.subtask.testbed / "calendar" / f"{user}.ics"
            if not path.is_file():
                continue
            try:
                for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
                    a, b = event.get("dtstart").dt, event.get("dtend").dt
                    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
                        busy.append((a.replace(tzinfo=None), b.replace(tzinfo=None)))
            except (ValueError, AttributeError):
                continue
        candidate = dt.datetime.combine(start.date(), dt.time(8))
        while candidate.hour < 21:
            if all(candidate + length <= a or candidate >= b for a, b in busy):
                return candidate, candidate + length
            candidate += dt.timedelta(minutes=30)
        return start, start + length


def _safe(check: Any, value: str) -> bool:
    try:
        return bool(check(value))
    except EvaluatorError:
        return False


def predicate_program(subtask: Subtask, facts: Facts) -> Program:
    """A privileged program that satisfies the subtask's predicates (see the module docstring)."""
    planner = _Planner(subtask, facts)
    planner.reads()
    for predicate in subtask.evaluation:
        try:
            planner.predicate(predicate.function, dict(predicate.args))
        except (KeyError, ValueError, TypeError, EvaluatorError):
            continue
    planner.schedule()
    order = {"excel": 0, "word": 1, "pdf": 0, "calendar": 2, "email": 3, "shell": 4}
    reads = [a for a in planner.actions if a[1]["action"] in {"read_file", "list_emails", "list_events"}]
    writes = sorted((a for a in planner.actions if a not in reads), key=lambda a: order.get(a[0], 5))
    program: Program = []
    for app, action in reads + writes:
        if not program or program[-1][0] != app:
            program.append((app, "", []))
        program[-1][2].append(action)
    return program


def expert_program(subtask: Subtask, facts: Facts) -> Program:
    """The gold program when the task has one, else the predicate-guided program."""
    return gold_program(subtask) if subtask.meta.get("gold") else predicate_program(subtask, facts)


def passes(subtask: Subtask, testbed: Path) -> bool:
    return all(v.passed for v in evaluate_subtask(subtask, testbed))


def flatten(program: Program) -> Sequence[dict[str, Any]]:
    return [a for _, _, actions in program for a in actions]
