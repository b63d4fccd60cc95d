"""Non-learning policies: the gold program (``oracle``, also the warm-start teacher) and a
random policy (``scripted:random``, for robustness tests).

The arms that *are* baselines of learning (``zero_shot``, ``warm_start``,
``single_agent_grpo``, ``frozen_sys1``, ``no_packing``, ``no_balance``, ``closed_book``) are
settings of the same episode and trainer; :data:`ARM_SETTINGS` lists what each changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agentzoo.envs.research import NO_INFO, Question
from agentzoo.rl.policy import Dialogue, ScriptedPolicy, approx_count
from agentzoo.systems.mars import prompts


@dataclass(frozen=True)
class ArmSettings:
    """How an arm differs from MARS."""

    trained: bool = True
    """Runs GRPO after the warm start."""
    warm: bool = True
    """Starts from the warm start."""
    oracle: bool = False
    """The gold program instead of the model."""
    use_sys1: bool = True
    packing: str | None = None
    """Overrides ``Config.packing``."""
    balance: str | None = None
    """Overrides ``Config.balance``."""
    train_sys1: bool = True
    closed_book: bool = False


ARM_SETTINGS: dict[str, ArmSettings] = {
    "zero_shot": ArmSettings(trained=False, warm=False),
    "closed_book": ArmSettings(trained=False, warm=False, closed_book=True),
    "warm_start": ArmSettings(trained=False),
    "mars": ArmSettings(),
    "single_agent_grpo": ArmSettings(use_sys1=False),
    "frozen_sys1": ArmSettings(train_sys1=False),
    "no_packing": ArmSettings(packing="per_item"),
    "no_balance": ArmSettings(balance="none"),
    "oracle": ArmSettings(trained=False, warm=False, oracle=True),
}


@dataclass
class OraclePolicy(ScriptedPolicy):
    """The gold program as a policy: System 2 follows the question's plan; System 1 copies the
    supporting sentence of the purpose when its bin holds it. The final answer is given only if
    every supporting fact reached System 2's context (else "unknown"), so the oracle also
    measures what the context budget lets through."""

    questions: Iterable[Question]
    count: Callable[[str], int] = approx_count
    renderer: Any = None
    """A :class:`~agentzoo.rl.policy.ChatRenderer`: context lengths as the real model would see them."""
    _by_text: dict[str, Question] = field(default_factory=dict, init=False)
    _facts: dict[str, str] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for q in self.questions:
            self._by_text[q.text] = q
            for step in q.plan:
                if step.fact:
                    self._facts[step.purpose] = step.fact

    def reply(self, dialogue: Dialogue, seed: int) -> str:
        return self._sys1(dialogue) if dialogue.role == "sys1" else self._sys2(dialogue)

    def _sys1(self, d: Dialogue) -> str:
        content = d.messages[-1]["content"]
        purpose = content.split("\n", 1)[0].removeprefix("Purpose: ").strip()
        fact = self._facts.get(purpose)
        return fact if fact and fact in content else NO_INFO

    def _sys2(self, d: Dialogue) -> str:
        q = self._by_text.get(d.messages[1]["content"].removeprefix("Question: "))
        if q is None or d.messages[0]["content"] == prompts.CLOSED_BOOK:
            return prompts.action_text("answer", "unknown")
        turn = sum(1 for m in d.messages if m["role"] == "assistant")
        if turn < len(q.plan):
            step = q.plan[turn]
            return prompts.action_text(step.tool, step.query, step.purpose)
        seen = "\n".join(m["content"] for m in d.messages[2:] if m["role"] == "user")
        found = all((s.fact in seen) if s.fact else (s.value in seen) for s in q.plan)
        return prompts.action_text("answer", q.answer if found else "unknown")


@dataclass
class RandomPolicy(ScriptedPolicy):
    """Random actions, many of them malformed (empty, unclosed, doubled, unknown tools)."""

    count: Callable[[str], int] = approx_count

    def reply(self, dialogue: Dialogue, seed: int) -> str:
        rng = np.random.default_rng(seed % (2**63))
        word = "".join(rng.choice(list("abcdefgh"), 5))
        options = [
            prompts.action_text("search", word, "find it"), f"<search>{word}</search>", "", f"<answer>{word}",
            f"<answer>{word}</answer><answer>x</answer>", f"<python>print({len(word)})</python>",
            prompts.action_text("answer", word), f"<open>{word}</open>", "<python></python>",
        ]
        return word if dialogue.role == "sys1" else str(rng.choice(options))
