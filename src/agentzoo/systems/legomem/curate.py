"""Curation: successful trajectories -> full-task memories and subtask memories (paper §3).

Only trajectories that passed the evaluator are curated. ``rules``: consecutive actions of one
agent form a subtask; error observations and the orchestrator's coordination are dropped;
arguments are written as references to task facts and observations (:mod:`.facts`);
descriptions come from the trajectory (the gold plan or the orchestrator's delegation) with
task facts replaced by references, else they are templated from the action types. ``llm``:
the model is asked for the paper's JSON (``high_level_plan, subtasks[{agent, description,
steps[{think, action}], observations}], final_answer, reflections``); when it is valid and its
subtasks match the executed ones, its plan and descriptions are used; otherwise the rule
result is used and the fallback counted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from agentzoo.envs.office import APPS, Subtask
from agentzoo.llm import ChatModel, parse_json, system, user
from agentzoo.memory import MemoryItem
from agentzoo.systems.legomem.candidates import ordered_args
from agentzoo.systems.legomem.facts import Facts, rebind, template
from agentzoo.systems.legomem.trace import Delegation, Step, Trajectory, action_text, agent_facts

log = logging.getLogger(__name__)


@dataclass
class SubtaskMemory:
    """One agent's part of a past task: its calls (as reference templates) and observations."""

    agent: str
    description: str
    """The description as it read in the source task (the embedding key)."""
    description_template: str
    steps: list[dict[str, Any]]
    """``{"action": {...templated args...}, "observation": "..."}`` per kept action."""


@dataclass
class TaskMemory:
    """A past task: its text (the embedding key), plan, summarised trace and subtask memories."""

    task: str
    source_uid: str
    family: str
    n_apps: int
    username: str = ""
    plan: list[dict[str, str]] = field(default_factory=list)
    """``{"agent", "template", "description"}`` per subtask."""
    trace: list[str] = field(default_factory=list)
    subtasks: list[SubtaskMemory] = field(default_factory=list)
    curated_by: str = "rules"


def merge_delegations(trajectory: Trajectory) -> list[tuple[Delegation, list[str]]]:
    """Delegations with only successful steps, same-agent neighbours merged, each with the results
    the agent had seen before it acted."""
    merged: list[tuple[Delegation, list[str]]] = []
    results: list[str] = []
    for delegation in trajectory.delegations:
        kept = [s for s in delegation.steps if s.kind == "ok"]
        if kept:
            if merged and merged[-1][0].agent == delegation.agent:
                merged[-1][0].steps.extend(kept)
            else:
                merged.append((Delegation(delegation.agent, delegation.description, list(kept)), list(results)))
        results.append(delegation.result)
    return merged


def _template_action(action: dict[str, Any], facts: Facts) -> dict[str, Any]:
    out: dict[str, Any] = {"app": action["app"], "action": action["action"]}
    for key, value in ordered_args(action):
        out[key] = template(value, facts, key)
    return out


def describe(agent: str, steps: list[Step], facts: Facts) -> str:
    """A description templated from the action types and their main arguments."""
    parts = []
    for step in steps:
        args = [v for k, v in step.action.items() if k not in {"app", "action"}]
        main = template(args[0], facts, "description") if args else ""
        parts.append(f"{step.action['action']} {main}".strip())
    return f"{agent}: " + ", then ".join(dict.fromkeys(parts))


def curate_rules(trajectory: Trajectory, subtask: Subtask, base: Facts) -> TaskMemory:
    """Rule-based curation of a successful trajectory (``base``: the task facts at the start)."""
    memory = TaskMemory(subtask.task, subtask.uid, subtask.family, subtask.n_apps, subtask.username)
    year = subtask.now.year
    for delegation, results in merge_delegations(trajectory):
        steps = []
        for i, step in enumerate(delegation.steps):
            facts = agent_facts(base, results, delegation.steps[:i], year)
            templated = _template_action(step.action, facts)
            steps.append({"action": templated, "observation": step.observation[:300]})
            memory.trace.append(f"{delegation.agent}.{action_text(templated)}")
        if delegation.description and delegation.description != subtask.task:
            description_template = template(delegation.description, base, "description")
        else:
            description_template = describe(delegation.agent, delegation.steps, base)
        rendered = rebind(description_template, base) or delegation.description
        memory.subtasks.append(SubtaskMemory(delegation.agent, rendered, description_template, steps))
        memory.plan.append({"agent": delegation.agent, "template": description_template, "description": rendered})
    return memory


