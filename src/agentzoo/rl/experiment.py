"""What a run of an LLM-RL system does around its method (shared by ``mars`` and ``matpo``).

A run compares arms side by side: an oracle, untrained arms (the base weights or a warm start),
and arms trained with GRPO from a warm start. The pieces here are the same for every such
system; the system brings its episode, its credit rule and its metrics:

* :func:`warm_state` (:func:`config_key`, :func:`cached_state`) — warm-start weights cached on
  disk per settings;
* :func:`sft_state` — one warm start: SFT on rows from the base weights, then the trainable state;
* :class:`Arms` — the start of each arm (base weights, the warm start of its format computed
  once, GRPO resumable from a checkpoint), with timings and warm-start statistics;
* :func:`start_grpo`, :func:`grouped` and :class:`Curriculum` — the setting-up of GRPO for one
  arm, the G copies of each task of a step, and the stage gate on held-out (dev) EM;
* :func:`curve_metrics`, :func:`reward_curves` and :func:`cell` — learning curves, their figure
  and the cells of the arms table.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, Self

import numpy as np

from agentzoo.rl.rollout import TrainRow

log = logging.getLogger(__name__)

State = dict[str, Any]
"""The trainable state of a :class:`~agentzoo.rl.trainer.Trainer` (``trainable_state()``)."""
Stats = dict[str, float]


def config_key(config: object, fields: Sequence[str], **extra: object) -> str:
    """A short hash of ``fields`` of ``config`` and ``extra`` (the warm-start cache key)."""
    payload = {f: getattr(config, f) for f in fields} | extra
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def cached_state(path: Path, cache: bool, compute: Callable[[], tuple[State, Stats]]) -> tuple[State, Stats]:
    """``compute()`` (a trainable state and its statistics), read from ``path`` when ``cache`` and it
    exists, else computed and (when ``cache``) written there atomically."""
    import torch

    if cache and path.exists():
        saved = torch.load(path, map_location="cpu", weights_only=False)
        log.info("warm start loaded from %s", path)
        return saved["state"], saved["stats"]
    state, stats = compute()
    if cache:
        from agentzoo.runs import atomic_write_bytes

        buffer = io.BytesIO()
        torch.save({"state": state, "stats": stats}, buffer)
        atomic_write_bytes(path, buffer.getvalue())
    return state, stats


def warm_state(system: str, config: object, fields: Sequence[str], compute: Callable[[], tuple[State, Stats]], *,
               cache: bool, version: int = 1, **key: object) -> tuple[State, Stats]:
    """A warm start ``compute()``, cached (when ``cache``) as ``$AGENTZOO_CACHE_DIR/SYSTEM/warm-KEY.pt``; KEY
    hashes the ``fields`` of ``config`` the weights depend on, ``key`` and ``version`` (bump it when
    the warm-start data or procedure changes)."""
    from agentzoo.llm.cache import cache_dir

    path = cache_dir() / system / f"warm-{config_key(config, fields, **key, version=version)}.pt"
    return cached_state(path, cache, compute)


def sft_state(trainer: Any, rows: Sequence[TrainRow], lr: float, weights_changed: Callable[[], None],
              **sft_args: Any) -> tuple[State, Stats]:
    """SFT on ``rows`` (:func:`agentzoo.rl.sft.sft` with ``sft_args``) at learning rate ``lr`` from the
    trainer's current weights; the trainable state and the first and last epochs' NLL."""
    from agentzoo.rl.sft import sft

    trainer.reset_optimizer(lr)
    losses = sft(trainer, rows, **sft_args)
    weights_changed()
    stats = {"warm_nll_first": losses[0] if losses else float("nan"),
             "warm_nll_last": losses[-1] if losses else float("nan")}
    return trainer.trainable_state(), stats


class ModelSetup(Protocol):
    """What :class:`Arms` needs of a system's setup."""

    trainer: Any

    def oracle(self) -> Any: ...

    def weights_changed(self) -> None: ...


