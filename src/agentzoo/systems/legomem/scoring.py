"""Forced choices: score candidate strings as the assistant's reply and pick the best.

Scores are the summed log-probabilities of ``ChatModel.choice_logprobs``; among free values of
varying length (argument fillers, descriptions) they are divided by the option's length in
bytes (lm-evaluation-harness's ``acc_norm``), among short labels (agents, action types,
``done``) the sum decides.

On the local backend the core scorer runs the prompt once through its prefix KV cache and
scores all options as one batch on top of it; a prompt that extends an earlier one (an
agent's prompt growing step by step) pays only its new tokens. That is what makes a 135M
model usable here (``benchmarks/legomem_speed.py`` measures it against one full forward per
option). The response cache (:class:`agentzoo.llm.CachedChatModel`) is honoured by the core.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from agentzoo.llm import ChatModel, Conversation


@dataclass
class ChoiceStats:
    """Counters of one run's forced choices."""

    calls: int = 0
    seconds: float = 0.0
    options: int = 0
    prompt_chars: int = 0


def option_logprobs(model: ChatModel, messages: Conversation, options: Sequence[str],
                    stats: ChoiceStats | None = None) -> list[float]:
    """Summed log-probability of each option (an empty option is scored as a single space)."""
    stats = stats if stats is not None else ChoiceStats()
    stats.calls += 1
    stats.options += len(options)
    stats.prompt_chars += sum(len(m["content"]) for m in messages)
    start = time.perf_counter()
    scores = model.choice_logprobs(messages, [o or " " for o in options])
    stats.seconds += time.perf_counter() - start
    return [float(s) for s in scores]


def choose(model: ChatModel, messages: Conversation, options: Sequence[str],
           stats: ChoiceStats | None = None, normalise: bool = True) -> tuple[int, list[float]]:
    """Index of the best option and all the scores (ties go to the earlier option).

    ``normalise``: divide by the option's length in bytes (for free values of varying length:
    argument fillers, descriptions); without it the summed log-probability decides (for short
    labels: agent names, action types, ``done``/``finish``).
    """
    if len(options) == 1:
        return 0, [0.0]
    raw = option_logprobs(model, messages, options, stats)
    scores = [s / max(1, len(o.encode("utf-8"))) for s, o in zip(raw, options, strict=True)] if normalise else raw
    best = max(range(len(options)), key=lambda i: (scores[i], -i))
    return best, scores
