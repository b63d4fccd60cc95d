"""Credit assignment from the planner's reward to the planner and every worker it spawned.

(Paper, in substance.) The planner turns and all worker rollouts are samples of one policy π_θ
in one episode τ with one reward r(τ), so ∇J = E[Â(τ)·Σ_{action tokens t of τ, any role}
∇log π_θ(a_t | context_t)]: every action token of the episode, planner or worker, carries the same
advantage. (Authors' code, ``protocol.py``, ``broadcast_advantage_return_tensor_by_reqs_ids``.)

* ``inherit`` (MATPO): ``A_k = (r_k − mean_G r)/(std_G r + ε)`` over the n planner rollouts of a
  question; each worker row copies the scalar advantage of its parent planner row (found through
  ``parent_id``), bit for bit;
* ``pooled`` (MARS, as an ablation): worker rows are normalised within their group's worker pool;
* ``planner_only``: worker rows are dropped (no gradient through workers).

Loss normaliser: every row is in one loss group. In ``token-mean`` (the authors' default) the loss
is the mean over all unmasked tokens of all rows. In the seq-mean modes the authors rescale by
``batch_size / num_planner_rollouts``: the normaliser is the number of planner rows, so episodes that
spawn more workers do not shrink the planner's gradient (spec pitfall "dilution").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agentzoo.rl.advantages import AdvantageStats, inherit_from_parent, pooled_by_role, roots_only
from agentzoo.rl.rollout import Rollout

LOSS_GROUP = "all"
MODES = ("inherit", "pooled", "planner_only")
_RULES = {"inherit": inherit_from_parent, "pooled": pooled_by_role, "planner_only": roots_only}


@dataclass(frozen=True)
class Credit:
    """One advantage mode and loss aggregation, as the GRPO loop's hooks."""

    mode: str = "inherit"
    agg: str = "token-mean"

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown advantage_mode {self.mode!r}; allowed: {', '.join(MODES)}")
        if self.agg not in ("token-mean", "seq-mean-token-mean", "seq-mean-token-sum"):
            raise ValueError(f"unknown loss aggregation {self.agg!r}")

    def advantages(self, rollouts: Sequence[Rollout]) -> AdvantageStats:
        """Set ``Rollout.advantage`` for every row (planner rows: GRPO within the group)."""
        return _RULES[self.mode](rollouts)

    def select(self, rollouts: list[Rollout], _: np.random.Generator) -> tuple[list[Rollout], dict[str, float]]:
        """The rows that enter the loss: all, or only planner rows in ``planner_only``."""
        if self.mode != "planner_only":
            return rollouts, {"dropped_worker_rows": 0.0}
        kept = [r for r in rollouts if r.parent_id is None]
        return kept, {"dropped_worker_rows": float(len(rollouts) - len(kept))}

    @staticmethod
    def loss_group(_: Rollout) -> str:
        return LOSS_GROUP

    def normalizers(self, rollouts: Sequence[Rollout]) -> dict[str, float]:
        """The trainer's normaliser override: the planner count in the seq-mean modes; none (the default
        token count of all rows) in token-mean."""
        if self.agg == "token-mean":
            return {}
        return {LOSS_GROUP: float(sum(1 for r in rollouts if r.parent_id is None))}

    def normalizer_value(self, rollouts: Sequence[Rollout]) -> float:
        """The normaliser N the loss is divided by for these rows (for the metrics)."""
        override = self.normalizers(rollouts)
        if override:
            return override[LOSS_GROUP]
        return float(sum(r.n_action_tokens for r in rollouts))
