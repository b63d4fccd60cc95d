"""The policy trainer: PPO/GRPO, SFT and DPO updates of a causal LM, on CPU or GPU.

What is trained (``TrainerConfig.mode``):

* ``topk`` — the top k decoder layers and the final norm; embeddings and the tied lm_head stay
  frozen, so the backward pass stops at layer L−k (the fastest mode on CPU, FACTS.md);
* ``lora`` — peft LoRA adapters (r, alpha) on q/k/v/o of every layer;
* ``full`` — every parameter (for comparison).

Log-probabilities are computed only where they are needed: the decoder's hidden states are
gathered at the positions that predict trained tokens, and only those go through the lm_head,
as ``logit[y] − logsumexp(logits)``. The full-vocabulary log-softmax over all positions never
exists, which bounds memory (FACTS.md: 19 GB at 16×384 tokens otherwise). Rows are split into
micro-batches of at most ``micro_batch_tokens`` padded tokens; each micro-batch divides by its
whole loss group's normaliser, so the accumulated gradient equals the full-batch gradient.

Checkpoints hold the trainable weights, the optimizer state and the torch RNG, written
atomically; resuming continues bit-exactly.
"""

from __future__ import annotations

import copy
import io
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import torch

from agentzoo.rl.logprobs import aligned, prefix_cache, token_logprobs
from agentzoo.rl.loss import (
    AGGREGATIONS,
    Agg,
    aggregate,
    default_normalizer,
    dpo_loss,
    k3_kl,
    nll_loss,
    ppo_clip_loss,
)
from agentzoo.rl.rollout import TrainRow

log = logging.getLogger(__name__)

Mode = Literal["topk", "lora", "full"]
LossFn = Callable[[list[TrainRow], torch.Tensor, torch.Tensor], tuple[torch.Tensor, dict[str, float]]]


@dataclass(frozen=True)
class TrainerConfig:
    """Optimisation settings (defaults: MATPO's lr, PPO's ε, gradient clipping at 1.0)."""

    mode: Mode = "topk"
    """What is trained: ``topk`` layers, ``lora`` adapters or the ``full`` model."""
    top_k_layers: int = 6
    """k in ``topk`` mode."""
    lora_r: int = 16
    """LoRA rank r in ``lora`` mode."""
    lora_alpha: int = 32
    """LoRA scaling alpha."""
    lr: float = 1e-5
    """AdamW learning rate."""
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    """Global gradient-norm clip."""
    micro_batch_tokens: int = 4096
    """Padded tokens per forward/backward pass (memory bound)."""
    clip_eps: float = 0.2
    """PPO clip ε."""
    dual_clip: float | None = None
    """Dual-clip constant c (> 1) or None."""
    agg: Agg = "token-mean"
    """Loss aggregation (see :mod:`agentzoo.rl.loss`)."""
    kl_coef: float = 0.0
    """β of the k3 KL penalty to the initial policy; 0 skips the reference pass."""
    temperature: float = 1.0
    """Logits are divided by it, matching the sampling temperature of the rollouts."""
    old_logprobs: Literal["rollout", "on_policy"] = "rollout"
    """π_old: the log-probs recorded at sampling time, or the current (detached) ones."""
    ppo_epochs: int = 1
    """Passes over each batch."""
    activation_checkpointing: bool = False
    """Recompute the trainable layers' activations in the backward pass (less memory, ~20% more time)."""
    head_chunk: int = 1024
    """Trained positions per lm_head chunk; with gradients each chunk is recomputed in the backward
    pass, so at most one chunk of full-vocabulary logits is alive at a time."""

    def __post_init__(self) -> None:
        if self.mode not in ("topk", "lora", "full"):
            raise ValueError(f"mode must be topk, lora or full, got {self.mode!r}")
        if self.agg not in AGGREGATIONS:
            raise ValueError(f"agg must be one of {AGGREGATIONS}, got {self.agg!r}")
        if self.top_k_layers < 1 or self.lora_r < 1 or self.ppo_epochs < 1:
            raise ValueError("top_k_layers, lora_r and ppo_epochs must be >= 1")
        if self.lr <= 0 or self.micro_batch_tokens < 1 or self.temperature <= 0:
            raise ValueError("lr, micro_batch_tokens and temperature must be positive")


