"""MATPO's reward (authors' reward manager ``subagent_tool.py``) and an optional LLM judge.

``r = 0.9·accuracy + 0.1·format`` with ``format = 0.5·(planner_format_ok + mean_w worker_format_ok)``.
Reconstructed: when no worker was spawned the worker term is 0. The authors grade a ``\\boxed{}``
answer with gpt-4o-mini (SimpleQA-style); our world has exact answers, so accuracy is exact match
(:func:`agentzoo.envs.research.exact_match`) unless a judge model is configured for free-form answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agentzoo.envs.research.reward import exact_match


def format_score(planner_format_ok: bool, worker_format_ok: Sequence[bool]) -> float:
    """``0.5·(planner_ok + mean_w worker_ok)``; the worker term is 0 without workers."""
    workers = sum(float(ok) for ok in worker_format_ok) / len(worker_format_ok) if worker_format_ok else 0.0
    return 0.5 * (float(planner_format_ok) + workers)


def matpo_reward(accuracy: float, planner_format_ok: bool, worker_format_ok: Sequence[bool]) -> float:
    """``0.9·accuracy + 0.1·format`` (authors' weights)."""
    return 0.9 * float(accuracy) + 0.1 * format_score(planner_format_ok, worker_format_ok)


def single_agent_reward(accuracy: float, format_ok: bool) -> float:
    """The baseline's reward: ``0.9·accuracy + 0.1·format`` (one role, one format flag)."""
    return 0.9 * float(accuracy) + 0.1 * float(format_ok)


JUDGE_SYSTEM = (
    "You grade answers. Compare the predicted answer with the gold target for the question. "
    "Reply with one letter: A if the prediction is correct (same meaning as the target, extra detail allowed), "
    "B if it is incorrect or contradicts the target, C if it does not attempt an answer."
)
_LETTER = re.compile(r"\b([ABC])\b")


@dataclass
class Judge:
    """A SimpleQA-style grader (our wording) on any chat model; greedy, one letter per answer."""

    model: Any
    """A :class:`agentzoo.llm.ChatModel` (e.g. ``openai:gpt-4o-mini@URL``)."""
    calls: int = 0
    unparsable: int = 0
    """Replies without a grade letter (graded incorrect)."""

    def grade(self, items: Sequence[tuple[str, str, str | None]]) -> list[float]:
        """Accuracy of each (question, gold, prediction): 1 for an exact match (no call), else 1 iff the
        judge replies A (correct)."""
        out = [exact_match(p, gold) for _, gold, p in items]
        todo = [i for i, (_, _, p) in enumerate(items) if out[i] == 0.0 and p is not None and p.strip()]
        if not todo:
            return out
        conversations = [[{"role": "system", "content": JUDGE_SYSTEM},
                          {"role": "user", "content": f"Question: {items[i][0]}\nGold target: {items[i][1]}\n"
                                                      f"Predicted answer: {items[i][2]}\nGrade:"}] for i in todo]
        replies = self.model.chat_batch(conversations, max_tokens=8, temperature=0.0)
        self.calls += len(todo)
        for i, reply in zip(todo, replies, strict=True):
            match = _LETTER.search(reply.text.strip().upper())
            if match is None:
                self.unparsable += 1
            out[i] = float(match is not None and match.group(1) == "A")
        return out
