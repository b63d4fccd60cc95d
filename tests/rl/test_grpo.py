"""The GRPO loop on the tiny model: learning sanity and bit-exact resume."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from agentzoo.rl.advantages import pooled_by_role
from agentzoo.rl.engine import LocalEngine
from agentzoo.rl.grpo import GRPO, GRPOConfig
from agentzoo.rl.rollout import Rollout, RolloutTree, Segment
from agentzoo.rl.tiny import CopyTask, tiny_chat_model
from agentzoo.rl.trainer import Trainer, TrainerConfig
from agentzoo.seeding import stream_key


def _loop(steps: int, task: CopyTask, group: int = 8, prompts: int = 8, lr: float = 3e-3) -> tuple[GRPO, Any]:
    chat = tiny_chat_model(seed=0)
    engine = LocalEngine(chat)
    trainer = Trainer(chat.model, TrainerConfig(mode="full", lr=lr), pad_id=0)

    def rollout_fn(tasks: Sequence[list[int]], t: int) -> list[RolloutTree]:
        rows = [p for p in tasks for _ in range(group)]
        gens = engine.generate(
            rows, max_new_tokens=task.length, temperature=1.0, seeds=[stream_key(t, i) for i in range(len(rows))]
        )
        trees = []
        for i, (p, g) in enumerate(zip(rows, gens, strict=True)):
            root = Rollout(f"{t}-{i}", None, f"{t}-{i // group}", "policy",
                           [Segment.context(p), Segment.action(g.ids, g.logprobs, "policy")])
            root.reward = task.reward(p, g.ids)
            trees.append(RolloutTree(root))
        return trees

    loop = GRPO(trainer, lambda t, rng: task.sample(rng, prompts), rollout_fn, pooled_by_role,
                GRPOConfig(steps=steps, seed=0), after_update=chat.mark_weights_changed)
    return loop, chat


def test_grpo_learns_the_copy_task() -> None:
    """Reward rises from near 0 (random policy: 1/16 per symbol) to >= 0.8."""
    loop, _ = _loop(300, CopyTask(length=2, symbols=4))
    rewards = []
    for t in range(300):
        rewards.append(loop.step(t)["reward"])
        if t >= 5 and np.mean(rewards[-5:]) >= 0.8:
            break
    assert np.mean(rewards[:3]) < 0.3
    assert np.mean(rewards[-5:]) >= 0.8, rewards[-10:]


def test_resume_is_bit_exact(tmp_path: Path) -> None:
    task = CopyTask(length=1)
    full, chat_full = _loop(4, task, group=4, prompts=3)
    history = full.run(tmp_path / "full.pt")
    ckpt = tmp_path / "part.pt"
    part, _ = _loop(2, task, group=4, prompts=3)
    part.run(ckpt)  # "killed" after step 2
    resumed, chat_resumed = _loop(4, task, group=4, prompts=3)
    again = resumed.run(ckpt)
    for a, b in zip(chat_full.model.parameters(), chat_resumed.model.parameters(), strict=True):
        assert torch.equal(a, b)

    def strip(h: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in m.items() if "seconds" not in k} for m in h]

    assert strip(history) == strip(again)
    assert len(again) == 4
