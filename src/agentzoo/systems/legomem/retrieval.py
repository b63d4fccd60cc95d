"""The memory bank and LEGOMem's retrieval variants and placements (paper §3.2).

* ``vanilla``: the top-k full-task memories by similarity to the new task; the orchestrator gets
  their plans, each task agent the subtask memories of those same tasks for its own app.
* ``dynamic``: at each delegation the orchestrator's subtask description queries the chosen
  agent's subtask memories, just in time (done by the team through :meth:`MemoryBank.subtasks_for`).
* ``rewrite``: the task is first rewritten into subtasks guided by the retrieved plans (with the
  small model: a choice among the plans re-bound to the new task; with a free-form model: its
  own list), and each rewritten subtask queries its agent's subtask memories.
* placements ``none / orchestrator / agents / both`` decide who sees memory; the ``random``
  control gives units drawn from other families, cut or padded to the token length of what
  vanilla retrieval would have shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from agentzoo.memory import Record, VectorStore
from agentzoo.systems.legomem.curate import TaskMemory, memory_items
from agentzoo.systems.legomem.facts import mask_entities


def n_tokens(text: str) -> int:
    """An approximate token count (words and symbols), used for prompt budgets."""
    return len(re.findall(r"\w+|[^\w\s]", text))


@dataclass
class Guidance:
    """What one condition gives the team for one subtask."""

    plans: list[dict[str, Any]] = field(default_factory=list)
    """Full-task memories for the orchestrator: ``{"id", "family", "task", "plan"}``."""
    agent_units: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Subtask memories per agent (vanilla, rewrite, random)."""
    dynamic: bool = False
    """Query the agent's subtask memories with each delegation's description."""
    match_tokens: dict[str, int] = field(default_factory=dict)
    """Random control: the token counts to pad or cut to (``orchestrator``, and per agent)."""
    task_ids: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.plans and not self.agent_units and not self.dynamic


def _plan(record: Record) -> dict[str, Any]:
    return {"id": record.id, "family": record.payload.get("family", ""), "task": record.payload.get("raw", record.text),
            "plan": record.payload.get("plan", []), "source_uid": record.payload.get("source_uid", "")}


def _unit(record: Record) -> dict[str, Any]:
    return {"id": record.id, "agent": record.payload["agent"], "template": record.payload.get("template", ""),
            "description": record.payload.get("raw", record.text), "steps": record.payload.get("steps", []),
            "family": record.payload.get("family", ""), "source_uid": record.payload.get("source_uid", ""),
            "position": record.payload.get("position", 0)}


class MemoryBank:
    """Full-task and subtask memories of one train split in a :class:`VectorStore` namespace."""

    def __init__(self, store: VectorStore, namespace: str, top_k: int, mask: bool = True) -> None:
        self.store = store
        self.namespace = namespace
        self.top_k = top_k
        self.mask = mask

    def key(self, text: str, username: str) -> str:
        """The text that is embedded: entities masked by kind when ``mask`` (see :func:`mask_entities`)."""
        return mask_entities(text, username) if self.mask else text

    def add(self, memories: Sequence[TaskMemory]) -> list[Record]:
        items = []
        for memory in memories:
            for item in memory_items(memory, self.namespace):
                items.append(replace(item, text=self.key(item.text, memory.username)))
        return self.store.add(items)

    def tasks(self, query: str, k: int | None = None, username: str = "") -> list[tuple[Record, float]]:
        return self.store.query(self.key(query, username), k or self.top_k,
                                where={"namespace": self.namespace, "kind": "task"})

    def subtasks_of(self, task_records: Sequence[Record]) -> dict[str, list[dict[str, Any]]]:
        """The subtask memories of these tasks, grouped by agent, in retrieval order."""
        sources = [r.payload.get("source_uid") for r in task_records]
        units = self.store.records({"namespace": self.namespace, "kind": "subtask", "source_uid": sources})
        rank = {s: i for i, s in enumerate(sources)}
        units.sort(key=lambda r: (rank.get(r.payload.get("source_uid"), 99), r.payload.get("position", 0)))
        grouped: dict[str, list[dict[str, Any]]] = {}
        for record in units:
            grouped.setdefault(record.payload["agent"], []).append(_unit(record))
        return grouped

    def subtasks_for(self, query: str, agent: str, k: int | None = None, username: str = "") -> list[dict[str, Any]]:
        hits = self.store.query(self.key(query, username), k or self.top_k,
                                where={"namespace": self.namespace, "kind": "subtask", "agent": agent})
        return [_unit(r) for r, _ in hits]

    def random_tasks(self, exclude_families: set[str], k: int, rng: np.random.Generator) -> list[Record]:
        pool = [r for r in self.store.records({"namespace": self.namespace, "kind": "task"})
                if not r.payload.get("family") or r.payload.get("family") not in exclude_families]
        if not pool:
            return []
        order = rng.permutation(len(pool))
        return [pool[i] for i in order[:k]]

    # ------------------------------------------------------------------ conditions
    def guidance(self, condition: str, task: str, family: str, rng: np.random.Generator,
                 username: str = "") -> Guidance:
        """The memory one condition gives for one task (``rewrite`` is completed by the team)."""
        placement, _, variant = condition.partition("_")
        if placement in {"none", "replay", "oracle"}:
            return Guidance()
        hits = self.tasks(task, username=username)
        records = [r for r, _ in hits]
        vanilla = Guidance(plans=[_plan(r) for r in records], agent_units=self.subtasks_of(records),
                           task_ids=[r.id for r in records], scores=[s for _, s in hits])
        if placement == "random":
            excluded = {r.payload.get("family", "") for r in records} | ({family} if family else set())
            shuffled = self.random_tasks(excluded - {""}, len(records) or self.top_k, rng)
            return Guidance(plans=[_plan(r) for r in shuffled], agent_units=self.subtasks_of(shuffled),
                            match_tokens=self.token_targets(vanilla), task_ids=[r.id for r in shuffled])
        if placement == "orchestrator":
            return Guidance(plans=vanilla.plans, task_ids=vanilla.task_ids, scores=vanilla.scores)
        if placement == "agents":
            return Guidance(agent_units=vanilla.agent_units, task_ids=vanilla.task_ids, scores=vanilla.scores)
        if variant == "dynamic":
            return Guidance(plans=vanilla.plans, dynamic=True, task_ids=vanilla.task_ids, scores=vanilla.scores)
        return vanilla  # both (vanilla); rewrite starts from it and is completed by the team

    @staticmethod
    def token_targets(guidance: Guidance) -> dict[str, int]:
        from agentzoo.systems.legomem.prompts import plan_block, unit_block

        targets = {"orchestrator": n_tokens(plan_block(guidance.plans, [], None))}
        for agent, units in guidance.agent_units.items():
            targets[agent] = n_tokens(unit_block(units, None, 0))
        return targets
