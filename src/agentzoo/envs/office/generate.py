"""agentzoo's own office tasks, written in OfficeBench's format, each with a gold program and plan.

Fifteen families (our wording, names and files; nothing is taken from OfficeBench's tasks):
one app — ``calendar_add``, ``calendar_move`` (resolve an overlap), ``excel_append``,
``excel_delete``, ``excel_sort`` (checked against a reference), ``word_write``, ``email_send``;
two apps — ``excel_to_email``, ``invite_to_calendar``, ``calendar_to_word``,
``excel_total_to_word``, ``email_to_excel``; three apps — ``invite_confirm``,
``excel_word_email``, ``calendar_excel_email``.

The families live in :mod:`agentzoo.envs.office.families`, the material they are written from
(names, sheets, file writers, :class:`Draft`) in :mod:`agentzoo.envs.office.drafting`.

:func:`generate_suite` writes ``<root>/<n_apps>-<family>-<i>/`` with ``subtasks/0.json``, a
``testbed/``, an optional ``reference/`` and ``meta.json`` holding the family, the gold program
(a list of ``{"agent", "action"}``) and the gold plan (``{"agent", "description"}`` per step).
The same seed gives byte-identical files (fixed time stamps inside xlsx/docx containers).
"""

from __future__ import annotations

import json
from pathlib import Path

from agentzoo.envs.office.drafting import NOW, PEOPLE, Draft, pick
from agentzoo.envs.office.families import BUILDERS, FAMILIES
from agentzoo.seeding import rng

__all__ = ["BUILDERS", "FAMILIES", "Draft", "generate_suite", "write_task"]



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
