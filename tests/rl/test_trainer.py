from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch

from agentzoo.rl.rollout import Rollout, Segment, TrainRow
from agentzoo.rl.tiny import tiny_model
from agentzoo.rl.trainer import Trainer, TrainerConfig


def _rows(seed: int = 0, n: int = 5, vocab: int = 16) -> list[TrainRow]:
    """Rows with a prompt, an action, an observation (masked) and a second action."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        r = Rollout(f"r{i}", None, "g", "sys2", advantage=float(rng.normal()))
        r.append(Segment.context(rng.integers(2, vocab, rng.integers(2, 6)).tolist(), "prompt"))
        a = rng.integers(2, vocab, rng.integers(1, 4)).tolist()
        r.append(Segment.action(a, rng.normal(-2.5, 0.3, len(a)).tolist(), "sys2"))
        r.append(Segment.context(rng.integers(2, vocab, rng.integers(1, 5)).tolist(), "observation"))
        b = rng.integers(2, vocab, rng.integers(1, 4)).tolist()
        r.append(Segment.action(b, rng.normal(-2.5, 0.3, len(b)).tolist(), "sys2"))
        rows.append(r.to_row())
    return rows


def _full_logprobs(model: Any, row: TrainRow) -> torch.Tensor:
    """Reference: one unpadded forward, full-vocabulary log_softmax, picked at trained tokens."""
    ids = torch.tensor([row.ids])
    logits = model(input_ids=ids).logits[0].float()
    logp = torch.log_softmax(logits, dim=-1)
    picked = [logp[t - 1, row.ids[t]] for t in range(len(row.ids)) if row.mask[t]]
    return torch.stack(picked)


def test_rollout_row_masks_exclude_context() -> None:
    row = _rows(n=1)[0]
    assert len(row.ids) == len(row.mask) == len(row.old_logprobs)
    assert not row.mask[0]
    assert 0 < row.n_action < len(row.ids)
    assert all(lp == 0.0 for lp, m in zip(row.old_logprobs, row.mask, strict=True) if not m)


def test_completion_only_logprobs_match_full_log_softmax() -> None:
    model = tiny_model(16, seed=1)
    trainer = Trainer(model, TrainerConfig(mode="full"))
    rows = _rows()
    with torch.no_grad():
        logp, mask = trainer.token_logprobs(rows)
        for i, row in enumerate(rows):
            expected = _full_logprobs(model, row)
            assert int(mask[i].sum()) == row.n_action
            assert torch.allclose(logp[i, : row.n_action], expected, atol=1e-5)


def test_ppo_gradient_matches_direct_computation() -> None:
    model = tiny_model(16, seed=2)
    cfg = TrainerConfig(mode="full", micro_batch_tokens=12, clip_eps=0.2)  # several micro-batches
    trainer = Trainer(model, cfg)
    rows = _rows(seed=3, n=6)
    assert len(trainer.micro_batches(rows)) > 1
    trainer.ppo_step(rows, apply=False)
    got = [p.grad.clone() if p.grad is not None else torch.zeros_like(p) for p in trainer.params]
    for p in trainer.params:
        p.grad = None
    # direct: token-mean over all trained tokens of all rows, PPO-clip per token
    terms = []
    for row in rows:
        logp = _full_logprobs(model, row)
        old = torch.tensor([v for v, m in zip(row.old_logprobs, row.mask, strict=True) if m])
        ratio = torch.exp(logp - old)
        a = row.advantage
        terms.append(torch.maximum(-a * ratio, -a * ratio.clamp(0.8, 1.2)))
    direct = torch.cat(terms).mean()
    direct.backward()
    for g, p in zip(got, trainer.params, strict=True):
        assert torch.allclose(g, p.grad if p.grad is not None else torch.zeros_like(p), atol=1e-6)


def test_loss_groups_are_normalised_separately() -> None:
    model = tiny_model(16, seed=4)
    trainer = Trainer(model, TrainerConfig(mode="full", old_logprobs="on_policy"))
    rows = _rows(seed=5, n=4)
    grouped = [TrainRow(r.ids, r.mask, r.old_logprobs, r.advantage, r.role, r.rollout_id, "a" if i < 1 else "b") for i, r in enumerate(rows)]
    stats = trainer.ppo_step(grouped, apply=False)
    n_a = rows[0].n_action
    n_b = sum(r.n_action for r in rows[1:])
    expected = -(rows[0].advantage * n_a) / n_a - sum(r.advantage * r.n_action for r in rows[1:]) / n_b
    assert stats["loss"] == pytest.approx(expected, abs=1e-5)


def test_topk_trains_only_top_layers_and_norm() -> None:
    model = tiny_model(16, layers=3, seed=0)
    trainer = Trainer(model, TrainerConfig(mode="topk", top_k_layers=1))
    assert all(n.startswith(("model.layers.2.", "model.norm.")) for n in trainer.names)
    assert not model.lm_head.weight.requires_grad
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    trainer.ppo_step(_rows(seed=6), apply=True)
    changed = {n for n, p in model.named_parameters() if not torch.equal(before[n], p)}
    assert changed and changed <= set(trainer.names)


def test_lora_mode_trains_adapters_the_engine_uses(tiny_chat: Any) -> None:
    pytest.importorskip("peft")
    trainer = Trainer(tiny_chat.model, TrainerConfig(mode="lora", lora_r=4, lr=1e-2))
    assert trainer.names and all("lora_" in n for n in trainer.names)
    prompt = [2, 5, 6, 3]
    before = tiny_chat.generate_ids([prompt], [0], max_tokens=1, temperature=1.0)[0].logprobs
    for _ in range(3):
        trainer.sft_step(_rows(seed=7))
    after = tiny_chat.generate_ids([prompt], [0], max_tokens=1, temperature=1.0)[0].logprobs
    assert before != after


def test_sft_lowers_nll_and_dpo_raises_margin() -> None:
    model = tiny_model(16, seed=8)
    trainer = Trainer(model, TrainerConfig(mode="full", lr=1e-2))
    rows = _rows(seed=9)
    first = trainer.sft_step(rows)["nll"]
    for _ in range(10):
        last = trainer.sft_step(rows)["nll"]
    assert last < first
    chosen, rejected = _rows(seed=10, n=3), _rows(seed=11, n=3)
    ref_c, ref_r = trainer.sequence_logprobs(chosen), trainer.sequence_logprobs(rejected)
    for _ in range(10):
        trainer.dpo_step(chosen, rejected, ref_c, ref_r, beta=0.5, pairs_per_batch=2)
    margin = (trainer.sequence_logprobs(chosen) - ref_c) - (trainer.sequence_logprobs(rejected) - ref_r)
    assert bool((margin > 0).all())


def test_kl_penalty_uses_initial_policy() -> None:
    model = tiny_model(16, seed=12)
    trainer = Trainer(model, TrainerConfig(mode="full", kl_coef=0.5, lr=1e-2))
    first = trainer.ppo_step(_rows(seed=13))
    assert first["kl"] == pytest.approx(0.0, abs=1e-6)
    second = trainer.ppo_step(_rows(seed=13))
    assert second["kl"] > 0


def test_checkpoint_roundtrip_and_mismatch(tmp_path: Any) -> None:
    trainer = Trainer(tiny_model(16, seed=14), TrainerConfig(mode="full", lr=1e-2))
    trainer.ppo_step(_rows(seed=15))
    path = trainer.save(tmp_path / "ckpt.pt", extra={"note": 1})
    other = Trainer(tiny_model(16, seed=99), TrainerConfig(mode="full", lr=1e-2))
    assert other.load(path) == {"note": 1}
    for a, b in zip(trainer.params, other.params, strict=True):
        assert torch.equal(a, b)
    wrong = Trainer(tiny_model(16, seed=14), TrainerConfig(mode="topk", top_k_layers=1))
    with pytest.raises(ValueError, match="other trainable"):
        wrong.load(path)


def test_bad_config() -> None:
    with pytest.raises(ValueError):
        TrainerConfig(mode="half")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        TrainerConfig(lr=0)


def test_prefix_cache_gives_the_same_logprobs_and_gradients() -> None:
    model = tiny_model(16, layers=3, seed=21)
    trainer = Trainer(model, TrainerConfig(mode="topk", top_k_layers=1))
    rows = _rows(seed=22, n=6)
    cache = trainer.prefix_cache(rows)
    assert cache is not None and set(cache) == {id(r) for r in rows}
    direct, mask = trainer.token_logprobs(rows)
    cached, mask2 = trainer.token_logprobs(rows, prefix=cache)
    assert torch.equal(mask, mask2)
    assert torch.allclose(direct, cached, atol=1e-5)
    assert len(model.get_decoder().layers) == 3  # the swap is undone
    trainer.sft_step(rows, prefix=cache)
    with_cache = [p.detach().clone() for p in trainer.params]
    other = Trainer(tiny_model(16, layers=3, seed=21), TrainerConfig(mode="topk", top_k_layers=1))
    other.sft_step(rows)
    for a, b in zip(with_cache, other.params, strict=True):
        assert torch.allclose(a, b, atol=1e-6)
    assert Trainer(tiny_model(16, seed=0), TrainerConfig(mode="full")).prefix_cache(rows) is None


def test_chunked_head_and_activation_checkpointing_give_the_same_gradient() -> None:
    rows = _rows(seed=31, n=6)
    grads = []
    for changes in ({}, {"head_chunk": 3, "activation_checkpointing": True}):
        trainer = Trainer(tiny_model(16, seed=30), TrainerConfig(mode="full", **changes))  # type: ignore[arg-type]
        trainer.ppo_step(rows, apply=False)
        grads.append([p.grad.clone() for p in trainer.params if p.grad is not None])
    assert len(grads[0]) == len(grads[1])
    for a, b in zip(*grads, strict=True):
        assert torch.allclose(a, b, atol=1e-6)
