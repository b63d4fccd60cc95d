"""Credit assignment: inheritance bit for bit, the planner-count normaliser, and the ablations."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from agentzoo.envs.research import ResearchWorld
from agentzoo.rl.loss import aggregate, ppo_clip_loss
from agentzoo.rl.policy import Dialogue
from agentzoo.rl.rollout import Rollout, Segment, flatten
from agentzoo.systems.matpo import prompts
from agentzoo.systems.matpo.baselines import OraclePolicy
from agentzoo.systems.matpo.credit import LOSS_GROUP, Credit
from agentzoo.systems.matpo.episode import EpisodeSettings, run_episodes
from agentzoo.systems.matpo.noise import NoisyTools


def _bits(x: float) -> bytes:
    return struct.pack("<d", x)


def _trees(rw: ResearchWorld, scripted: Callable[..., Any], groups: int = 3, group_size: int = 4) -> list[Any]:
    """Real episodes whose outcomes vary within each group (the seed decides gold or a wrong answer, and how
    many workers the planner calls)."""
    qs = (rw.questions.all("test", ("1hop",))[:1] + rw.questions.all("test", ("2hop",)))[:groups]
    oracle = OraclePolicy(qs)

    def respond(d: Dialogue, seed: int) -> str:
        gold = oracle.act([d], max_new_tokens=1, temperature=0.0, seeds=[seed])[0].text
        turn = sum(1 for m in d.messages if m["role"] == "assistant")
        if d.role == prompts.PLANNER and (gold.startswith("<answer>") or turn >= 1) and seed % 3 == 0:
            return "<answer>wrong</answer>"  # sometimes early: episodes spawn different numbers of workers
        if d.role == prompts.WORKER and seed % 5 == 0:
            return "<answer>no idea"  # a malformed worker turn
        return gold

    batch = [q for q in qs for _ in range(group_size)]
    groups_ids = [f"g{i // group_size}" for i in range(len(batch))]
    episodes = run_episodes(batch, groups_ids, scripted(respond), NoisyTools(rw.tools), EpisodeSettings(temperature=1.0),
                            "credit")
    return [e.tree() for e in episodes]


def test_every_worker_row_carries_exactly_its_parents_advantage(rw: ResearchWorld, scripted: Callable[..., Any]) -> None:
    trees = _trees(rw, scripted)
    rollouts = flatten(trees)
    index = {r.id: r for r in rollouts}
    stats = Credit("inherit").advantages(rollouts)
    workers = [r for r in rollouts if r.parent_id is not None]
    assert len(workers) >= 6 and stats.groups == 3
    assert any(r.advantage != 0.0 for r in workers)
    for w in workers:
        parent = index[w.parent_id]  # type: ignore[index]
        assert parent.parent_id is None and parent.role == "planner" and w.role == "worker"
        assert parent.group_id == w.group_id
        assert _bits(w.advantage) == _bits(parent.advantage)
    for tree in trees:
        assert max(tree.depth(r) for r in tree) <= 1
    roots = [r for r in rollouts if r.parent_id is None]
    for g in {r.group_id for r in roots}:
        advantages = np.array([r.advantage for r in roots if r.group_id == g])
        assert abs(advantages.mean()) < 1e-9  # GRPO: centred within each planner group


def test_pooled_and_planner_only_ablations(rw: ResearchWorld, scripted: Callable[..., Any]) -> None:
    rollouts = flatten(_trees(rw, scripted))
    index = {r.id: r for r in rollouts}
    Credit("pooled").advantages(rollouts)
    workers = [r for r in rollouts if r.parent_id is not None]
    assert any(_bits(w.advantage) != _bits(index[w.parent_id].advantage) for w in workers)  # type: ignore[index]
    credit = Credit("planner_only")
    credit.advantages(rollouts)
    kept, stats = credit.select(rollouts, np.random.default_rng(0))
    assert all(r.parent_id is None for r in kept) and stats["dropped_worker_rows"] == len(workers)
    assert Credit("inherit").select(rollouts, np.random.default_rng(0))[0] == rollouts
    with pytest.raises(ValueError, match="advantage_mode"):
        Credit("shared")


def _rows_with_losses(per_row_loss: list[float], n_planners: int, length: int = 3) -> list[Rollout]:
    """Rollouts whose PPO per-token loss at ratio 1 is ``per_row_loss[i]`` (ℓ_t = −A)."""
    out = []
    for i, value in enumerate(per_row_loss):
        parent = None if i < n_planners else "p0"
        segments = [Segment.context([1]), Segment.action(list(range(2, 2 + length)), [-1.0] * length, "x")]
        rollout = Rollout(f"p{i}" if parent is None else f"w{i}", parent, "g", "planner" if parent is None else "worker",
                          segments)
        rollout.advantage = -value
        out.append(rollout)
    return out


def test_seq_mean_normaliser_is_the_planner_count() -> None:
    # spec acceptance 2: planners (1.0, 3.0), workers (2.0, 2.0, 2.0) -> (1+3+2+2+2)/2 = 5.0, not 10/5 = 2.0
    rollouts = _rows_with_losses([1.0, 3.0, 2.0, 2.0, 2.0], n_planners=2)
    credit = Credit("inherit", "seq-mean-token-mean")
    assert credit.normalizers(rollouts) == {LOSS_GROUP: 2.0} and credit.normalizer_value(rollouts) == 2.0
    rows = [r.to_row(LOSS_GROUP) for r in rollouts]
    logp = torch.tensor([[-1.0] * 3] * 5)
    mask = torch.ones((5, 3), dtype=torch.bool)
    adv = torch.tensor([r.advantage for r in rows])
    loss, _ = ppo_clip_loss(logp, logp.clone(), adv, mask, 0.2, 3.0, "seq-mean-token-mean",
                            credit.normalizers(rollouts)[LOSS_GROUP])
    assert float(loss) == pytest.approx(5.0)
    diluted, _ = ppo_clip_loss(logp, logp.clone(), adv, mask, 0.2, 3.0, "seq-mean-token-mean")
    assert float(diluted) == pytest.approx(2.0)


def test_token_mean_is_the_mean_over_all_unmasked_tokens() -> None:
    rollouts = _rows_with_losses([1.0, 3.0, 2.0], n_planners=2)
    credit = Credit("inherit", "token-mean")
    assert credit.normalizers(rollouts) == {}
    values = torch.tensor([[1.0, 1.0, 0.0], [3.0, 0.0, 0.0], [2.0, 2.0, 2.0]])
    mask = values > 0
    assert float(aggregate(values, mask, "token-mean")) == pytest.approx((1 + 1 + 3 + 2 + 2 + 2) / 6)
    assert credit.normalizer_value(rollouts) == 9.0


def test_trainer_applies_the_planner_count_normaliser(tiny_model_dir: Path) -> None:
    """Through the real trainer (tiny model, ratio 1): the loss is Σ_rows (−A_b) / number of planners."""
    from agentzoo.llm.local import LocalChatModel
    from agentzoo.rl.trainer import Trainer, TrainerConfig

    chat = LocalChatModel.load(str(tiny_model_dir))
    trainer = Trainer(chat.model, TrainerConfig(mode="full", agg="seq-mean-token-mean", dual_clip=3.0,
                                                old_logprobs="on_policy", micro_batch_tokens=8))
    rollouts = _rows_with_losses([1.0, 3.0, 2.0, 2.0, 2.0], n_planners=2)
    credit = Credit("inherit", "seq-mean-token-mean")
    rows = [r.to_row(credit.loss_group(r)) for r in rollouts]
    stats = trainer.ppo_step(rows, credit.normalizers(rollouts), apply=False)
    assert stats["loss"] == pytest.approx(5.0, rel=1e-6)
