"""Prompts of the orchestrator and the task agents (our wording), with memory rendered in them.

Memory is injected into the prompt, never offered as a tool the agent must call. Plans are
rendered with their progress (``[done]``/``[next]`` against the delegations so far) and
remembered steps with the current facts substituted where they resolve.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from agentzoo.envs.office import ACTIONS, Subtask
from agentzoo.llm import Message, system, user
from agentzoo.systems.legomem.candidates import bind_action
from agentzoo.systems.legomem.facts import Facts, rebind
from agentzoo.systems.legomem.trace import Delegation, Step, action_text

AGENTS = ("calendar", "email", "excel", "word", "pdf", "shell")


def _cut(text: str, max_tokens: int | None) -> str:
    if max_tokens is None:
        return text
    if max_tokens <= 0:
        return ""
    tokens = list(re.finditer(r"\w+|[^\w\s]", text))
    return text if len(tokens) <= max_tokens else text[: tokens[max_tokens - 1].end()] + " ..."


def _pad(text: str, fill: str, target: int) -> str:
    """Random control: repeat ``fill`` until ``target`` tokens, then cut exactly."""
    from agentzoo.systems.legomem.retrieval import n_tokens

    if not text.strip() or target <= 0:
        return _cut(text, target)
    while n_tokens(text) < target and fill.strip():
        text += "\n" + fill
    return _cut(text, target)


def _finish(block: str, summary: str, present: bool, max_tokens: int | None, match: int | None) -> str:
    """The memory block cut to its budget (or, for the random control, padded/cut to ``match``
    tokens), then the one-line summary of what memory says comes next."""
    from agentzoo.systems.legomem.retrieval import n_tokens

    if not present:
        return ""
    room = None if max_tokens is None else max(0, max_tokens - n_tokens(summary))
    if match is not None:
        target = max(0, min(match, max_tokens or match) - n_tokens(summary))
        return _pad(block, block, target) + "\n" + summary
    return _cut(block, room) + "\n" + summary


def plan_progress(plan: Sequence[dict[str, str]], done_agents: Sequence[str]) -> list[str]:
    """``done``/``next``/``todo`` per plan step, aligning the delegations so far in order."""
    marks, cursor = [], 0
    for step in plan:
        if cursor < len(done_agents) and done_agents[cursor] == step["agent"]:
            marks.append("done")
            cursor += 1
        else:
            marks.append("todo")
    if "todo" in marks:
        marks[marks.index("todo")] = "next"
    return marks


def plan_block(plans: Sequence[dict[str, Any]], done_agents: Sequence[str], facts: Facts | None,
               max_tokens: int | None = None, match: int | None = None) -> str:
    lines, summary = [], ""
    for i, memory in enumerate(plans, 1):
        lines.append(f"Plan {i} (from a similar past task):")
        for mark, step in zip(plan_progress(memory["plan"], done_agents), memory["plan"], strict=True):
            text = (rebind(step["template"], facts) if facts is not None else None) or step["description"]
            lines.append(f"  [{mark}] {step['agent']}: {text}")
            if i == 1 and mark == "next":
                summary = f"Next step of plan 1: {step['agent']}: {text}"
    return _finish("\n".join(lines), summary or "Plan 1 is complete.", bool(plans), max_tokens, match)


def unit_block(units: Sequence[dict[str, Any]], facts: Facts | None, n_done: int,
               max_tokens: int | None = None, match: int | None = None) -> str:
    lines, summary = [], ""
    for i, unit in enumerate(units, 1):
        lines.append(f"Past subtask {i}: {unit['description']}")
        for j, step in enumerate(unit["steps"]):
            bound = bind_action(step["action"], facts) if facts is not None else None
            mark = "done" if j < n_done else ("next" if j == n_done else "todo")
            lines.append(f"  [{mark}] {action_text(bound or step['action'])}")
            if i == 1 and mark == "next":
                summary = f"Next action of past subtask 1: {action_text(bound or step['action'])}"
    return _finish("\n".join(lines), summary or "Past subtask 1 is complete.", bool(units), max_tokens, match)


def header(subtask: Subtask) -> str:
    return (f"Today is {subtask.date} ({subtask.weekday}), {subtask.time}. You work for {subtask.username}. "
            "Files are under data/, mail under emails/<user>/, calendars under calendar/<user>.ics.")


def history_lines(delegations: Sequence[Delegation], max_tokens: int) -> str:
    if not delegations:
        return "none yet"
    return "\n".join(f"{i}. {d.agent}: {d.description} -> {_cut(d.result, max_tokens)}"
                     for i, d in enumerate(delegations, 1))


def step_lines(steps: Sequence[Step], max_tokens: int) -> str:
    if not steps:
        return "none yet"
    last = len(steps)  # the latest observation in full budget, earlier ones shortened
    return "\n".join(f"{i}. {action_text(s.action)} -> {_cut(s.observation, max_tokens if i == last else max_tokens // 4)}"
                     for i, s in enumerate(steps, 1))


def orchestrator_messages(subtask: Subtask, memory: str, delegations: Sequence[Delegation], question: str,
                          obs_tokens: int, agents: Sequence[str] = AGENTS) -> list[Message]:
    body = [f"Task: {subtask.task}", f"Delegations so far:\n{history_lines(delegations, obs_tokens)}"]
    if memory:  # last, next to the question: the small model copies from nearby text best
        body.append(f"Memory:\n{memory}")
    body.append(question)
    return [system(f"You are the orchestrator of an office team with the agents {', '.join(agents)}. "
                   f"You split the task into subtasks and delegate each to one agent. {header(subtask)}"),
            user("\n\n".join(body))]


def agent_messages(subtask: Subtask, agent: str, description: str, results: Sequence[str], memory: str,
                   steps: Sequence[Step], question: str, obs_tokens: int, freeform: bool = False) -> list[Message]:
    body = [f"Task: {subtask.task}", f"Your subtask: {description}"]
    if results:
        body.append("Results of earlier agents:\n" + "\n".join(_cut(r, obs_tokens) for r in results))
    body.append(f"Your actions so far:\n{step_lines(steps, obs_tokens)}")
    if memory:
        body.append(f"Memory:\n{memory}")
    body.append(question)
    intro = f"You are the {agent} agent of an office team. {header(subtask)}"
    if freeform:
        intro += "\nActions:\n" + action_menu(agent)
    return [system(intro), user("\n\n".join(body))]


def action_menu(agent: str) -> str:
    lines = []
    for (app, action), spec in ACTIONS.items():
        if app == agent and spec.supported:
            args = ", ".join(f'"{a}": ...' for a in spec.args)
            lines.append(f'- {spec.description}: {{"action": "{action}", {args}}}')
    lines.append('- when your subtask is complete: {"action": "done", "result": "<one line>"}')
    return "\n".join(lines)


FREEFORM_ORCHESTRATOR = ('Reply with JSON only: {"agent": "<one of the agents>", "subtask": "<what that agent '
                         'must do, with every name, date, file and value it needs>"}, or {"agent": "finish"} when '
                         "the task is complete.")
FREEFORM_AGENT = "Reply with exactly one action as JSON (see Actions)."
REWRITE_FREEFORM = ("Rewrite the task as 3 to 5 subtasks, one per line, each as '<agent>: <subtask>', using the "
                    "plans in memory as a guide. Agents: " + ", ".join(AGENTS) + ".")
