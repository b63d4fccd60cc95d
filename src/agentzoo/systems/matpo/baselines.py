"""The arms, and the non-learning policies: the gold program (``oracle``, also the warm-start teacher)
and a random policy (``scripted:random``, for robustness tests).

The learning baselines are settings of the same episode and trainer (:data:`ARM_SETTINGS`):
``single_agent_grpo`` is the paper's baseline (one role holds the tools and reads raw results under
the same context cap); ``planner_only`` drops worker rows from the loss; ``pooled`` uses MARS's
per-role pools instead of inheritance; ``zero_shot``/``warm_start`` are not trained.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agentzoo.envs.research import NO_INFO, Question, Step
from agentzoo.rl.policy import Dialogue, ScriptedPolicy, approx_count
from agentzoo.systems.matpo import prompts


@dataclass(frozen=True)
class ArmSettings:
    """How an arm differs from MATPO."""

    trained: bool = True
    """Runs GRPO after the warm start."""
    warm: bool = True
    """Starts from the warm start (of its own format)."""
    single: bool = False
    """The single-agent format (no planner, no workers)."""
    advantage_mode: str | None = None
    """Overrides ``Config.advantage_mode``."""
    oracle: bool = False
    """The gold program instead of the model."""


ARM_SETTINGS: dict[str, ArmSettings] = {
    "oracle": ArmSettings(trained=False, warm=False, oracle=True),
    "oracle_single_agent": ArmSettings(trained=False, warm=False, single=True, oracle=True),
    "zero_shot": ArmSettings(trained=False, warm=False),
    "warm_start": ArmSettings(trained=False),
    "single_agent_warm_start": ArmSettings(trained=False, single=True),
    "matpo": ArmSettings(),
    "single_agent_grpo": ArmSettings(single=True),
    "planner_only": ArmSettings(advantage_mode="planner_only"),
    "pooled": ArmSettings(advantage_mode="pooled"),
}


_PRINT = re.compile(r"^print\((.*)\)$", re.DOTALL)


def gold_subtask(step: Step) -> str:
    """The planner's subtask for one plan step: its purpose, or ``compute EXPR`` for the python step."""
    if step.tool == "python":
        match = _PRINT.match(step.query.strip())
        return f"compute {match.group(1) if match else step.query}"
    return step.purpose


def _seen(step: Step, text: str) -> bool:
    return (step.fact in text) if step.fact else (step.value in text)


@dataclass
class OraclePolicy(ScriptedPolicy):
    """The gold program as a policy (spec: warm start).

    Planner: one subtask per plan step, then the answer; worker: one tool call (the step's search or
    program), then ``<answer>`` with the supporting sentence (or the program's value) when it is in the
    observation, else "No relevant information."; single agent: the plan's calls, then the answer. A final
    answer is given only if every supporting fact reached the answering context (else "unknown"), so
    the oracle also measures what the context caps let through.
    """

    questions: Iterable[Question]
    count: Callable[[str], int] = approx_count
    renderer: Any = None
    """A :class:`~agentzoo.rl.policy.ChatRenderer`: context lengths as the real model would see them."""
    _by_text: dict[str, Question] = field(default_factory=dict, init=False)
    _steps: dict[str, Step] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for q in self.questions:
            self._by_text[q.text] = q
            for step in q.plan:
                self._steps[gold_subtask(step)] = step

    def reply(self, dialogue: Dialogue, seed: int) -> str:
        d = dialogue
        turn = sum(1 for m in d.messages if m["role"] == "assistant")
        seen = "\n".join(m["content"] for m in d.messages[2:] if m["role"] == "user")
        if d.role == prompts.WORKER:
            return self._worker(d.messages[1]["content"], turn, seen)
        q = self._by_text.get(d.messages[1]["content"].removeprefix("Question: "))
        if q is None:
            return prompts.action_text("answer", "unknown")
        if turn < len(q.plan):
            step = q.plan[turn]
            return (prompts.action_text("subtask", gold_subtask(step)) if d.role == prompts.PLANNER
                    else prompts.action_text("python" if step.tool == "python" else "search", step.query))
        found = all(_seen(step, seen) for step in q.plan)
        return prompts.action_text("answer", q.answer if found else "unknown")

    def _worker(self, task: str, turn: int, seen: str) -> str:
        subtask = task.split("\nSubtask: ", 1)[-1].strip()
        step = self._steps.get(subtask)
        if step is None:
            return prompts.action_text("answer", NO_INFO)
        if turn == 0:
            return prompts.action_text("python" if step.tool == "python" else "search", step.query)
        if _seen(step, seen):
            return prompts.action_text("answer", step.fact or step.value)
        return prompts.action_text("answer", NO_INFO)


@dataclass
class RandomPolicy(ScriptedPolicy):
    """Random actions, many malformed (empty, unclosed, nested, doubled, wrong role, stray closings)."""

    count: Callable[[str], int] = approx_count

    def reply(self, dialogue: Dialogue, seed: int) -> str:
        g = np.random.default_rng(seed % (2**63))
        word = "".join(g.choice(list("abcdefgh"), 5))
        options = [
            f"<subtask>find {word}</subtask>", "<subtask></subtask>", f"<subtask>a <subtask>{word}</subtask>",
            f"<subtask>{word}", f"{word}</subtask>", f"<search>{word}</search>", f"<open>d00{len(word)}</open>",
            f"<python>print({len(word)})</python>", f"<answer>{word}", f"<answer>{word}</answer>",
            f"<answer>{word}</answer><answer>x</answer>", "",
        ]
        return str(g.choice(options))
