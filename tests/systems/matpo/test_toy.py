"""Learning sanity (spec acceptance 6): on the delegation toy, where only the worker sees the answer,
``inherit`` reaches mean reward >= 0.8 and ``planner_only`` stays below it at the same step."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.rl.engine import LocalEngine
from agentzoo.rl.grpo import GRPO, GRPOConfig
from agentzoo.rl.tiny import tiny_chat_model
from agentzoo.rl.trainer import Trainer, TrainerConfig
from agentzoo.systems.matpo.credit import Credit
from agentzoo.systems.matpo.toy import ALPHABET, DelegationTask


def _loop(mode: str) -> GRPO:
    chat = tiny_chat_model(seed=0, alphabet=ALPHABET)
    engine = LocalEngine(chat)
    trainer = Trainer(chat.model, TrainerConfig(mode="full", lr=3e-3, dual_clip=3.0), pad_id=0)
    task = DelegationTask()
    credit = Credit(mode, "token-mean")
    return GRPO(trainer, lambda t, g: task.sample(g, 8), lambda secrets, t: task.rollout(engine, secrets, t, 8),
                credit.advantages, GRPOConfig(steps=150, seed=0), select_fn=credit.select,
                loss_group=credit.loss_group, normalizers=credit.normalizers, after_update=chat.mark_weights_changed)


def test_toy_rollout_shapes() -> None:
    chat = tiny_chat_model(seed=0, alphabet=ALPHABET)
    trees = DelegationTask().rollout(LocalEngine(chat), ["a", "b"], 0, 4)
    assert len(trees) == 8
    for tree in trees:
        assert tree.root.n_action_tokens == 1 and len(tree.children) <= 1
        for child in tree.children:
            assert child.parent_id == tree.root.id and child.n_action_tokens == 1
            assert tree.root.segments[-1].loss_mask is False  # the returned token is context
        assert 0.0 <= tree.root.reward <= 1.0


@pytest.mark.slow
def test_inherit_learns_the_delegation_task_and_planner_only_does_not() -> None:
    rewards: dict[str, list[float]] = {"inherit": [], "planner_only": []}
    loops = {mode: _loop(mode) for mode in rewards}
    for t in range(150):
        rewards["inherit"].append(loops["inherit"].step(t)["reward"])
        if t >= 10 and np.mean(rewards["inherit"][-10:]) >= 0.8:
            break
    assert np.mean(rewards["inherit"][-10:]) >= 0.8, rewards["inherit"][-10:]
    for t in range(len(rewards["inherit"])):
        rewards["planner_only"].append(loops["planner_only"].step(t)["reward"])
    assert np.mean(rewards["planner_only"][-10:]) < 0.5 < np.mean(rewards["inherit"][-10:])