@dataclass
class Arms:
    """Where each arm starts, and its GRPO run.

    The oracle arm plays the gold program; every other arm starts from the base weights or, when
    it is warm-started and ``warm`` is on, from the warm start of its format (computed on first use
    by ``warm_start(format)``: statistics go to ``metrics`` as ``{key}_{format}``, its time to
    ``timings``). A trained arm then runs ``train(start, checkpoint)`` (GRPO; the checkpoint
    ``checkpoint_dir/ARM.pt`` lets a killed run resume), whose step metrics go to ``histories``.
    """

    setup: ModelSetup
    warm_start: Callable[[str], tuple[State, Stats]]
    warm: bool
    """Warm starts are on (else every arm starts from the base weights)."""
    steps: int
    checkpoint_dir: str
    metrics: dict[str, Any]
    timings: dict[str, float]
    histories: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    base: State | None = field(default=None, init=False)
    _warm: dict[str, State] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.base = self.setup.trainer.trainable_state() if self.setup.trainer is not None else None

    @classmethod
    def from_config(cls, setup: ModelSetup, config: Any, warm_start: Callable[[str], tuple[State, Stats]],
                    metrics: dict[str, Any]) -> Arms:
        """From a config's ``warm_start`` ("none" = off), ``steps`` and ``checkpoint_dir``."""
        return cls(setup, warm_start, warm=config.warm_start != "none", steps=config.steps,
                   checkpoint_dir=config.checkpoint_dir, metrics=metrics, timings={})

    def start_state(self, fmt: str, warm_needed: bool) -> State | None:
        """The base weights, or the warm start of format ``fmt`` (None without local weights)."""
        if self.base is None:
            return None
        if not warm_needed or not self.warm:
            return self.base
        if fmt not in self._warm:
            self.setup.trainer.load_trainable_state(self.base)
            t0 = time.perf_counter()
            self._warm[fmt], stats = self.warm_start(fmt)
            self.timings[f"warm_start_{fmt}_seconds"] = time.perf_counter() - t0
            self.metrics.update({f"{k}_{fmt}": v for k, v in stats.items()})
        return self._warm[fmt]

    def prepare(self, arm: str, *, oracle: bool, fmt: str, warm: bool, trained: bool,
                train: Callable[[State, Path | None], list[dict[str, Any]]]) -> Any:
        """Load (and train) the weights of ``arm``; the policy to evaluate it with (None: the model)."""
        if oracle:
            return self.setup.oracle()
        t0 = time.perf_counter()
        state = self.start_state(fmt, warm)
        if state is not None:
            self.setup.trainer.load_trainable_state(state)
            self.setup.weights_changed()
        if trained and self.steps > 0 and self.setup.trainer is not None:
            checkpoint = Path(self.checkpoint_dir) / f"{arm}.pt" if self.checkpoint_dir else None
            if checkpoint is not None:
                checkpoint.parent.mkdir(parents=True, exist_ok=True)
            assert state is not None
            self.histories[arm] = train(state, checkpoint)
            self.timings[f"train_{arm}_seconds"] = time.perf_counter() - t0
        return None

    def checkpoints(self) -> dict[str, str]:
        """The checkpoint of every trained arm (for the run's artifacts)."""
        return {a: str(Path(self.checkpoint_dir) / f"{a}.pt") for a in self.histories}


class FromConfig:
    """A settings dataclass read off a config: :meth:`from_config` takes the config's fields of the
    same names."""

    @classmethod
    def from_config(cls, config: object, **changes: Any) -> Self:
        """The settings named like fields of ``config``, then ``changes``."""
        fields: Any = getattr(cls, "__dataclass_fields__", {})
        values = {n: getattr(config, n) for n in fields if hasattr(config, n)}
        values.update(changes)
        return cls(**values)


def start_grpo(trainer: Any, start: State, lr: float, weights_changed: Callable[[], None]) -> None:
    """Before GRPO: the start weights, a fresh optimizer at ``lr`` and the KL reference set to them."""
    trainer.load_trainable_state(start)
    trainer.reset_optimizer(lr)
    trainer.set_reference()
    weights_changed()


def grouped(tasks: Sequence[Any], group_size: int, prefix: str) -> tuple[list[Any], list[str]]:
    """Each task repeated ``group_size`` times (a GRPO group), and the group id of every copy."""
    copies = [task for task in tasks for _ in range(group_size)]
    return copies, [f"{prefix}/{i // group_size}" for i in range(len(copies))]


