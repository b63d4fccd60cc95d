"""Rollout engines: token ids in, sampled token ids and their log-probabilities out.

:class:`RolloutEngine` is the interface: ``generate`` checks the request, gives each row its
sampler seed, counts the generated tokens and calls ``sample``, the one method an engine
implements. Token-in/token-out matters for RL: the trainer must score exactly the tokens that
were sampled, so prompts are token ids and the engine returns ids, never only text.

* :class:`LocalEngine` — the torch model of a :class:`~agentzoo.llm.local.LocalChatModel`
  (batched, KV cache, one seeded sampler per row: the same seed gives the same tokens
  whatever the batch);
* :class:`OpenAIEngine` — any OpenAI-compatible server whose ``/v1/completions`` accepts token
  id prompts and returns per-token log-probs (vLLM with ``return_tokens_as_token_ids``).
  It rolls out and evaluates; it cannot train.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from agentzoo.seeding import stream_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Generation:
    """One sampled continuation."""

    ids: tuple[int, ...]
    """Sampled token ids (the end-of-turn id included when the row stopped on it)."""
    logprobs: tuple[float, ...]
    """Log-probability of each id under the sampling distribution."""
    text: str
    """Decoded text, cut before a stop string."""
    finish_reason: str
    """``stop`` or ``length``."""


def row_seeds(seed: int, n: int, seeds: Sequence[int] | None) -> list[int]:
    """One sampler seed per row: ``seeds`` when given, else derived from ``seed`` and the row."""
    if seeds is not None:
        if len(seeds) != n:
            raise ValueError(f"{n} prompts but {len(seeds)} seeds")
        return [int(s) for s in seeds]
    return [stream_key("row", seed, i) for i in range(n)]


class RolloutEngine(ABC):
    """What rollouts need from a model: batched, seeded, token-level sampling."""

    generated_tokens: int
    """Tokens generated so far (for tokens/s reports)."""

    def generate(
        self,
        prompts_ids: Sequence[Sequence[int]],
        *,
        max_new_tokens: int,
        temperature: float = 1.0,
        stop: Sequence[str] = (),
        seed: int = 0,
        seeds: Sequence[int] | None = None,
    ) -> list[Generation]:
        """One continuation per prompt; row i samples with ``seeds[i]`` (else a seed derived from
        ``seed`` and i), so a row's tokens do not depend on the rest of the batch."""
        if max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be >= 1, got {max_new_tokens}")
        per_row = row_seeds(seed, len(prompts_ids), seeds)
        if not prompts_ids:
            return []
        out = self.sample(prompts_ids, per_row, max_new_tokens=max_new_tokens, temperature=temperature, stop=tuple(stop))
        self.generated_tokens += sum(len(g.ids) for g in out)
        return out

    @abstractmethod
    def sample(self, prompts_ids: Sequence[Sequence[int]], seeds: list[int], *, max_new_tokens: int,
               temperature: float, stop: tuple[str, ...]) -> list[Generation]:
        """One continuation per prompt, row i sampled with ``seeds[i]`` (a non-empty, checked batch)."""


@dataclass
class LocalEngine(RolloutEngine):
    """Generation with the in-process torch model (the one the trainer updates)."""

    chat_model: Any
    """A :class:`agentzoo.llm.local.LocalChatModel` (its ``.model`` is shared with the trainer)."""
    generated_tokens: int = 0
    """Tokens generated so far (for tokens/s reports)."""

    @property
    def tokenizer(self) -> Any:
        return self.chat_model.tokenizer

    def sample(self, prompts_ids: Sequence[Sequence[int]], seeds: list[int], *, max_new_tokens: int,
               temperature: float, stop: tuple[str, ...]) -> list[Generation]:
        if any(len(p) == 0 for p in prompts_ids):
            raise ValueError("every prompt needs at least one token")
        was_training = self.chat_model.model.training
        self.chat_model.model.eval()
        try:
            out = self.chat_model.generate_ids(prompts_ids, seeds, max_tokens=max_new_tokens, temperature=temperature,
                                               stop=stop)
        finally:
            if was_training:
                self.chat_model.model.train()
        return [Generation(tuple(g.ids), tuple(g.logprobs), g.text, g.finish_reason) for g in out]


@dataclass
class OpenAIEngine(RolloutEngine):
    """Rollouts through an OpenAI-compatible ``/v1/completions`` endpoint with token-id prompts.

    vLLM: ``vllm serve MODEL --max-logprobs 1``; requests set ``logprobs=0`` and
    ``return_tokens_as_token_ids`` so every sampled token comes back as ``token_id:N`` with
    its log-prob. Servers that cannot do this raise a clear error on the first call.
    """

    spec: str
    """``MODEL@http://host:port/v1`` (as after ``openai:`` in a model spec)."""
    concurrency: int = 8
    generated_tokens: int = 0

    def __post_init__(self) -> None:
        from agentzoo.llm.openai_compat import OpenAIChatModel

        self._client = OpenAIChatModel.from_spec(self.spec.removeprefix("openai:"))

    def _one(self, prompt: Sequence[int], seed: int, max_new_tokens: int, temperature: float, stop: Sequence[str]) -> Generation:
        from agentzoo.llm.base import LLMError

        payload: dict[str, Any] = {
            "model": self._client.model,
            "prompt": [int(t) for t in prompt],
            "max_tokens": max_new_tokens,
            "temperature": temperature,
            "seed": seed % (2**31),
            "logprobs": 0,
            "return_tokens_as_token_ids": True,
        }
        if stop:
            payload["stop"] = list(stop)
        body = self._client._post("/completions", payload)
        try:
            choice = body["choices"][0]
            logprobs = choice["logprobs"]
            tokens = logprobs["tokens"]
            values = logprobs["token_logprobs"]
            ids = tuple(int(str(t).split(":", 1)[1]) for t in tokens)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise LLMError(
                f"{self._client.base_url}/completions returned no token ids with log-probs "
                "(needs an OpenAI-compatible server such as vLLM with return_tokens_as_token_ids)"
            ) from exc
        reason = "length" if choice.get("finish_reason") == "length" else "stop"
        return Generation(ids, tuple(float(v) for v in values), str(choice.get("text", "")), reason)

    def sample(self, prompts_ids: Sequence[Sequence[int]], seeds: list[int], *, max_new_tokens: int,
               temperature: float, stop: tuple[str, ...]) -> list[Generation]:
        with ThreadPoolExecutor(max_workers=max(1, self.concurrency)) as pool:
            return list(pool.map(lambda args: self._one(args[0], args[1], max_new_tokens, temperature, stop),
                                 zip(prompts_ids, seeds, strict=True)))
