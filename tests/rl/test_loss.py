from __future__ import annotations

import pytest
import torch

from agentzoo.rl.loss import aggregate, dpo_loss, k3_kl, nll_loss, ppo_clip_loss


def _mask() -> torch.Tensor:
    return torch.tensor([[True, True, False], [True, False, False]])


def test_ratio_one_gives_minus_mean_advantage() -> None:
    logp = torch.tensor([[-1.0, -2.0, -3.0], [-0.5, -9.0, -9.0]])
    adv = torch.tensor([2.0, -1.0])
    loss, stats = ppo_clip_loss(logp, logp.clone(), adv, _mask())
    assert float(loss) == pytest.approx(-(2 + 2 - 1) / 3)
    assert stats["clip_fraction"] == 0.0
    loss_seq, _ = ppo_clip_loss(logp, logp.clone(), adv, _mask(), agg="seq-mean-token-mean")
    assert float(loss_seq) == pytest.approx(-(2 - 1) / 2)


def test_clipped_positive_advantage_has_zero_gradient() -> None:
    old = torch.zeros(1, 2)
    logp = torch.tensor([[0.5, 0.05]], requires_grad=True)  # ρ = e^0.5 > 1.2 and ρ = e^0.05 < 1.2
    loss, stats = ppo_clip_loss(logp, old, torch.tensor([1.0]), torch.ones(1, 2, dtype=torch.bool))
    loss.backward()
    assert logp.grad is not None
    assert float(logp.grad[0, 0]) == 0.0
    assert float(logp.grad[0, 1]) == pytest.approx(-torch.exp(torch.tensor(0.05)).item() / 2)
    assert stats["clip_fraction"] == 0.5


def test_dual_clip_caps_negative_advantage() -> None:
    old = torch.zeros(1, 1)
    logp = torch.tensor([[2.0]])  # ρ = e^2 ≈ 7.39 > c = 3
    plain, _ = ppo_clip_loss(logp, old, torch.tensor([-1.0]), torch.ones(1, 1, dtype=torch.bool))
    dual, _ = ppo_clip_loss(logp, old, torch.tensor([-1.0]), torch.ones(1, 1, dtype=torch.bool), dual_clip=3.0)
    assert float(plain) == pytest.approx(float(torch.exp(torch.tensor(2.0))))
    assert float(dual) == pytest.approx(3.0)
    with pytest.raises(ValueError):
        ppo_clip_loss(logp, old, torch.tensor([-1.0]), torch.ones(1, 1, dtype=torch.bool), dual_clip=0.5)


def test_masked_positions_do_not_matter() -> None:
    logp = torch.tensor([[-1.0, -2.0, -3.0], [-0.5, -9.0, -9.0]])
    old = logp - 0.1
    adv = torch.tensor([1.0, -2.0])
    base, _ = ppo_clip_loss(logp, old, adv, _mask())
    changed = logp.clone()
    changed[0, 2], changed[1, 1], changed[1, 2] = 50.0, float("nan"), -1e9
    again, _ = ppo_clip_loss(changed, old, adv, _mask())
    assert float(again) == float(base)


def test_normalizer_matpo_example() -> None:
    # 2 planner rows with losses 1 and 3, 3 worker rows with 2 each; seq-mean-token-mean over 2 planners
    per_token = torch.tensor([[1.0, 1.0], [3.0, 3.0], [2.0, 2.0], [2.0, 0.0], [2.0, 2.0]])
    mask = torch.tensor([[1, 1], [1, 1], [1, 1], [1, 0], [1, 1]], dtype=torch.bool)
    assert float(aggregate(per_token, mask, "seq-mean-token-mean", normalizer=2)) == pytest.approx(5.0)
    assert float(aggregate(per_token, mask, "seq-mean-token-mean")) == pytest.approx(2.0)
    assert float(aggregate(per_token, mask, "token-mean")) == pytest.approx(18 / 9)
    assert float(aggregate(per_token, mask, "seq-mean-token-sum")) == pytest.approx(18 / 5)
    with pytest.raises(ValueError):
        aggregate(per_token, mask, "sum")  # type: ignore[arg-type]


def test_k3_nll_and_dpo_known_values() -> None:
    logp = torch.tensor([[-1.0, -2.0]])
    ref = torch.tensor([[-1.5, -2.0]])
    kl = k3_kl(logp, ref, torch.ones(1, 2, dtype=torch.bool))
    d = -0.5
    assert kl.tolist()[0] == pytest.approx([torch.exp(torch.tensor(d)).item() - d - 1, 0.0])
    assert float(nll_loss(logp, torch.tensor([[True, False]]))) == pytest.approx(1.0)
    loss, stats = dpo_loss(torch.tensor([-1.0]), torch.tensor([-3.0]), torch.tensor([-2.0]), torch.tensor([-2.0]), beta=0.5)
    # margin = (−1+2) − (−3+2) = 2; −log σ(1) = log(1+e^−1)
    assert float(loss) == pytest.approx(float(torch.log1p(torch.exp(torch.tensor(-1.0)))))
    assert stats["reward_accuracy"] == 1.0
