"""Rollout records for multi-turn, multi-role RL.

A :class:`Rollout` is one training row in the making: one role's token sequence, built from
:class:`Segment` pieces that are either context (prompt, tool observation, summary: loss
mask 0) or the policy's own sampled tokens (loss mask 1, with the log-probabilities they had
when sampled). A rollout may spawn child rollouts (a System-1 summary call in MARS, a worker
in MATPO), linked through ``parent_id``; all rollouts of one question share a ``group_id``
(the GRPO group). Token ids are stored exactly as generated and never re-tokenised
(re-tokenising decoded text changes token boundaries and breaks the old log-probs).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Segment:
    """A run of tokens that share one loss-mask value."""

    token_ids: tuple[int, ...]
    """Token ids, exactly as generated or as the chat template produced them."""
    logprobs: tuple[float, ...] | None = None
    """Behaviour log-probabilities of ``token_ids`` for sampled segments; None for context and
    for supervised text (SFT rows need no log-probs; PPO with ``old_logprobs="rollout"`` does)."""
    loss_mask: bool = False
    """True for the policy's own sampled tokens (actions); False for context."""
    role: str = ""
    """The role that produced the segment (``sys2``, ``sys1``, ``tool``, ``prompt``...)."""

    def __post_init__(self) -> None:
        if self.logprobs is not None and len(self.logprobs) != len(self.token_ids):
            raise ValueError(
                f"segment has {len(self.token_ids)} tokens but {len(self.logprobs)} log-probs"
            )

    def __len__(self) -> int:
        return len(self.token_ids)

    @classmethod
    def context(cls, token_ids: Sequence[int], role: str = "context") -> Segment:
        return cls(tuple(int(t) for t in token_ids), None, False, role)

    @classmethod
    def action(cls, token_ids: Sequence[int], logprobs: Sequence[float], role: str) -> Segment:
        return cls(tuple(int(t) for t in token_ids), tuple(float(x) for x in logprobs), True, role)


@dataclass(frozen=True)
class TrainRow:
    """A flattened rollout for the trainer: ``ids[t]`` is trained iff ``mask[t]``."""

    ids: tuple[int, ...]
    mask: tuple[bool, ...]
    old_logprobs: tuple[float, ...]
    """Behaviour log-probs aligned with ``ids`` (0.0 at context positions)."""
    advantage: float
    role: str
    rollout_id: str = ""
    loss_group: str = ""
    """Rows of one loss group share one normaliser (MARS: one group per role)."""

    def __post_init__(self) -> None:
        if not (len(self.ids) == len(self.mask) == len(self.old_logprobs)):
            raise ValueError("ids, mask and old_logprobs must have the same length")
        if self.mask and self.mask[0]:
            raise ValueError("the first token has no context to be predicted from; mask it out")

    @property
    def n_action(self) -> int:
        return sum(self.mask)


@dataclass
class Rollout:
    """One role's sequence within an episode."""

    id: str
    parent_id: str | None
    """The rollout that spawned this one (None for a root, e.g. MARS's System 2)."""
    group_id: str
    """GRPO group: all rollouts sampled for one question."""
    role: str
    segments: list[Segment] = field(default_factory=list)
    reward: float = 0.0
    advantage: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)

    def append(self, segment: Segment) -> None:
        self.segments.append(segment)

    @property
    def token_ids(self) -> list[int]:
        return [t for s in self.segments for t in s.token_ids]

    def __len__(self) -> int:
        return sum(len(s) for s in self.segments)

    @property
    def n_action_tokens(self) -> int:
        return sum(len(s) for s in self.segments if s.loss_mask)

    def to_row(self, loss_group: str | None = None) -> TrainRow:
        """The trainer's view: all tokens, their mask, behaviour log-probs and the advantage."""
        ids: list[int] = []
        mask: list[bool] = []
        old: list[float] = []
        for segment in self.segments:
            ids.extend(segment.token_ids)
            mask.extend([segment.loss_mask] * len(segment))
            old.extend(segment.logprobs if segment.logprobs is not None else [0.0] * len(segment))
        return TrainRow(
            tuple(ids), tuple(mask), tuple(old), float(self.advantage), self.role, self.id,
            self.role if loss_group is None else loss_group,
        )


@dataclass
class RolloutTree:
    """The rollouts of one episode: a root and the calls it spawned (any depth)."""

    root: Rollout
    children: list[Rollout] = field(default_factory=list)

    def add(self, child: Rollout) -> Rollout:
        if child.group_id != self.root.group_id:
            raise ValueError("a child rollout must belong to its root's group")
        known = {r.id for r in self}
        if child.parent_id not in known:
            raise ValueError(f"child {child.id} has unknown parent {child.parent_id!r}")
        self.children.append(child)
        return child

    def __iter__(self) -> Iterator[Rollout]:
        yield self.root
        yield from self.children

    def by_role(self, role: str) -> list[Rollout]:
        return [r for r in self if r.role == role]

    def set_reward(self, reward: float) -> None:
        """Give every rollout of the episode the shared trajectory reward."""
        for rollout in self:
            rollout.reward = float(reward)

    def depth(self, rollout: Rollout) -> int:
        index = {r.id: r for r in self}
        depth, current = 0, rollout
        while current.parent_id is not None:
            current = index[current.parent_id]
            depth += 1
        return depth


def flatten(trees: Sequence[RolloutTree]) -> list[Rollout]:
    """All rollouts of ``trees``, roots first within each tree."""
    return [r for tree in trees for r in tree]
