"""Memory-bounded per-token log-probabilities of a causal LM (the trainer's forward pass).

Only the positions that predict trained tokens are scored: the decoder runs on left-padded
rows, its hidden states are gathered at those positions, and only they go through the
lm_head, as ``logit[y] − logsumexp(logits)`` in chunks (each recomputed in the backward pass
when gradients flow), so at most one chunk of full-vocabulary logits exists at a time and
the full fp32 log-softmax over every position never does (FACTS.md: 19 GB at 16×384 tokens).

In ``topk`` training the layers below the first trainable one never change; their output
(:func:`prefix_cache`) can be computed once and fed back as ``inputs_embeds`` to the top
layers only, which is what makes several SFT epochs cheap.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import torch

from agentzoo.rl.rollout import TrainRow


def left_pad(rows: Sequence[TrainRow], pad_id: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """input_ids, attention_mask and position_ids of left-padded rows (every row ends at the last column)."""
    width = max(len(r.ids) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, width - len(row.ids):] = torch.tensor(row.ids, dtype=torch.long)
        attention[i, width - len(row.ids):] = 1
    return ids, attention, (attention.cumsum(-1) - 1).clamp(min=0)


def token_logprobs(
    model: Any,
    rows: Sequence[TrainRow],
    *,
    pad_id: int,
    temperature: float = 1.0,
    head_chunk: int = 1024,
    prefix: Mapping[int, torch.Tensor] | None = None,
    first_layer: int | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Log-probs of the trained tokens of ``rows``: ``[B, K]`` values and ``[B, K]`` mask, row b's
    trained tokens left-aligned (K = most trained tokens in a row). With ``prefix`` (from
    :func:`prefix_cache`, keyed by ``id(row)``) only the layers from ``first_layer`` up run."""
    ids, attention, positions = left_pad(rows, pad_id)
    width = ids.shape[1]
    row_index: list[int] = []
    col_index: list[int] = []
    targets: list[int] = []
    slot: list[int] = []
    for i, row in enumerate(rows):
        offset, k = width - len(row.ids), 0
        for t, trained in enumerate(row.mask):
            if trained:
                row_index.append(i)
                col_index.append(offset + t - 1)  # the hidden state that predicts token t
                targets.append(row.ids[t])
                slot.append(k)
                k += 1
    device = next(model.parameters()).device
    decoder = model.get_decoder()
    if prefix is None:
        hidden = decoder(input_ids=ids.to(device), attention_mask=attention.to(device),
                         position_ids=positions.to(device), use_cache=False).last_hidden_state
    else:
        if first_layer is None:
            raise ValueError("a prefix cache needs the index of the first layer it feeds")
        states = torch.zeros((len(rows), width, decoder.config.hidden_size), dtype=torch.float32, device=device)
        for i, row in enumerate(rows):
            states[i, width - len(row.ids):] = prefix[id(row)].to(device)
        with top_layers_only(decoder, first_layer):
            hidden = decoder(inputs_embeds=states, attention_mask=attention.to(device),
                             position_ids=positions.to(device), use_cache=False).last_hidden_state
    rows_t = torch.tensor(row_index, device=device)
    picked = hidden[rows_t, torch.tensor(col_index, device=device)]
    flat = head_logprobs(model.get_output_embeddings(), picked, torch.tensor(targets, device=device),
                         temperature, head_chunk)
    widest = max(1, max((r.n_action for r in rows), default=0))
    slots_t = torch.tensor(slot, device=device)
    out = torch.zeros((len(rows), widest), dtype=flat.dtype, device=device).index_put((rows_t, slots_t), flat)
    mask = torch.zeros((len(rows), widest), dtype=torch.bool, device=device)
    mask[rows_t, slots_t] = True
    return out, mask


def head_logprobs(head: Any, hidden: torch.Tensor, target: torch.Tensor, temperature: float = 1.0,
                  chunk: int = 1024) -> torch.Tensor:
    """``logit[y] − logsumexp(logits)`` of ``head(hidden) / temperature``, ``chunk`` rows at a time."""

    def chunk_logprobs(h: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        logits = head(h).float() / temperature
        return logits.gather(-1, y[:, None])[:, 0] - torch.logsumexp(logits, dim=-1)

    size = max(1, chunk)
    if hidden.shape[0] <= size:
        return chunk_logprobs(hidden, target)
    from torch.utils.checkpoint import checkpoint

    parts = []
    for start in range(0, hidden.shape[0], size):
        h, y = hidden[start : start + size], target[start : start + size]
        if torch.is_grad_enabled() and h.requires_grad:
            parts.append(checkpoint(chunk_logprobs, h, y, use_reentrant=False))
        else:
            parts.append(chunk_logprobs(h, y))
    return torch.cat(parts)


class _Stop(Exception):
    pass


def prefix_cache(model: Any, batches: Sequence[Sequence[TrainRow]], first_layer: int, pad_id: int
                 ) -> dict[int, torch.Tensor]:
    """Each row's hidden states at the input of decoder layer ``first_layer`` (keyed by ``id(row)``);
    the forward pass stops there."""
    decoder = model.get_decoder()
    device = next(model.parameters()).device
    captured: list[torch.Tensor] = []

    def grab(_module: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        captured.append((args[0] if args else kwargs["hidden_states"]).detach())
        raise _Stop

    out: dict[int, torch.Tensor] = {}
    handle = decoder.layers[first_layer].register_forward_pre_hook(grab, with_kwargs=True)
    try:
        with torch.no_grad():
            for batch in batches:
                ids, attention, positions = left_pad(batch, pad_id)
                captured.clear()
                with contextlib.suppress(_Stop):
                    decoder(input_ids=ids.to(device), attention_mask=attention.to(device),
                            position_ids=positions.to(device), use_cache=False)
                width = ids.shape[1]
                for i, row in enumerate(batch):
                    out[id(row)] = captured[0][i, width - len(row.ids):].cpu()
    finally:
        handle.remove()
    return out


@contextlib.contextmanager
def top_layers_only(decoder: Any, first_layer: int) -> Iterator[None]:
    """Temporarily keep only the decoder layers from ``first_layer`` up."""
    layers = decoder.layers
    decoder.layers = torch.nn.ModuleList(list(layers)[first_layer:])
    try:
        yield
    finally:
        decoder.layers = layers


def aligned(rows: Sequence[TrainRow], values: Callable[[TrainRow], Sequence[float]], width: int) -> torch.Tensor:
    """Per-row values at the trained positions, left-aligned like :func:`token_logprobs`."""
    out = torch.zeros((len(rows), width), dtype=torch.float32)
    for i, row in enumerate(rows):
        picked = [v for v, m in zip(values(row), row.mask, strict=True) if m]
        out[i, : len(picked)] = torch.tensor(picked, dtype=torch.float32)
    return out