class Trainer:
    """Updates ``model`` in place (the same module the rollout engine samples from)."""

    def __init__(self, model: Any, config: TrainerConfig | None = None, *, pad_id: int = 0) -> None:
        self.config = config or TrainerConfig()
        self.model = model
        self.pad_id = pad_id
        self.steps = 0
        self._reference: Any = None
        self._select_trainable()
        self.params = [p for p in self.model.parameters() if p.requires_grad]
        self.names = [n for n, p in self.model.named_parameters() if p.requires_grad]
        if not self.params:
            raise ValueError("nothing to train: no parameter requires grad")
        if self.config.activation_checkpointing:
            model.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
        self.optimizer = torch.optim.AdamW(
            self.params, lr=self.config.lr, weight_decay=self.config.weight_decay
        )

    # ------------------------------------------------------------------ setup
    def _select_trainable(self) -> None:
        cfg = self.config
        if cfg.kl_coef > 0 and cfg.mode != "lora":
            self._reference = copy.deepcopy(self.model).eval()
            for p in self._reference.parameters():
                p.requires_grad_(False)
        if cfg.mode == "full":
            for p in self.model.parameters():
                p.requires_grad_(True)
            return
        for p in self.model.parameters():
            p.requires_grad_(False)
        if cfg.mode == "lora":
            try:
                from peft import LoraConfig, get_peft_model
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise ImportError("lora mode needs peft: pip install 'agentzoo[rl]'") from exc
            lora = LoraConfig(
                r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=0.0,
                target_modules=["q_proj", "k_proj", "v_proj", "o_proj"],
            )
            # Adapters are injected into the modules in place; we keep driving the original
            # model object, so generation through it uses them too.
            get_peft_model(self.model, lora)
            return
        layers = self.model.get_decoder().layers
        k = min(cfg.top_k_layers, len(layers))
        for layer in layers[len(layers) - k:]:
            for p in layer.parameters():
                p.requires_grad_(True)
        for p in self.model.get_decoder().norm.parameters():
            p.requires_grad_(True)

    @property
    def n_trainable(self) -> int:
        return sum(p.numel() for p in self.params)

    # ------------------------------------------------------------------ log-probs
    def token_logprobs(
        self, rows: Sequence[TrainRow], model: Any = None, prefix: Mapping[int, torch.Tensor] | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Log-probs of the trained tokens of ``rows`` (see :func:`agentzoo.rl.logprobs.token_logprobs`)."""
        return token_logprobs(
            model or self.model, rows, pad_id=self.pad_id, temperature=self.config.temperature,
            head_chunk=self.config.head_chunk, prefix=prefix,
            first_layer=self.first_trainable_layer if prefix is not None else None,
        )

    @property
    def first_trainable_layer(self) -> int | None:
        """Index of the lowest trainable decoder layer in ``topk`` mode (None otherwise)."""
        if self.config.mode != "topk":
            return None
        n = len(self.model.get_decoder().layers)
        return n - min(self.config.top_k_layers, n)

    def prefix_cache(self, rows: Sequence[TrainRow]) -> dict[int, torch.Tensor] | None:
        """Hidden states of each row at the input of the first trainable layer (``topk`` mode), so
        that SFT over several epochs runs the frozen layers once; None without a frozen prefix."""
        first = self.first_trainable_layer
        if first is None or first == 0:
            return None
        return prefix_cache(self.model, self.micro_batches(rows), first, self.pad_id)

    aligned = staticmethod(aligned)

    def micro_batches(self, rows: Sequence[TrainRow]) -> list[list[TrainRow]]:
        """Rows grouped (longest first) so that rows × longest length ≤ ``micro_batch_tokens``."""
        order = sorted(rows, key=lambda r: -len(r.ids))
        batches: list[list[TrainRow]] = []
        for row in order:
            if batches and (len(batches[-1]) + 1) * len(batches[-1][0].ids) <= self.config.micro_batch_tokens:
                batches[-1].append(row)
            else:
                batches.append([row])
        return batches

    def _update(
        self, batches: Sequence[list[TrainRow]], loss_fn: LossFn, apply: bool = True,
        prefix: Mapping[int, torch.Tensor] | None = None,
    ) -> dict[str, float]:
        """Accumulate the gradient of ``Σ_batches loss_fn`` and (if ``apply``) take one step."""
        self.model.train()
        self.optimizer.zero_grad(set_to_none=True)
        totals: dict[str, float] = {}
        loss_sum = 0.0
        for batch in batches:
            logp, mask = self.token_logprobs(batch, prefix=prefix)
            loss, stats = loss_fn(batch, logp, mask)
            loss.backward()
            loss_sum += float(loss.detach())
            for key, value in stats.items():
                totals[key] = totals.get(key, 0.0) + value * len(batch)
        if not apply:  # leave the gradient in .grad (tests compare it with a direct computation)
            self.model.eval()
            return {"loss": loss_sum}
        grad_norm = torch.nn.utils.clip_grad_norm_(self.params, self.config.max_grad_norm)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.model.eval()
        self.steps += 1
        n_rows = sum(len(b) for b in batches)
        out = {key: value / max(n_rows, 1) for key, value in totals.items()}
        out.update({"loss": loss_sum, "grad_norm": float(grad_norm), "rows": float(n_rows)})
        return out

    # ------------------------------------------------------------------ objectives
    def ppo_step(
        self, rows: Sequence[TrainRow], normalizers: Mapping[str, float] | None = None, apply: bool = True
    ) -> dict[str, float]:
        """One policy update on ``rows``: ``L = Σ_g L_g`` over loss groups g (``row.loss_group``),
        each a PPO-clip loss normalised over its own rows (``normalizers[g]`` overrides N_g)."""
        cfg = self.config
        rows = [r for r in rows if r.n_action > 0]
        if not rows:
            return {"loss": 0.0, "rows": 0.0}
        groups: dict[str, list[TrainRow]] = {}
        for row in rows:
            groups.setdefault(row.loss_group or row.role, []).append(row)
        norms = {}
        for g, members in groups.items():
            if normalizers and g in normalizers:
                norms[g] = float(normalizers[g])
            else:
                width = max(r.n_action for r in members)
                mask = torch.zeros((len(members), width), dtype=torch.bool)
                for i, r in enumerate(members):
                    mask[i, : r.n_action] = True
                norms[g] = default_normalizer(mask, cfg.agg)
        batches = [mb for members in groups.values() for mb in self.micro_batches(members)]

        def loss_fn(batch: list[TrainRow], logp: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
            n = norms[batch[0].loss_group or batch[0].role]
            width = logp.shape[1]
            if cfg.old_logprobs == "rollout":
                old = self.aligned(batch, lambda r: r.old_logprobs, width).to(logp.device)
            else:
                old = logp.detach()
            adv = torch.tensor([r.advantage for r in batch], dtype=logp.dtype, device=logp.device)
            loss, stats = ppo_clip_loss(logp, old, adv, mask, cfg.clip_eps, cfg.dual_clip, cfg.agg, n)
            with torch.no_grad():
                stats["logprob_mismatch"] = float((logp - old).abs()[mask].mean()) if mask.any() else 0.0
                stats["entropy_proxy"] = float(-logp[mask].mean()) if mask.any() else 0.0
            if cfg.kl_coef > 0:
                ref = self._reference_logprobs(batch)
                kl = aggregate(k3_kl(logp, ref, mask), mask, cfg.agg, n)
                loss = loss + cfg.kl_coef * kl
                stats["kl"] = float(kl.detach()) * n / max(float(mask.sum()), 1.0)
            return loss, stats

        stats: dict[str, float] = {}
        for _ in range(cfg.ppo_epochs if apply else 1):
            stats = self._update(batches, loss_fn, apply)
        return stats

    def _reference_logprobs(self, batch: list[TrainRow]) -> torch.Tensor:
        with torch.no_grad():
            if self.config.mode == "lora":
                with _adapters_disabled(self.model):
                    ref, _ = self.token_logprobs(batch)
            else:
                ref, _ = self.token_logprobs(batch, model=self._reference)
        return ref

    def sft_step(self, rows: Sequence[TrainRow], prefix: Mapping[int, torch.Tensor] | None = None) -> dict[str, float]:
        """One supervised step: token-mean negative log-likelihood of the masked-in tokens
        (``prefix``: a :meth:`prefix_cache` covering ``rows``)."""
        rows = [r for r in rows if r.n_action > 0]
        if not rows:
            return {"loss": 0.0, "rows": 0.0}
        n = float(sum(r.n_action for r in rows))

        def loss_fn(batch: list[TrainRow], logp: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
            return nll_loss(logp, mask, "token-mean", n), {}

        stats = self._update(self.micro_batches(rows), loss_fn, prefix=prefix)
        stats["nll"] = stats["loss"]
        return stats

    def sequence_logprobs(self, rows: Sequence[TrainRow]) -> torch.Tensor:
        """Summed log-probs of each row's trained tokens (no gradient), e.g. DPO references."""
        out = torch.zeros(len(rows))
        with torch.no_grad():
            index = {id(r): i for i, r in enumerate(rows)}
            for batch in self.micro_batches(rows):
                logp, mask = self.token_logprobs(batch)
                sums = torch.where(mask, logp, torch.zeros_like(logp)).sum(-1)
                for row, value in zip(batch, sums, strict=True):
                    out[index[id(row)]] = float(value)
        return out

    def dpo_step(
        self,
        chosen: Sequence[TrainRow],
        rejected: Sequence[TrainRow],
        ref_chosen: torch.Tensor,
        ref_rejected: torch.Tensor,
        beta: float = 0.1,
        pairs_per_batch: int = 4,
    ) -> dict[str, float]:
        """One DPO step on pairs (chosen[i], rejected[i]) with reference summed log-probs."""
        if len(chosen) != len(rejected) or len(chosen) != len(ref_chosen) or len(chosen) != len(ref_rejected):
            raise ValueError("chosen, rejected and the reference log-probs must have equal lengths")
        p = len(chosen)
        batches = []
        for start in range(0, p, pairs_per_batch):
            idx = list(range(start, min(p, start + pairs_per_batch)))
            batches.append([chosen[i] for i in idx] + [rejected[i] for i in idx])
        starts = iter(range(0, p, pairs_per_batch))  # _update visits the batches in order

        def loss_fn(batch: list[TrainRow], logp: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, dict[str, float]]:
            start = next(starts)
            half = len(batch) // 2
            sums = torch.where(mask, logp, torch.zeros_like(logp)).sum(-1)
            idx = slice(start, start + half)
            return dpo_loss(sums[:half], sums[half:], ref_chosen[idx].to(sums), ref_rejected[idx].to(sums), beta, p)

        return self._update(batches, loss_fn)

    # ------------------------------------------------------------------ state
    def trainable_state(self) -> dict[str, torch.Tensor]:
        """A copy of the trainable weights (to restore a starting point between arms)."""
        return {n: p.detach().clone() for n, p in zip(self.names, self.params, strict=True)}

    def load_trainable_state(self, state: Mapping[str, torch.Tensor], reset_optimizer: bool = True) -> None:
        with torch.no_grad():
            for name, param in zip(self.names, self.params, strict=True):
                param.copy_(state[name])
        if reset_optimizer:
            self.reset_optimizer()

    def reset_optimizer(self, lr: float | None = None) -> None:
        """A fresh AdamW (e.g. between a warm start and RL, which use different learning rates)."""
        self.optimizer = torch.optim.AdamW(
            self.params, lr=self.config.lr if lr is None else lr, weight_decay=self.config.weight_decay
        )
        self.steps = 0

    def set_reference(self) -> None:
        """Make the current weights the KL reference (topk/full; LoRA uses the base weights)."""
        if self.config.kl_coef > 0 and self.config.mode != "lora":
            self._reference = copy.deepcopy(self.model).eval()
            for p in self._reference.parameters():
                p.requires_grad_(False)

    def save(self, path: str | Path, extra: Mapping[str, Any] | None = None) -> Path:
        """Write a checkpoint atomically: trainable weights, optimizer, torch RNG, ``extra``."""
        from agentzoo.runs import atomic_write_bytes

        buffer = io.BytesIO()
        torch.save(
            {
                "names": self.names,
                "trainable": self.trainable_state(),
                "optimizer": self.optimizer.state_dict(),
                "torch_rng": torch.get_rng_state(),
                "steps": self.steps,
                "extra": dict(extra or {}),
            },
            buffer,
        )
        path = Path(path)
        atomic_write_bytes(path, buffer.getvalue())
        return path

    def load(self, path: str | Path) -> dict[str, Any]:
        """Restore a checkpoint written by :meth:`save`; returns its ``extra``."""
        state = torch.load(Path(path), map_location="cpu", weights_only=False)
        if state["names"] != self.names:
            raise ValueError(f"checkpoint {path} holds other trainable parameters (mode or k differ)")
        self.load_trainable_state(state["trainable"], reset_optimizer=False)
        self.optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["torch_rng"])
        self.steps = int(state["steps"])
        extra: dict[str, Any] = state["extra"]
        return extra


class _adapters_disabled:
    """Context manager: run a peft-injected model with its LoRA adapters switched off."""

    def __init__(self, model: Any) -> None:
        from peft.tuners.lora import LoraLayer

        self.layers = [m for m in model.modules() if isinstance(m, LoraLayer)]

    def __enter__(self) -> None:
        for layer in self.layers:
            layer.enable_adapters(False)

    def __exit__(self, *exc: object) -> None:
        for layer in self.layers:
            layer.enable_adapters(True)
