"""The generic GRPO loop for multi-role, multi-turn rollouts (Shao et al. 2024, §4.1.2).

One step::

    tasks    = sample_tasks(step)                    # questions / prompts
    trees    = rollout_fn(tasks, step)               # G episodes per task, each a RolloutTree
    stats    = advantage_fn(rollouts)                # e.g. pooled_by_role (MARS), inherit_from_parent (MATPO)
    rollouts = select_fn(rollouts, rng)              # e.g. sample balancing (MARS); identity by default
    trainer.ppo_step(rows, normalizers)              # PPO-clip per loss group, one optimizer step

A system plugs in ``sample_tasks``, ``rollout_fn``, ``advantage_fn`` and optionally
``select_fn``, ``loss_group`` (which rows share a normaliser) and ``normalizers``. All
randomness of step t comes from streams named by (seed, t), and the loop checkpoints after
every step, so a killed run resumes where it stopped and gives the same result.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.rl.advantages import AdvantageFn, AdvantageStats
from agentzoo.rl.rollout import Rollout, RolloutTree, flatten
from agentzoo.rl.trainer import Trainer
from agentzoo.seeding import rng

log = logging.getLogger(__name__)

RolloutFn = Callable[[Sequence[Any], int], list[RolloutTree]]
SelectFn = Callable[[list[Rollout], np.random.Generator], tuple[list[Rollout], dict[str, float]]]


@dataclass(frozen=True)
class GRPOConfig:
    """Schedule of the loop."""

    steps: int = 10
    """Number of policy updates."""
    seed: int = 0
    """Root of every random stream of the loop."""

    def __post_init__(self) -> None:
        if self.steps < 0:
            raise ValueError(f"steps must be >= 0, got {self.steps}")


def keep_all(rollouts: list[Rollout], _: np.random.Generator) -> tuple[list[Rollout], dict[str, float]]:
    return rollouts, {}


class GRPO:
    """The loop; ``history`` holds one metrics dict per finished step."""

    def __init__(
        self,
        trainer: Trainer,
        sample_tasks: Callable[[int, np.random.Generator], Sequence[Any]],
        rollout_fn: RolloutFn,
        advantage_fn: AdvantageFn,
        config: GRPOConfig,
        *,
        select_fn: SelectFn = keep_all,
        loss_group: Callable[[Rollout], str] = lambda r: r.role,
        normalizers: Callable[[list[Rollout]], Mapping[str, float]] | None = None,
        after_update: Callable[[], None] | None = None,
        on_step: Callable[[dict[str, Any]], None] | None = None,
        on_resume: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> None:
        self.trainer = trainer
        self.sample_tasks = sample_tasks
        self.rollout_fn = rollout_fn
        self.advantage_fn = advantage_fn
        self.config = config
        self.select_fn = select_fn
        self.loss_group = loss_group
        self.normalizers = normalizers
        self.after_update = after_update
        self.on_step = on_step
        self.on_resume = on_resume
        self.history: list[dict[str, Any]] = []

    def step(self, t: int) -> dict[str, Any]:
        """Run step ``t`` (0-based) and return its metrics."""
        seed = self.config.seed
        start = time.perf_counter()
        tasks = self.sample_tasks(t, rng(seed, "grpo-tasks", t))
        trees = self.rollout_fn(tasks, t)
        rollout_s = time.perf_counter() - start
        rollouts = flatten(trees)
        stats: AdvantageStats = self.advantage_fn(rollouts)
        selected, select_stats = self.select_fn(rollouts, rng(seed, "grpo-select", t))
        rows = [r.to_row(self.loss_group(r)) for r in selected]
        norms = self.normalizers(selected) if self.normalizers else None
        train_start = time.perf_counter()
        train_stats = self.trainer.ppo_step(rows, norms)
        if self.after_update is not None:
            self.after_update()
        train_s = time.perf_counter() - train_start
        roots = [tree.root for tree in trees]
        rewards = np.array([r.reward for r in roots], dtype=float)
        metrics: dict[str, Any] = {
            "step": t,
            "reward": float(rewards.mean()) if len(rewards) else 0.0,
            "zero_variance_fraction": stats.zero_variance_fraction,
            "rollout_seconds": rollout_s,
            "train_seconds": train_s,
            **{f"rows_{role}": n for role, n in stats.rows_per_role.items()},
            **{f"kept_{role}": sum(1 for r in selected if r.role == role) for role in stats.rows_per_role},
            **select_stats,
            **{f"train_{k}": v for k, v in train_stats.items()},
        }
        return metrics

    def run(self, checkpoint: str | Path | None = None) -> list[dict[str, Any]]:
        """Run all steps; with ``checkpoint``, resume from it if present and save after each step."""
        first = 0
        path = Path(checkpoint) if checkpoint is not None else None
        if path is not None and path.exists():
            extra = self.trainer.load(path)
            self.history = list(extra.get("history", []))
            first = int(extra.get("next_step", len(self.history)))
            if self.after_update is not None:
                self.after_update()
            if self.on_resume is not None:
                self.on_resume(self.history)
            log.info("resumed from %s at step %d", path, first)
        for t in range(first, self.config.steps):
            metrics = self.step(t)
            if self.on_step is not None:  # may add entries (e.g. a held-out evaluation)
                self.on_step(metrics)
            self.history.append(metrics)
            if path is not None:
                self.trainer.save(path, extra={"history": self.history, "next_step": t + 1})
            log.info(
                "step %d: reward %.3f, zero-variance groups %.2f, rollout %.1fs, train %.1fs",
                t, metrics["reward"], metrics["zero_variance_fraction"],
                metrics["rollout_seconds"], metrics["train_seconds"],
            )
        return self.history
