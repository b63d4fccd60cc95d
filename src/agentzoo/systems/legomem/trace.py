"""Trajectories: what the team did on one subtask (delegations, actions, observations)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from agentzoo.envs.office import Subtask
from agentzoo.systems.legomem.facts import Facts, add_observation_facts, task_facts

READ_ACTIONS = {"read_file", "list_events", "list_emails", "read_email", "command", "query"}
DOC_ACTIONS = {("word", "read_file"), ("pdf", "read_file"), ("shell", "command"), ("llm", "query")}


@dataclass
class Step:
    """One action of a task agent and what it observed."""

    action: dict[str, Any]
    """An OfficeBench action dict (``app``, ``action`` and the arguments)."""
    observation: str
    kind: str = "ok"
    """The observation's kind: ok, invalid_action, unsupported, app_error, parse_error."""
    source: str = ""
    """Where the action came from: memory, slots, freeform, expert, replay."""
    candidates: list[tuple[str, float]] = field(default_factory=list)
    """The scored options of the choices that made this step (constrained interface)."""


@dataclass
class Delegation:
    """One orchestrator decision: which agent, what subtask, and what came back."""

    agent: str
    description: str
    steps: list[Step] = field(default_factory=list)
    result: str = ""
    memory_ids: list[str] = field(default_factory=list)
    """The subtask memories shown to the agent."""


@dataclass
class Trajectory:
    """Everything the team did on one subtask."""

    uid: str
    task: str
    username: str
    delegations: list[Delegation] = field(default_factory=list)
    finished: bool = False
    memory_ids: list[str] = field(default_factory=list)
    """The task memories shown to the orchestrator (or replayed)."""
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, default=str)

    @property
    def n_steps(self) -> int:
        return sum(len(d.steps) for d in self.delegations)


def action_text(action: Mapping[str, Any]) -> str:
    """``set_cell(file_path='data/a.xlsx', row_idx=5, ...)`` — the form shown in prompts and options."""
    from agentzoo.systems.legomem.candidates import ordered_args

    args = ", ".join(f"{k}={v!r}" for k, v in ordered_args(action))
    return f"{action.get('action', '?')}({args})"


def observation_kind(step: Step) -> str:
    key = (str(step.action.get("app")), str(step.action.get("action")))
    return "doc" if key in DOC_ACTIONS else "obs"


def condense(text: str, facts: Facts, max_chars: int) -> str:
    """An observation cut to ``max_chars``; long sheets keep their header and the rows naming task facts."""
    if len(text) <= max_chars:
        return text
    lines = text.splitlines()
    if any("(1, 1):" in ln for ln in lines[:3]):
        values = [v.lower() for k, v in facts.values.items()
                  if k.split("#")[0] in {"name", "quoted", "number", "email"} or k.startswith("phrase:")]
        keep = [ln for ln in lines if "(1, " in ln[:8] or any(re.search(rf"\): {re.escape(v)}\t", ln.lower())
                                                             for v in values)]
        text = "\n".join(keep) if keep else text
    return text[:max_chars]


def result_line(steps: list[Step], facts: Facts, max_chars: int) -> str:
    """What an agent hands back: its last informative observation, condensed."""
    ok = [s for s in steps if s.kind == "ok"]
    reads = [s for s in ok if s.action.get("action") in READ_ACTIONS]
    if reads:
        return condense(reads[-1].observation, facts, max_chars)
    if ok:
        return f"done: {ok[-1].observation.splitlines()[0][:max_chars]}"
    return "nothing was done" if not steps else f"failed: {steps[-1].observation[:max_chars]}"


def subtask_facts(subtask: Subtask, files: Iterable[str], users: Iterable[str]) -> Facts:
    return task_facts(subtask.task, subtask.username, files, users, year=subtask.now.year)


def agent_facts(base: Facts, results: Iterable[str], steps: Iterable[Step], year: int = 2024) -> Facts:
    """The facts one agent can use: the task's, earlier agents' results, then its own observations."""
    facts = Facts(dict(base.values))
    items = [("obs", r) for r in results]
    items += [(observation_kind(s), s.observation) for s in steps if s.kind == "ok"]
    return add_observation_facts(facts, items, year)
