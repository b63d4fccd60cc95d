"""The gold program: executes a question's plan with the real tools.

It is the oracle arm (it must reach EM = 1.0, which checks that retrieval surfaces the
support and that the answer is derivable from tool outputs) and the source of warm-start
data: a system turns :func:`gold_calls` into its own trajectory format (MARS: System-2
actions with purposes, System-1 summaries that are the supporting sentences; MATPO: planner
subtasks and worker searches).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentzoo.envs.research.questions import Question, Step
from agentzoo.envs.research.tools import ResearchTools, ToolOutput

NO_INFO = "No relevant information."


@dataclass(frozen=True)
class GoldCall:
    """One executed plan step: the call, its raw outputs, and what the oracle read from them."""

    step: Step
    outputs: tuple[ToolOutput, ...]
    """Search/scholar results (empty for python)."""
    observation: str
    """For python: the sandbox observation."""
    found: bool
    """Whether the supporting sentence (or the expected program output) was in the outputs."""


def summary_for(step: Step, text: str) -> str:
    """What a perfect System 1 writes for ``text`` under ``step``'s purpose: the supporting
    sentence when it is there, else :data:`NO_INFO`."""
    return step.fact if step.fact and step.fact in text else NO_INFO


def gold_calls(question: Question, tools: ResearchTools) -> list[GoldCall]:
    """Run every step of the plan with the real tools."""
    calls = []
    for step in question.plan:
        if step.tool == "python":
            observation = tools.python(step.query)
            found = _program_value(observation) == step.value
            calls.append(GoldCall(step, (), observation, found))
            continue
        outputs = tools.search(step.query) if step.tool == "search" else tools.scholar(step.query)
        found = any(step.fact in o.text for o in outputs)
        calls.append(GoldCall(step, tuple(outputs), "", found))
    return calls


def oracle_answer(question: Question, tools: ResearchTools) -> str | None:
    """The answer read off the tool outputs, or None when a step's support was not found."""
    calls = gold_calls(question, tools)
    if not all(c.found for c in calls):
        return None
    return calls[-1].step.value


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _program_value(observation: str) -> str | None:
    numbers = _NUMBER.findall(observation)
    return numbers[-1] if numbers else None
