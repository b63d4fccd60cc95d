"""Warm start: supervised fine-tuning (SFT) and rejection-sampling fine-tuning (RFT).

A 135M model scores about 0 on multi-hop tool use zero-shot, so GRPO groups would carry no
variance; a short warm start on program-generated gold trajectories (SFT) or on the
policy's own successful samples (RFT, Yuan et al. 2023) fixes the format first. Rows are the
same masked multi-role rows GRPO trains on (only the policy's own turns are trained).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from agentzoo.progress import track
from agentzoo.rl.rollout import Rollout, RolloutTree, TrainRow
from agentzoo.rl.trainer import Trainer

log = logging.getLogger(__name__)


def sft(
    trainer: Trainer,
    rows: Sequence[TrainRow],
    *,
    epochs: int,
    batch_rows: int,
    rng: np.random.Generator,
    description: str = "warm start",
) -> list[float]:
    """Shuffle ``rows`` each epoch, one optimizer step per ``batch_rows``; mean NLL per epoch."""
    if epochs < 0 or batch_rows < 1:
        raise ValueError("epochs must be >= 0 and batch_rows >= 1")
    rows = [r for r in rows if r.n_action > 0]
    losses: list[float] = []
    if not rows:
        return losses
    prefix = trainer.prefix_cache(rows) if epochs > 1 else None  # frozen layers: run them once
    for epoch in track(range(epochs), description):
        order = rng.permutation(len(rows))
        values = []
        for start in range(0, len(rows), batch_rows):
            batch = [rows[int(i)] for i in order[start : start + batch_rows]]
            values.append(trainer.sft_step(batch, prefix=prefix)["nll"])
        losses.append(float(np.mean(values)))
        log.info("%s epoch %d: nll %.4f", description, epoch, losses[-1])
    return losses


def successful(trees: Sequence[RolloutTree], threshold: float = 1.0, per_group: int | None = 1) -> list[Rollout]:
    """Rejection sampling: every rollout of the episodes whose reward ≥ ``threshold``,
    at most ``per_group`` episodes per group (None: all)."""
    kept: list[Rollout] = []
    taken: dict[str, int] = {}
    for tree in trees:
        group = tree.root.group_id
        if tree.root.reward < threshold:
            continue
        if per_group is not None and taken.get(group, 0) >= per_group:
            continue
        taken[group] = taken.get(group, 0) + 1
        kept.extend(tree)
    return kept
