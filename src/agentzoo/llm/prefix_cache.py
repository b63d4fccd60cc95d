"""A prefix KV cache for the local backend: a prompt that extends an earlier one costs only
its new tokens.

Agents that replay their history (the alignment testbeds, tool-using research agents)
send prompts that grow turn by turn. :class:`PrefixCache` keeps the key/value tensors of
recent prompts, keyed by their token ids; :func:`prefill` finds the longest cached prefix
of a new prompt, runs the model on the remaining tokens only, and stores the result. The
lookup compares token ids, so a chat template that re-renders earlier turns differently
(e.g. dropping old thinking blocks) simply misses and recomputes: the cache can never
return keys for text that differs from the prompt.

:func:`stack_left_padded` turns several single-prompt caches into one batch (left-padded,
with the matching attention mask), so scoring and decoding stay batched.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MiB = 2**20


def default_max_bytes() -> int:
    """``$AGENTZOO_PREFIX_CACHE_MB`` if set, else a quarter of the available memory, between
    512 MiB and 4 GiB. A replayed history of a few hundred tokens is tens of MiB of fp32 keys
    and values (SmolLM2-135M: 46 KiB per token), so an agent population of 64 needs more
    than 512 MiB to keep every agent's last prompt from one round to the next."""
    wanted = os.environ.get("AGENTZOO_PREFIX_CACHE_MB")
    if wanted:
        return max(0, int(wanted)) * MiB
    try:
        meminfo = Path("/proc/meminfo").read_text()
        available_kib = int(next(line.split()[1] for line in meminfo.splitlines() if line.startswith("MemAvailable:")))
    except (OSError, StopIteration, ValueError, IndexError):
        return 512 * MiB
    return int(min(4096 * MiB, max(512 * MiB, available_kib * 1024 // 4)))


@dataclass(frozen=True)
class PrefixEntry:
    """The model state after a prompt."""

    ids: tuple[int, ...]
    layers: tuple[tuple[Any, Any], ...]
    """Per decoder layer, (keys, values) of shape [1, kv_heads, len(ids), head_dim]."""
    next_logits: Any
    """Logits over the vocabulary for the token after ``ids`` (shape [vocab])."""

    @property
    def nbytes(self) -> int:
        return sum(k.numel() * k.element_size() + v.numel() * v.element_size() for k, v in self.layers)


class PrefixCache:
    """An LRU of :class:`PrefixEntry` bounded by the bytes of its tensors."""

    def __init__(self, max_bytes: int | None = None) -> None:
        self.max_bytes = default_max_bytes() if max_bytes is None else max_bytes
        self._entries: OrderedDict[tuple[int, ...], PrefixEntry] = OrderedDict()
        self._bytes = 0
        self.hits = 0
        self.misses = 0
        self.tokens_computed = 0
        self.tokens_reused = 0

    def __len__(self) -> int:
        return len(self._entries)

    def longest_prefix(self, ids: Sequence[int]) -> PrefixEntry | None:
        """The cached entry with the longest ``ids`` that is a prefix of ``ids`` (or equal)."""
        best: PrefixEntry | None = None
        key = tuple(ids)
        for cached, entry in self._entries.items():
            if len(cached) <= len(key) and (best is None or len(cached) > len(best.ids)) and key[: len(cached)] == cached:
                best = entry
        if best is not None:
            self._entries.move_to_end(best.ids)
        return best

    def put(self, entry: PrefixEntry) -> None:
        if self.max_bytes <= 0 or entry.nbytes > self.max_bytes:
            return
        if entry.ids in self._entries:
            self._bytes -= self._entries.pop(entry.ids).nbytes
        self._entries[entry.ids] = entry
        self._bytes += entry.nbytes
        while self._bytes > self.max_bytes and self._entries:
            _, old = self._entries.popitem(last=False)
            self._bytes -= old.nbytes

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0


def prefill(model: Any, ids: Sequence[int], cache: PrefixCache | None) -> PrefixEntry:
    """The model state after ``ids``, reusing the longest cached prefix."""
    import torch
    from transformers import DynamicCache

    key = tuple(int(i) for i in ids)
    if not key:
        raise ValueError("cannot prefill an empty prompt")
    base = cache.longest_prefix(key) if cache is not None else None
    if base is not None and base.ids == key:
        if cache is not None:
            cache.hits += 1
            cache.tokens_reused += len(key)
        return base
    start = 0 if base is None else len(base.ids)
    device = next(model.parameters()).device
    past = DynamicCache(ddp_cache_data=list(base.layers)) if base is not None else DynamicCache()
    new = torch.tensor([key[start:]], dtype=torch.long, device=device)
    positions = torch.arange(start, len(key), device=device).unsqueeze(0)
    with torch.no_grad():
        out = model(input_ids=new, position_ids=positions, cache=past, use_cache=True, logits_to_keep=1)
    layers = tuple((layer.keys, layer.values) for layer in out.cache.layers)
    entry = PrefixEntry(key, layers, out.logits[0, -1].float())
    if cache is not None:
        cache.misses += base is None
        cache.hits += base is not None
        cache.tokens_computed += len(key) - start
        cache.tokens_reused += start
        cache.put(entry)
    return entry


def stack_left_padded(entries: Sequence[PrefixEntry]) -> tuple[Any, Any, list[int]]:
    """One batched ``DynamicCache`` of the entries (left-padded), its [B, Lmax] attention mask,
    and each row's prompt length (the position of its next token)."""
    import torch
    from transformers import DynamicCache

    lengths = [len(e.ids) for e in entries]
    width = max(lengths)
    layers = []
    for layer in range(len(entries[0].layers)):
        keys, values = [], []
        for entry in entries:
            k, v = entry.layers[layer]
            pad = width - k.shape[-2]
            if pad:
                k = torch.nn.functional.pad(k, (0, 0, pad, 0))
                v = torch.nn.functional.pad(v, (0, 0, pad, 0))
            keys.append(k)
            values.append(v)
        layers.append((torch.cat(keys, dim=0), torch.cat(values, dim=0)))
    device = layers[0][0].device
    mask = torch.zeros((len(entries), width), dtype=torch.long, device=device)
    for row, length in enumerate(lengths):
        mask[row, width - length:] = 1
    return DynamicCache(ddp_cache_data=layers), mask, lengths
