"""Advantage assignment: GRPO group normalisation and the rules for spawned rollouts.

* :func:`group_normalize` — GRPO (Shao et al. 2024, eq. 3 of the outcome-supervision form):
  ``A_k = (r_k − mean_g r) / (std_g r + eps)`` over the rollouts of one group ``g``, with the
  population standard deviation; ``scale="none"`` keeps only the centring (Dr. GRPO).
* :func:`pooled_by_role` — MARS: root rows are normalised within their group; every spawned
  row inherits its trajectory's reward and is normalised within the group's pool of rows of
  its own role.
* :func:`inherit_from_parent` — MATPO: only roots are normalised; a spawned row copies its
  parent's scalar advantage bit for bit.

Each rule sets ``Rollout.advantage`` in place and returns :class:`AdvantageStats`, which
counts the groups whose rewards were all equal (they carry no learning signal).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from agentzoo.rl.rollout import Rollout

Scale = Literal["std", "none"]
EPS = 1e-6


def group_normalize(
    rewards: Sequence[float] | np.ndarray,
    group_ids: Sequence[Hashable] | None = None,
    scale: Scale = "std",
    eps: float = EPS,
) -> np.ndarray:
    """Group-normalised advantages (population std). ``group_ids=None`` means one group."""
    r = np.asarray(rewards, dtype=np.float64)
    if r.ndim != 1:
        raise ValueError("rewards must be one-dimensional")
    if scale not in ("std", "none"):
        raise ValueError(f"scale must be 'std' or 'none', got {scale!r}")
    groups = list(group_ids) if group_ids is not None else [0] * len(r)
    if len(groups) != len(r):
        raise ValueError(f"{len(r)} rewards but {len(groups)} group ids")
    advantages = np.zeros_like(r)
    for members in _members(groups).values():
        rg = r[members]
        centred = rg - rg.mean()
        advantages[members] = centred / (rg.std() + eps) if scale == "std" else centred
    return advantages


def zero_variance_groups(
    rewards: Sequence[float] | np.ndarray, group_ids: Sequence[Hashable] | None = None
) -> int:
    """Number of groups whose rewards are all equal."""
    r = np.asarray(rewards, dtype=np.float64)
    groups = list(group_ids) if group_ids is not None else [0] * len(r)
    return sum(1 for m in _members(groups).values() if np.ptp(r[m]) == 0.0)


def _members(groups: Sequence[Hashable]) -> dict[Hashable, np.ndarray]:
    out: dict[Hashable, list[int]] = {}
    for i, g in enumerate(groups):
        out.setdefault(g, []).append(i)
    return {g: np.asarray(idx) for g, idx in out.items()}


@dataclass(frozen=True)
class AdvantageStats:
    """What an advantage rule did to one batch."""

    groups: int
    zero_variance_groups: int
    rows_per_role: dict[str, int] = field(default_factory=dict)

    @property
    def zero_variance_fraction(self) -> float:
        return self.zero_variance_groups / self.groups if self.groups else 0.0


AdvantageFn = Callable[[Sequence[Rollout]], AdvantageStats]


def _roots(rollouts: Sequence[Rollout]) -> list[Rollout]:
    return [r for r in rollouts if r.parent_id is None]


def _root_of(rollouts: Sequence[Rollout]) -> Callable[[Rollout], Rollout]:
    index = {r.id: r for r in rollouts}

    def find(rollout: Rollout) -> Rollout:
        while rollout.parent_id is not None:
            if rollout.parent_id not in index:
                raise ValueError(f"rollout {rollout.id} has unknown parent {rollout.parent_id!r}")
            rollout = index[rollout.parent_id]
        return rollout

    return find


def _stats(rollouts: Sequence[Rollout], roots: Sequence[Rollout]) -> AdvantageStats:
    rewards = [r.reward for r in roots]
    groups = [r.group_id for r in roots]
    counts: dict[str, int] = {}
    for r in rollouts:
        counts[r.role] = counts.get(r.role, 0) + 1
    return AdvantageStats(len(set(groups)), zero_variance_groups(rewards, groups), counts)


def _normalize_roots(roots: Sequence[Rollout], scale: Scale) -> None:
    values = group_normalize([r.reward for r in roots], [r.group_id for r in roots], scale)
    for rollout, a in zip(roots, values, strict=True):
        rollout.advantage = float(a)


def pooled_by_role(rollouts: Sequence[Rollout], scale: Scale = "std") -> AdvantageStats:
    """MARS: ``A2_k = (r_k − mean_G r)/(std_G r + ε)`` for roots, and for spawned rows
    ``A1_kj = (r_k − mean_P r)/(std_P r + ε)`` over the pool P of rows of the same role and
    group, each row carrying its trajectory's reward r_k (spec mars.md, "Rewards and advantages")."""
    roots = _roots(rollouts)
    _normalize_roots(roots, scale)
    find_root = _root_of(rollouts)
    spawned = [r for r in rollouts if r.parent_id is not None]
    for rollout in spawned:
        rollout.reward = find_root(rollout).reward
    pools = [(r.group_id, r.role) for r in spawned]
    values = group_normalize([r.reward for r in spawned], pools, scale)
    for rollout, a in zip(spawned, values, strict=True):
        rollout.advantage = float(a)
    return _stats(rollouts, roots)


def inherit_from_parent(rollouts: Sequence[Rollout], scale: Scale = "std") -> AdvantageStats:
    """MATPO: normalise roots within their group; every spawned row copies its parent's
    advantage (authors' ``broadcast_advantage_return_tensor_by_reqs_ids``)."""
    roots = _roots(rollouts)
    _normalize_roots(roots, scale)
    index = {r.id: r for r in rollouts}
    pending = [r for r in rollouts if r.parent_id is not None]
    done = {r.id for r in roots}
    while pending:  # parents before children, whatever the order of ``rollouts``
        progressed = False
        for rollout in list(pending):
            parent_id = rollout.parent_id
            if parent_id not in index:
                raise ValueError(f"rollout {rollout.id} has unknown parent {parent_id!r}")
            if parent_id in done:
                parent = index[parent_id]
                rollout.advantage, rollout.reward = parent.advantage, parent.reward
                done.add(rollout.id)
                pending.remove(rollout)
                progressed = True
        if not progressed:
            raise ValueError("rollout parent links form a cycle")
    return _stats(rollouts, roots)


def roots_only(rollouts: Sequence[Rollout], scale: Scale = "std") -> AdvantageStats:
    """Normalise roots; spawned rows get advantage 0 (they are dropped from the loss)."""
    roots = _roots(rollouts)
    _normalize_roots(roots, scale)
    for rollout in rollouts:
        if rollout.parent_id is not None:
            rollout.advantage = 0.0
    return _stats(rollouts, roots)
