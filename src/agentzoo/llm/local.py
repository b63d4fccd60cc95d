"""The local backend: a transformers causal LM in this process (CPU, or a GPU if torch sees one).

``local`` is the embedded SmolLM2-135M-Instruct (see :mod:`agentzoo.llm.embedded`);
``local:PATH_OR_ID`` is any transformers model already on disk (no hub downloads).

Generation is our own short loop over the model's KV cache, so that

* a batch is left-padded and each row keeps its own positions: batched and one-by-one
  greedy decoding give the same text;
* each conversation samples from its own ``torch.Generator`` seeded by the call's seed
  and the conversation itself, so the same seed gives the same text whatever the batch.

The torch module stays trainable: the RL trainer updates ``model.model`` in place and
then calls :meth:`LocalChatModel.mark_weights_changed` so cached replies are not reused.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentzoo.llm.base import (
    BaseChatModel,
    Completion,
    Conversation,
    FinishReason,
    GenerationParams,
    LLMError,
)
from agentzoo.llm.prefix_cache import PrefixCache, PrefixEntry, prefill, stack_left_padded
from agentzoo.seeding import stream_key

log = logging.getLogger(__name__)


_THREADS_SET = False


def configure_torch_threads() -> int:
    """Choose torch's intra-op thread count once per process and return it.

    ``$AGENTZOO_TORCH_THREADS`` wins. Otherwise, when the machine is oversubscribed (1-minute
    load average above the core count), use one thread: OpenMP threads that cannot all run at
    once spin at their barriers, and we measured a 12x slowdown with 2 threads against 1 on a
    loaded 2-core machine. On an idle machine torch's default is kept.
    """
    global _THREADS_SET
    torch = _require_torch()
    if _THREADS_SET:
        return int(torch.get_num_threads())
    _THREADS_SET = True
    wanted = os.environ.get("AGENTZOO_TORCH_THREADS")
    if wanted:
        torch.set_num_threads(max(1, int(wanted)))
    elif hasattr(os, "getloadavg") and os.getloadavg()[0] > (os.cpu_count() or 1):
        log.info("machine oversubscribed (load %.1f on %d cores): torch uses 1 thread", os.getloadavg()[0], os.cpu_count() or 1)
        torch.set_num_threads(1)
    return int(torch.get_num_threads())


def _require_torch() -> Any:
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise LLMError("the local backend needs torch and transformers: pip install 'agentzoo[llm]'") from exc
    return torch


@dataclass(frozen=True)
class TokenGeneration:
    """One row of :meth:`LocalChatModel.generate_ids` (token-in/token-out, for RL)."""

    ids: list[int]
    """Generated token ids as sampled; ends with the end-of-turn id when the row stopped on it."""
    logprobs: list[float]
    """Log-probability of each id in ``ids`` under the sampling distribution."""
    finish_reason: FinishReason
    """``stop`` (end-of-turn id or a stop string) or ``length``."""
    text: str
    """Decoded text without special tokens, cut before a stop string."""
    completion_tokens: int
    """Generated tokens, the end-of-turn id not counted (as in :class:`Completion`)."""


@dataclass
class LocalChatModel(BaseChatModel):
    """A transformers model and its tokenizer, with a chat template."""

    model: Any = None
    """The ``torch.nn.Module`` (a ``PreTrainedModel``); trainable."""
    tokenizer: Any = None
    device: str = "cpu"
    seed: int = 0
    """Default sampling seed for calls that give none (each call then draws a new stream)."""
    max_batch: int = 16
    """Conversations per forward pass (memory bound)."""
    prefix_cache: PrefixCache = field(default_factory=PrefixCache)
    """Key/value tensors of recent prompts: a prompt extending one of them costs only its new
    tokens. Emptied automatically when the weights change (see :meth:`weights_stamp`)."""
    _weights_token: str = field(default="", init=False)
    _cache_stamp: int = field(default=0, init=False)
    _draws: int = field(default=0, init=False)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path_or_id: str | None = None, *, device: str | None = None, seed: int = 0) -> LocalChatModel:
        """The embedded model (``path_or_id=None``) or a local transformers model."""
        torch = _require_torch()
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if path_or_id is None:
            from agentzoo.llm.embedded import ensure_converted

            folder: str | Path = ensure_converted()
            spec = "local"
        else:
            folder, spec = path_or_id, f"local:{path_or_id}"
        device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        try:
            tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(
                folder, local_files_only=True, dtype=torch.float32
            )
        except OSError as exc:
            raise LLMError(f"cannot load local model {folder!r} (nothing is downloaded): {exc}") from exc
        return cls.from_objects(model, tokenizer, spec=spec, device=device, seed=seed)

    @classmethod
    def from_objects(
        cls, model: Any, tokenizer: Any, *, spec: str = "local:custom", device: str = "cpu", seed: int = 0
    ) -> LocalChatModel:
        """Wrap an already-built model and tokenizer (tests use a tiny random Llama)."""
        torch = _require_torch()
        # Left-padded rows carry tiny activations at masked positions; without flushing
        # denormals to zero, CPU matmuls on them slow down by an order of magnitude.
        torch.set_flush_denormal(True)
        configure_torch_threads()
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        model.to(device)
        model.eval()
        return cls(spec=spec, model=model, tokenizer=tokenizer, device=device, seed=seed)

    # ------------------------------------------------------------------ identity
    @property
    def fingerprint(self) -> str:
        """The spec, plus a token once the weights have changed (so cached replies miss)."""
        stamp = self.weights_stamp()
        if stamp or self._weights_token:
            return f"{self.spec}#{self._weights_token}{stamp}"
        return self.spec

    def weights_stamp(self) -> int:
        """Sum of torch's in-place version counters over the parameters: it grows with every
        optimizer step, so caches notice training even when nobody says so."""
        return sum(int(p._version) for p in self.model.parameters())

    def mark_weights_changed(self) -> None:
        """Call after replacing the weights by other means (e.g. loading a checkpoint)."""
        self._weights_token = uuid.uuid4().hex
        self.prefix_cache.clear()

    def _prefill(self, prompts: Sequence[Sequence[int]]) -> list[PrefixEntry]:
        stamp = self.weights_stamp()
        if stamp != self._cache_stamp:
            self.prefix_cache.clear()
            self._cache_stamp = stamp
        return [prefill(self.model, p, self.prefix_cache) for p in prompts]

    # ------------------------------------------------------------------ tokens
    def encode_prompt(self, messages: Conversation) -> list[int]:
        """Token ids of the chat-formatted conversation, ending with the assistant's turn header."""
        text = self.tokenizer.apply_chat_template(
            [dict(m) for m in messages], add_generation_prompt=True, tokenize=False
        )
        ids: list[int] = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        return ids

    def encode_text(self, text: str) -> list[int]:
        ids: list[int] = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        return ids

    def _stop_ids(self) -> set[int]:
        ids = {self.tokenizer.eos_token_id}
        end_of_turn = self.tokenizer.convert_tokens_to_ids("<|im_end|>")
        if isinstance(end_of_turn, int) and end_of_turn != self.tokenizer.unk_token_id:
            ids.add(end_of_turn)
        configured = getattr(getattr(self.model, "generation_config", None), "eos_token_id", None)
        if isinstance(configured, int):
            ids.add(configured)
        elif isinstance(configured, list):
            ids.update(configured)
        return {i for i in ids if i is not None}

    def _left_pad(self, rows: Sequence[Sequence[int]]) -> tuple[Any, Any, Any]:
        """input_ids, attention_mask and position_ids of left-padded ``rows``."""
        torch = _require_torch()
        width = max(len(r) for r in rows)
        pad = self.tokenizer.pad_token_id
        ids = torch.full((len(rows), width), pad, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            ids[i, width - len(row):] = torch.tensor(row, dtype=torch.long)
            mask[i, width - len(row):] = 1
        positions = (mask.cumsum(-1) - 1).clamp(min=0)
        return ids.to(self.device), mask.to(self.device), positions.to(self.device)

    # ------------------------------------------------------------------ generation
    def _generate(
        self, conversations: Sequence[Conversation], params: GenerationParams
    ) -> list[Completion]:
        prompts = [self.encode_prompt(c) for c in conversations]
        if params.temperature > 0 and params.seed is None:
            self._draws += 1
            base: object = ("default", self.seed, self._draws)
        else:
            base = params.seed
        seeds = [stream_key(base, json.dumps([dict(m) for m in c], sort_keys=True)) for c in conversations]
        order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
        results: list[Completion | None] = [None] * len(prompts)
        for start in range(0, len(order), self.max_batch):
            chunk = order[start : start + self.max_batch]
            texts = self._generate_batch([prompts[i] for i in chunk], [seeds[i] for i in chunk], params)
            for i, completion in zip(chunk, texts, strict=True):
                results[i] = completion
        return [r for r in results if r is not None]

    def _generate_batch(
        self, prompts: list[list[int]], seeds: list[int], params: GenerationParams
    ) -> list[Completion]:
        generations = self._decode_batch(prompts, seeds, params)
        return [
            Completion(g.text, len(p), g.completion_tokens, g.finish_reason, self.spec)
            for p, g in zip(prompts, generations, strict=True)
        ]

    def generate_ids(
        self,
        prompts: Sequence[Sequence[int]],
        seeds: Sequence[int],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        top_p: float = 1.0,
        stop: Sequence[str] = (),
    ) -> list[TokenGeneration]:
        """Token-in/token-out generation for RL: prompts are token ids, one seed per prompt.

        Each result holds the generated ids exactly as sampled (the end-of-turn id included
        when the row stopped on it) and the log-probability of each under the sampling
        distribution (``softmax(logits / temperature)``; plain ``softmax`` when greedy).
        """
        if len(prompts) != len(seeds):
            raise ValueError(f"{len(prompts)} prompts but {len(seeds)} seeds")
        params = GenerationParams(max_tokens, float(temperature), float(top_p), tuple(stop), None)
        order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
        results: list[TokenGeneration | None] = [None] * len(prompts)
        for start in range(0, len(order), self.max_batch):
            chunk = order[start : start + self.max_batch]
            rows = [list(prompts[i]) for i in chunk]
            for i, generation in zip(chunk, self._decode_batch(rows, [seeds[i] for i in chunk], params), strict=True):
                results[i] = generation
        return [r for r in results if r is not None]

    def _decode_batch(
        self, prompts: list[list[int]], seeds: list[int], params: GenerationParams
    ) -> list[TokenGeneration]:
        torch = _require_torch()
        stop_ids = self._stop_ids()
        entries = self._prefill(prompts)
        past, mask, lengths = stack_left_padded(entries)
        logits = torch.stack([e.next_logits for e in entries])
        step_positions = torch.tensor(lengths, device=self.device).view(-1, 1)
        batch = len(prompts)
        generators = [torch.Generator(device="cpu").manual_seed(s % (2**63)) for s in seeds]
        generated: list[list[int]] = [[] for _ in range(batch)]
        logprobs: list[list[float]] = [[] for _ in range(batch)]
        stopped_on: list[int | None] = [None] * batch
        finish: list[str | None] = [None] * batch
        texts = [""] * batch
        next_ids: Any = None
        with torch.no_grad():
            for step in range(params.max_tokens):
                if step:
                    out = self.model(
                        input_ids=next_ids.view(-1, 1).to(self.device),
                        attention_mask=mask,
                        position_ids=step_positions,
                        cache=past,
                        use_cache=True,
                        logits_to_keep=1,
                    )
                    past = out.cache
                    logits = out.logits[:, -1, :].float()
                    step_positions = step_positions + 1
                mask = torch.cat([mask, torch.ones((batch, 1), dtype=mask.dtype, device=self.device)], dim=1)
                next_ids = self._pick(logits, params, generators, finish)
                scale = params.temperature if params.temperature > 0 else 1.0
                picked_logprobs = torch.log_softmax(logits / scale, dim=-1).cpu()
                for row in range(batch):
                    if finish[row] is not None:
                        continue
                    token = int(next_ids[row])
                    if token in stop_ids:
                        finish[row], stopped_on[row] = "stop", token
                        logprobs[row].append(float(picked_logprobs[row, token]))
                        continue
                    generated[row].append(token)
                    logprobs[row].append(float(picked_logprobs[row, token]))
                    if params.stop:
                        text = self.tokenizer.decode(generated[row], skip_special_tokens=True)
                        hit = min((text.index(s) for s in params.stop if s and s in text), default=None)
                        if hit is not None:
                            texts[row], finish[row] = text[:hit], "stop"
                if all(f is not None for f in finish):
                    break
        out_rows = []
        for row in range(batch):
            text = texts[row] if texts[row] else self.tokenizer.decode(generated[row], skip_special_tokens=True)
            row_ids = generated[row] + ([stopped_on[row]] if stopped_on[row] is not None else [])
            out_rows.append(
                TokenGeneration(row_ids, logprobs[row], finish[row] or "length", text, len(generated[row]))  # type: ignore[arg-type]
            )
        return out_rows

    def _pick(self, logits: Any, params: GenerationParams, generators: list[Any], finish: list[str | None]) -> Any:
        torch = _require_torch()
        if params.temperature == 0:
            return logits.argmax(dim=-1).cpu()
        probs = torch.softmax(logits / params.temperature, dim=-1).cpu()
        if params.top_p < 1.0:  # nucleus: keep the smallest prefix of sorted tokens with mass >= top_p
            sorted_probs, index = probs.sort(dim=-1, descending=True)
            keep = sorted_probs.cumsum(-1) - sorted_probs < params.top_p
            sorted_probs = sorted_probs * keep
            probs = torch.zeros_like(probs).scatter(-1, index, sorted_probs)
            probs = probs / probs.sum(-1, keepdim=True)
        picks = torch.zeros(len(generators), dtype=torch.long)
        for row, generator in enumerate(generators):
            if finish[row] is None:
                picks[row] = torch.multinomial(probs[row], 1, generator=generator)[0]
        return picks

    # ------------------------------------------------------------------ scoring
    def _score(self, items: Sequence[tuple[Conversation, Sequence[str]]], prefix: str = "") -> list[list[float]]:
        """Sum of log p(option tokens | prompt + prefix) per option, the option continuing the
        assistant's reply after ``prefix``. Prompts go through the prefix cache; each item's options
        are scored as one batch on top of its prompt's cached keys and values. (Batching options
        of different items would copy every prompt's cache padded to the longest one: measured
        slower than item by item.)"""
        torch = _require_torch()
        prefix_ids = self.encode_text(prefix) if prefix else []
        entries = self._prefill([self.encode_prompt(m) + prefix_ids for m, _ in items])
        rows: list[tuple[int, list[int]]] = []
        for item, (_, options) in enumerate(items):
            for option in options:
                ids = self.encode_text(option)
                if not ids:
                    raise ValueError(f"option {option!r} encodes to no tokens")
                rows.append((item, ids))
        scores: list[float] = []
        chunks: list[list[tuple[int, list[int]]]] = []
        for item in range(len(items)):
            mine = [row for row in rows if row[0] == item]
            chunks += [mine[i : i + self.max_batch] for i in range(0, len(mine), self.max_batch)]
        with torch.no_grad():
            for chunk in chunks:
                width = max(len(ids) for _, ids in chunk)
                inputs = torch.full((len(chunk), width), self.tokenizer.pad_token_id, dtype=torch.long)
                new_mask = torch.zeros((len(chunk), width), dtype=torch.long)
                for r, (_, ids) in enumerate(chunk):
                    inputs[r, : len(ids)] = torch.tensor(ids)
                    new_mask[r, : len(ids)] = 1
                inputs, new_mask = inputs.to(self.device), new_mask.to(self.device)
                # Token 0 of an option is predicted by the prompt's last position (cached);
                # token j >= 1 by the forward pass over the option's own tokens 0..j-1.
                predict = torch.stack([entries[i].next_logits for i, _ in chunk]).unsqueeze(1)
                if width > 1:
                    past, past_mask, lengths = stack_left_padded([entries[i] for i, _ in chunk])
                    positions = torch.tensor(lengths, device=self.device).view(-1, 1) + torch.arange(width, device=self.device)
                    logits = self.model(
                        input_ids=inputs[:, :-1], attention_mask=torch.cat([past_mask, new_mask[:, :-1]], dim=1),
                        position_ids=positions[:, :-1], cache=past, use_cache=True,
                    ).logits.float()
                    predict = torch.cat([predict, logits], dim=1)
                picked = predict.gather(-1, inputs.unsqueeze(-1)).squeeze(-1) - torch.logsumexp(predict, dim=-1)
                scores += [float(picked[r, : len(ids)].sum()) for r, (_, ids) in enumerate(chunk)]
        out: list[list[float]] = [[] for _ in items]
        for (item, _), score in zip(rows, scores, strict=True):
            out[item].append(score)
        return out
