"""Policy losses on per-token log-probabilities: PPO-clip (with dual clip), k3 KL, DPO, NLL.

All token-level functions take ``[B, T]`` tensors and a boolean ``mask`` of the positions
that are trained (the policy's own tokens); values at masked-out positions (prompt, tool
observations, summaries) never reach the loss or its gradient.

Aggregation (``agg``), with ``m`` the mask and ``ℓ`` the per-token loss:

* ``token-mean``: ``Σ_{b,t} m·ℓ / N`` with ``N = Σ m`` (DAPO's token-level mean);
* ``seq-mean-token-mean``: ``Σ_b (Σ_t m·ℓ / Σ_t m) / N`` with ``N = B`` (GRPO's original form);
* ``seq-mean-token-sum``: ``Σ_b Σ_t m·ℓ / N`` with ``N = B`` (Dr. GRPO style).

``normalizer`` replaces ``N``. The trainer uses it to split one batch into micro-batches
(each divides by the whole batch's ``N``, so the summed micro-batch losses equal the batch
loss) and MATPO uses it to divide by the number of planner rollouts only.
"""

from __future__ import annotations

from typing import Any, Literal

import torch
import torch.nn.functional as F

Agg = Literal["token-mean", "seq-mean-token-mean", "seq-mean-token-sum"]
AGGREGATIONS: tuple[str, ...] = ("token-mean", "seq-mean-token-mean", "seq-mean-token-sum")


def default_normalizer(mask: torch.Tensor, agg: Agg) -> float:
    """``N`` of the aggregation ``agg`` for this ``mask`` (see the module docstring)."""
    if agg == "token-mean":
        return float(mask.sum())
    if agg in ("seq-mean-token-mean", "seq-mean-token-sum"):
        return float((mask.sum(-1) > 0).sum())
    raise ValueError(f"agg must be one of {AGGREGATIONS}, got {agg!r}")


def aggregate(
    values: torch.Tensor, mask: torch.Tensor, agg: Agg = "token-mean", normalizer: float | None = None
) -> torch.Tensor:
    """Reduce per-token ``values`` ``[B, T]`` to a scalar over the positions where ``mask``."""
    mask = mask.bool()
    masked = torch.where(mask, values, torch.zeros_like(values))
    n = default_normalizer(mask, agg) if normalizer is None else float(normalizer)
    if agg == "token-mean":
        total = masked.sum()
    elif agg == "seq-mean-token-mean":
        per_row = mask.sum(-1).clamp(min=1).to(values.dtype)
        total = (masked.sum(-1) / per_row).sum()
    elif agg == "seq-mean-token-sum":
        total = masked.sum()
    else:
        raise ValueError(f"agg must be one of {AGGREGATIONS}, got {agg!r}")
    return total / max(n, 1e-12)


def ppo_clip_loss(
    logp: torch.Tensor,
    old_logp: torch.Tensor,
    adv: torch.Tensor,
    mask: torch.Tensor,
    clip_eps: float = 0.2,
    dual_clip: float | None = None,
    agg: Agg = "token-mean",
    normalizer: float | None = None,
) -> tuple[torch.Tensor, dict[str, float]]:
    """PPO-clip policy loss (Schulman et al. 2017, eq. 7), negated for minimisation:

    ``ℓ_t = −min(ρ_t A, clip(ρ_t, 1−ε, 1+ε) A)`` with ``ρ_t = exp(logπ_θ − logπ_old)``;
    with ``dual_clip = c > 1`` and ``A < 0`` the loss is further capped at ``−c·A``
    (dual-clip PPO, Ye et al. 2020, eq. 5). ``adv`` is ``[B]`` (one advantage per row) or ``[B, T]``.
    """
    if dual_clip is not None and dual_clip <= 1.0:
        raise ValueError(f"dual_clip must be > 1, got {dual_clip}")
    mask = mask.bool()
    if adv.dim() == 1:
        adv = adv[:, None].expand_as(logp)
    adv = adv.to(logp.dtype)
    log_ratio = torch.where(mask, logp - old_logp, torch.zeros_like(logp))
    ratio = torch.exp(log_ratio.clamp(-20.0, 20.0))
    unclipped = -adv * ratio
    clipped = -adv * ratio.clamp(1.0 - clip_eps, 1.0 + clip_eps)
    per_token = torch.maximum(unclipped, clipped)
    if dual_clip is not None:
        per_token = torch.where(adv < 0, torch.minimum(per_token, -adv * dual_clip), per_token)
    loss = aggregate(per_token, mask, agg, normalizer)
    with torch.no_grad():
        n = mask.sum().clamp(min=1)
        was_clipped = (clipped > unclipped) & mask
        stats = {
            "clip_fraction": float(was_clipped.sum() / n),
            "ratio_mean": float(torch.where(mask, ratio, torch.zeros_like(ratio)).sum() / n),
            "approx_kl": float(torch.where(mask, -log_ratio, torch.zeros_like(log_ratio)).sum() / n),
        }
    return loss, stats


def k3_kl(logp: torch.Tensor, ref_logp: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Per-token k3 estimator of KL(π_θ ‖ π_ref) (Schulman 2020): ``e^{d} − d − 1`` with
    ``d = logπ_ref − logπ_θ``; zero at masked-out positions. Aggregate with :func:`aggregate`."""
    d = torch.where(mask.bool(), ref_logp - logp, torch.zeros_like(logp))
    return torch.exp(d) - d - 1.0


def nll_loss(
    logp: torch.Tensor, mask: torch.Tensor, agg: Agg = "token-mean", normalizer: float | None = None
) -> torch.Tensor:
    """Supervised fine-tuning: negative log-likelihood of the masked-in tokens."""
    return aggregate(-logp, mask, agg, normalizer)


def dpo_loss(
    chosen_logp: torch.Tensor,
    rejected_logp: torch.Tensor,
    ref_chosen_logp: torch.Tensor,
    ref_rejected_logp: torch.Tensor,
    beta: float = 0.1,
    normalizer: float | None = None,
) -> tuple[torch.Tensor, dict[str, Any]]:
    """DPO (Rafailov et al. 2023, eq. 7) on summed sequence log-probs ``[P]`` of P pairs:
    ``−log σ(β[(logπ(y_w) − logπ_ref(y_w)) − (logπ(y_l) − logπ_ref(y_l))])``, averaged over
    pairs (or divided by ``normalizer``)."""
    margin = (chosen_logp - ref_chosen_logp) - (rejected_logp - ref_rejected_logp)
    losses = -F.logsigmoid(beta * margin)
    n = float(losses.numel()) if normalizer is None else float(normalizer)
    with torch.no_grad():
        stats = {
            "reward_accuracy": float((margin > 0).float().mean()) if margin.numel() else 0.0,
            "margin_mean": float(margin.mean()) if margin.numel() else 0.0,
        }
    return losses.sum() / max(n, 1e-12), stats
