"""Candidates for the constrained agents: argument fillers and re-bound remembered actions.

With the 135M model an agent does not write actions; it picks. The action type is picked among
the app's actions, then each argument among fillers taken from the facts (:mod:`.facts`) of
the task text and the observations, at most ``max_candidates`` per slot, pre-ranked by a cheap
prior (task entities first, in order of appearance). Retrieved subtask memories add whole
actions: their argument templates are re-bound to the current facts, and an action whose
references cannot all be resolved is dropped. This is reconstructed (the paper's agents are
free-form LLMs), so part of memory's effect flows through these candidates; the ``replay``
control measures what re-binding alone achieves.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from agentzoo.envs.office import ACTIONS
from agentzoo.systems.legomem.facts import Facts, rebind

EXTENSIONS = {"excel": (".xlsx",), "word": (".docx", ".doc"), "pdf": (".pdf",)}


def _values(facts: Facts, *prefixes: str) -> list[str]:
    out = []
    for prefix in prefixes:
        out += [v for _, v in facts.kind(prefix)]
    return out


def _files(facts: Facts, app: str, files: Sequence[str]) -> list[str]:
    wanted = EXTENSIONS.get(app)
    named = _values(facts, "file#", "doc:")
    pool = named + list(files)
    return [f for f in pool if wanted is None or f.lower().endswith(wanted)]


def slot_candidates(arg: str, facts: Facts, app: str, files: Sequence[str], max_candidates: int) -> list[str]:
    """Fillers for one argument, best prior first, deduplicated, at most ``max_candidates``."""
    text_values = _values(facts, "quoted#", "at:", "phrase:", "subject_topic", "name#", "number#", "sum:",
                          "events_on:", "first_event_on:", "event#", "onumber#", "subject", "line#", "cell:")
    pools: dict[str, list[str]] = {
        "user": _values(facts, "user", "name#", "sender"),
        "username": _values(facts, "user", "name#", "sender"),
        "sender": _values(facts, "user", "name#"),
        "recipient": _values(facts, "name#", "sender") + [e.split("@")[0] for e in _values(facts, "email#")]
        + _values(facts, "user"),
        "summary": _values(facts, "quoted#", "phrase:", "subject_topic", "event#", "name#"),
        "subject": _values(facts, "quoted#", "phrase:", "subject_topic", "name#"),
        "time_start": _datetimes(facts),
        "time_end": _datetimes(facts, end=True),
        "file_path": _files(facts, app, files),
        "pdf_file_path": _files(facts, "pdf", files),
        "row_idx": _values(facts, "next_row", "row:") + [str(i) for i in range(1, 8)],
        "column_idx": [str(i) for i in range(1, 6)],
        "email_id": _values(facts, "mail:", "mail#"),
        "text": text_values,
        "contents": _values(facts, "quoted#", "doc", "events_on:", "first_event_on:", "body") + text_values,
        "content": _values(facts, "quoted#", "body", "doc") + text_values,
        "command": _commands(facts, files),
        "prompt": [],
    }
    values = pools.get(arg, text_values)
    return list(dict.fromkeys(v for v in values if v))[:max_candidates]


def _datetimes(facts: Facts, end: bool = False) -> list[str]:
    days = _values(facts, "date#", "odate#")
    times = _values(facts, "time#", "otime#") or ["09:00", "10:00"]
    if end and len(times) > 1:
        times = times[1:] + times[:1]
    return [f"{d} {t}:00" for d in days for t in times]


def _commands(facts: Facts, files: Sequence[str]) -> list[str]:
    commands = ["ls data", "ls"]
    commands += [f"cat {shlex.quote(f)}" for f in files if f.endswith(".txt")][:3]
    answers = _values(facts, "quoted#", "name#", "number#", "at:", "sum:")[:4]
    commands += [f"echo {shlex.quote(a)} > data/answer.txt" for a in answers]
    return commands


def memory_actions(units: Iterable[Mapping[str, Any]], facts: Facts, executed: Sequence[Mapping[str, Any]],
                   limit: int) -> tuple[list[dict[str, Any]], int]:
    """Remembered actions re-bound to ``facts``: (actions, number dropped for unresolved references).

    Actions identical to one already executed in this delegation are left out (no loops).
    """
    out: list[dict[str, Any]] = []
    dropped = 0
    done = [dict(a) for a in executed]
    for unit in units:
        for step in unit.get("steps", []):
            action = bind_action(step["action"], facts)
            if action is None:
                dropped += 1
                continue
            if action not in done and action not in out:
                out.append(action)
    return out[:limit], dropped


def ordered_args(action: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """An action's arguments in the app's declared order (others after, sorted)."""
    spec = ACTIONS.get((str(action.get("app")), str(action.get("action"))))
    order = {name: i for i, name in enumerate(spec.args)} if spec else {}
    items = [(k, v) for k, v in action.items() if k not in {"app", "action"}]
    return sorted(items, key=lambda kv: (order.get(kv[0], len(order)), kv[0]))


def bind_action(template: Mapping[str, Any], facts: Facts) -> dict[str, Any] | None:
    """A remembered action with every argument re-bound; None if a reference is unknown."""
    action: dict[str, Any] = {"app": template["app"], "action": template["action"]}
    for key, value in ordered_args(template):
        bound = rebind(str(value), facts)
        if bound is None:
            return None
        action[key] = bound
    return action