CURATION_PROMPT = (
    "Summarise this successful office task as JSON with the keys high_level_plan (a string), "
    "subtasks (a list of {{agent, description, steps: [{{think, action}}], observations}}), final_answer and "
    "reflections. Group related actions of one agent into one subtask; keep only successful actions.\n"
    "Task: {task}\nTrajectory:\n{trajectory}\nJSON:"
)


def curate_llm(trajectory: Trajectory, subtask: Subtask, base: Facts, model: ChatModel,
               max_tokens: int = 384) -> tuple[TaskMemory, bool]:
    """LLM curation; returns (memory, fell_back). The rule result backs up any invalid summary."""
    rules = curate_rules(trajectory, subtask, base)
    lines = [f"{d.agent}: {action_text(s.action)} -> {s.observation[:120]}" for d, _ in merge_delegations(trajectory)
             for s in d.steps]
    reply = model.chat([system("You curate procedural memory for an office assistant team."),
                        user(CURATION_PROMPT.format(task=subtask.task, trajectory="\n".join(lines)))],
                       max_tokens=max_tokens, temperature=0.0)
    parsed = parse_json(reply.text)
    problem = _schema_problem(parsed.value if parsed.ok else None, rules)
    if problem:
        log.debug("curation fallback for %s: %s", subtask.uid, problem)
        return rules, True
    value = parsed.value
    for unit, item in zip(rules.subtasks, value["subtasks"], strict=True):
        unit.description = str(item["description"]).strip()
        unit.description_template = template(unit.description, base, "description")
    rules.plan = [{"agent": u.agent, "template": u.description_template, "description": u.description}
                  for u in rules.subtasks]
    rules.trace.insert(0, f"plan: {value['high_level_plan']}")
    rules.curated_by = "llm"
    return rules, False


def _schema_problem(value: Any, rules: TaskMemory) -> str:
    if not isinstance(value, dict):
        return "not a JSON object"
    for key in ("high_level_plan", "subtasks"):
        if key not in value:
            return f"missing {key}"
    items = value["subtasks"]
    if not isinstance(items, list) or len(items) != len(rules.subtasks):
        return "subtasks do not match the executed ones"
    for item, unit in zip(items, rules.subtasks, strict=True):
        if not isinstance(item, dict) or str(item.get("agent", "")).lower() != unit.agent:
            return "subtask agents do not match"
        if not isinstance(item.get("description"), str) or not item["description"].strip():
            return "a subtask lacks a description"
        if not isinstance(item.get("steps", []), list):
            return "steps must be a list"
    return ""


def memory_items(memory: TaskMemory, namespace: str) -> list[MemoryItem]:
    """The task unit and its subtask units, ready for the vector store."""
    items = [MemoryItem(memory.task, kind="task", namespace=namespace, payload={
        "source_uid": memory.source_uid, "family": memory.family, "n_apps": memory.n_apps, "plan": memory.plan,
        "trace": memory.trace, "curated_by": memory.curated_by, "raw": memory.task, "username": memory.username})]
    for position, unit in enumerate(memory.subtasks):
        if unit.agent not in APPS:
            continue
        items.append(MemoryItem(unit.description, kind="subtask", namespace=namespace, payload={
            "source_uid": memory.source_uid, "family": memory.family, "agent": unit.agent, "position": position,
            "template": unit.description_template, "steps": unit.steps, "raw": unit.description,
            "username": memory.username}))
    return items


def curate_all(pairs: Iterable[tuple[Trajectory, Subtask, Facts]], mode: str, model: ChatModel | None,
               counters: dict[str, int]) -> list[TaskMemory]:
    """Curate every (successful trajectory, subtask, base facts); counts ``curation_fallbacks``."""
    out = []
    for trajectory, subtask, base in pairs:
        if mode == "llm" and model is not None:
            memory, fell_back = curate_llm(trajectory, subtask, base, model)
            counters["curation_fallbacks"] = counters.get("curation_fallbacks", 0) + int(fell_back)
        else:
            memory = curate_rules(trajectory, subtask, base)
        if memory.subtasks:
            out.append(memory)
    return out