class Scored(Protocol):
    em: float
    reward: float


@dataclass
class Curriculum:
    """Stages of training tasks: GRPO samples from ``stages[stage]`` and moves to the next stage when the
    held-out (dev) EM of the current one reaches ``gate``, measured every ``eval_every`` steps and at the
    last step (when ``eval_every`` and dev questions are set). ``evaluate(dev_tasks, step)`` plays the dev
    episodes greedily."""

    stages: Sequence[Any]
    dev: Sequence[Sequence[Any]]
    """The dev tasks of each stage."""
    evaluate: Callable[[Sequence[Any], int], Sequence[Scored]]
    gate: float
    eval_every: int
    dev_questions: int
    steps: int
    stage: int = 0

    @property
    def tasks(self) -> Any:
        return self.stages[self.stage]

    def on_step(self, metrics: dict[str, Any]) -> None:
        """Adds ``stage``, the dev EM and reward when measured, and ``next_stage`` to a step's metrics."""
        t = int(metrics["step"])
        metrics["stage"] = self.stage
        if self.eval_every and self.dev_questions and ((t + 1) % self.eval_every == 0 or t + 1 == self.steps):
            episodes = self.evaluate(self.dev[self.stage], t)
            metrics["dev_em"] = float(np.mean([e.em for e in episodes]))
            metrics["dev_reward"] = float(np.mean([e.reward for e in episodes]))
            if metrics["dev_em"] >= self.gate and self.stage + 1 < len(self.stages):
                self.stage += 1
        metrics["next_stage"] = self.stage

    def on_resume(self, history: list[dict[str, Any]]) -> None:
        self.stage = int(history[-1]["next_stage"]) if history else 0


def curve_metrics(histories: Mapping[str, list[dict[str, Any]]], curve_keys: Sequence[str],
                  step_keys: Sequence[str] = ("rollout_seconds", "train_seconds"),
                  means: Sequence[str] = ("zero_variance_fraction",)) -> dict[str, Any]:
    """Per trained arm: ``curve_KEY_ARM`` (the step values of ``curve_keys``, NaN where missing),
    ``KEY_per_step_ARM`` (mean of ``step_keys``), ``seconds_per_step_ARM`` (rollout + train) and
    ``KEY_ARM`` (mean of ``means``)."""
    out: dict[str, Any] = {}
    for arm, history in histories.items():
        for key in curve_keys:
            values = [h.get(key) for h in history]
            if any(v is not None for v in values):
                out[f"curve_{key}_{arm}"] = [float("nan") if v is None else float(v) for v in values]
        if history:
            for key in step_keys:
                out[f"{key}_per_step_{arm}"] = float(np.mean([h.get(key, np.nan) for h in history]))
            out[f"seconds_per_step_{arm}"] = float(np.mean([h["rollout_seconds"] + h["train_seconds"] for h in history]))
            for key in means:
                out[f"{key}_{arm}"] = float(np.mean([h.get(key, np.nan) for h in history]))
    return out


def reward_curves(results: Sequence[Any], *, ylabel: str, title: str,
                  dashed: Mapping[str, str] | None = None) -> Any:
    """A figure of the training reward per GRPO step (``curve_reward_ARM``) of every run, and dashed
    lines for the curves named by the keys of ``dashed`` (prefix -> label suffix)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=(7, 4))
    ax = figure.add_subplot(111)
    for result in results:
        for key, values in sorted(result.metrics.items()):
            if not (isinstance(values, list) and values):
                continue
            if key.startswith("curve_reward_"):
                ax.plot(values, label=f"{key.removeprefix('curve_reward_')} (seed {result.seed})", alpha=0.8)
            for prefix, suffix in (dashed or {}).items():
                if key.startswith(prefix):
                    ax.plot(values, linestyle="--", alpha=0.6,
                            label=f"{key.removeprefix(prefix)} {suffix} (seed {result.seed})")
    ax.set_xlabel("GRPO step")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=6)
    return figure


def cell(value: Any, digits: int = 3) -> str:
    """A number for a Markdown table ("–" when missing or NaN)."""
    return "–" if value is None or value != value else f"{float(value):.{digits}f}"
