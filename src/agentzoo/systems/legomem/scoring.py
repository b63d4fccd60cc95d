"""Forced choices: score candidate strings as the assistant's reply and pick the best.

Scores are the summed log-probabilities of ``ChatModel.choice_logprobs``; among free values of
varying length (argument fillers, descriptions) they are divided by the option's length in
bytes (lm-evaluation-harness's ``acc_norm``), among short labels (agents, action types,
``done``) the sum decides.

For the local transformers backend the prompt is run once and its key/value cache is
shared by all options (a prefix cache), which is what makes a 135M model usable here:
16 options cost about one forward of the prompt instead of 16. Other backends go through
``choice_logprobs``. The response cache (:class:`agentzoo.llm.CachedChatModel`) is honoured
with the same keys as the core, so cached runs replay exactly.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agentzoo.llm import ChatModel, Conversation
from agentzoo.llm.base import conversation_key


@dataclass
class ChoiceStats:
    """Counters of one run's forced choices."""

    calls: int = 0
    seconds: float = 0.0
    options: int = 0
    prompt_chars: int = 0
    cache_hits: int = 0
    prefix_cached: int = 0
    extra: dict[str, int] = field(default_factory=dict)


def _backend(model: Any) -> tuple[Any, Any]:
    """(the backend model, the response store or None), unwrapping the response cache."""
    store = getattr(model, "store", None) if hasattr(model, "hits") else None
    inner = model.model if store is not None else model
    return inner, store


def _local_prefix_scores(inner: Any, messages: Conversation, options: Sequence[str]) -> list[float]:
    import torch

    prompt = inner.encode_prompt(messages)
    encoded = [inner.encode_text(o) or [inner.tokenizer.eos_token_id] for o in options]
    device = getattr(inner, "device", "cpu")
    with torch.no_grad():
        out = inner.model(input_ids=torch.tensor([prompt], device=device), use_cache=True, logits_to_keep=1)
        first = torch.log_softmax(out.logits[0, -1].float(), dim=-1)
        cache = out.past_key_values
        cache.batch_repeat_interleave(len(encoded))
        width = max(len(o) for o in encoded)
        pad = inner.tokenizer.pad_token_id if inner.tokenizer.pad_token_id is not None else 0
        ids = torch.full((len(encoded), width), pad, dtype=torch.long, device=device)
        for i, tokens in enumerate(encoded):
            ids[i, : len(tokens)] = torch.tensor(tokens, dtype=torch.long, device=device)
        # right padding: the causal mask keeps pads from touching the real option tokens
        positions = torch.arange(len(prompt), len(prompt) + width, device=device).unsqueeze(0).expand(len(encoded), -1)
        mask = torch.ones((len(encoded), len(prompt) + width), dtype=torch.long, device=device)
        logits = inner.model(input_ids=ids, attention_mask=mask, position_ids=positions,
                             past_key_values=cache, use_cache=False).logits.float()
        logp = torch.log_softmax(logits, dim=-1)
    scores = []
    for i, tokens in enumerate(encoded):
        total = float(first[tokens[0]])
        for j in range(1, len(tokens)):
            total += float(logp[i, j - 1, tokens[j]])
        scores.append(total)
    return scores


def option_logprobs(model: ChatModel, messages: Conversation, options: Sequence[str],
                    stats: ChoiceStats | None = None) -> list[float]:
    """Summed log-probability of each option (prefix-cached on the local backend)."""
    stats = stats if stats is not None else ChoiceStats()
    stats.calls += 1
    stats.options += len(options)
    stats.prompt_chars += sum(len(m["content"]) for m in messages)
    inner, store = _backend(model)
    local = all(hasattr(inner, a) for a in ("encode_prompt", "encode_text", "tokenizer")) and hasattr(inner, "model")
    if not local:
        return [float(s) for s in model.choice_logprobs(messages, list(options))]
    key = conversation_key(model.fingerprint, messages, {"options": list(options)}) if store is not None else ""
    if store is not None:
        hit = store.get(key)
        if isinstance(hit, list) and len(hit) == len(options):
            stats.cache_hits += 1
            return [float(x) for x in hit]
    inner.calls = getattr(inner, "calls", 0) + 1
    start = time.perf_counter()
    scores = _local_prefix_scores(inner, messages, options)
    stats.seconds += time.perf_counter() - start
    stats.prefix_cached += 1
    if store is not None:
        store.put(key, scores)
    return scores


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
