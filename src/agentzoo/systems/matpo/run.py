"""``run(config)``: warm starts, GRPO per trained arm, and every arm evaluated on the same held-out test
questions at every tool-noise level, side by side."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.runs import Result
from agentzoo.systems.matpo.baselines import ARM_SETTINGS
from agentzoo.systems.matpo.config import Config
from agentzoo.systems.matpo.evaluate import arm_metrics, arms_table, headline, records
from agentzoo.systems.matpo.train import build_setup, evaluate, train_arm, warm_start

log = logging.getLogger(__name__)
CURVE_KEYS = ("reward", "em", "format_rate", "worker_format_rate", "workers_per_episode", "context_tokens",
              "zero_variance_fraction", "loss_normalizer", "rollout_seconds", "planner_seconds", "worker_seconds",
              "train_seconds", "dev_em", "dev_reward", "rows_planner", "rows_worker", "rows_single",
              "kept_planner", "kept_worker", "kept_single")


def run(config: Config) -> Result:
    if config.threads:
        import torch

        torch.set_num_threads(config.threads)
    started = time.perf_counter()
    uses_model = [a for a in config.arms if not ARM_SETTINGS[a].oracle]
    trains = any(ARM_SETTINGS[a].trained or ARM_SETTINGS[a].warm for a in uses_model)
    setup = build_setup(config, train=trains and config.model.startswith("local"))
    bank = setup.world.questions
    test = [q for t in config.question_types for q in bank.held_out("test", t, config.eval_questions, config.seed)]
    metrics: dict[str, Any] = {"world_digest": setup.world.world.digest()[:16], "test_questions": len(test)}
    rows: list[dict[str, Any]] = []
    trees: list[str] = []
    histories: dict[str, list[dict[str, Any]]] = {}
    base = setup.trainer.trainable_state() if setup.trainer is not None else None
    warm: dict[bool, dict[str, Any]] = {}
    timings: dict[str, float] = {}
    levels = tuple(sorted(set(config.eval_noise_levels)))

    def start_state(single: bool, warm_needed: bool) -> dict[str, Any] | None:
        if base is None:
            return None
        if not warm_needed or config.warm_start == "none":
            return base
        if single not in warm:
            setup.trainer.load_trainable_state(base)
            t0 = time.perf_counter()
            warm[single], stats = warm_start(setup, single, cache=config.warm_start_cache)
            name = "single" if single else "matpo"
            timings[f"warm_start_{name}_seconds"] = time.perf_counter() - t0
            metrics.update({f"{k}_{name}": v for k, v in stats.items()})
        return warm[single]

    for arm in config.arms:
        settings = ARM_SETTINGS[arm]
        t0 = time.perf_counter()
        policy = None
        if settings.oracle:
            policy = setup.oracle()
        else:
            state = start_state(settings.single, settings.warm)
            if state is not None:
                setup.trainer.load_trainable_state(state)
                setup.weights_changed()
            if settings.trained and config.steps > 0 and setup.trainer is not None:
                ckpt = Path(config.checkpoint_dir) / f"{arm}.pt" if config.checkpoint_dir else None
                if ckpt is not None:
                    ckpt.parent.mkdir(parents=True, exist_ok=True)
                assert state is not None
                histories[arm] = train_arm(setup, arm, settings, state, ckpt)
                timings[f"train_{arm}_seconds"] = time.perf_counter() - t0
        for level in levels:
            t1 = time.perf_counter()
            timer: dict[str, float] = {}
            episodes = evaluate(setup, settings, test, level, (config.seed, arm, "test", level), policy, timer)
            timings[f"eval_{arm}_noise{level:g}_seconds"] = time.perf_counter() - t1
            rows.extend(records(arm, level, episodes))
            trees.extend(f"[{arm}, noise {level:g}] {e.transcript()}" for e in episodes[:2])
            log.info("%s, noise %g: EM %.3f, reward %.3f, workers/episode %.2f on %d test questions (%.0fs)", arm,
                     level, np.mean([e.em for e in episodes]), np.mean([e.reward for e in episodes]),
                     np.mean([len(e.workers) for e in episodes]), len(episodes), time.perf_counter() - t1)
    frame = pd.DataFrame(rows)
    for arm in config.arms:
        metrics.update(arm_metrics(frame, arm))
    metrics.update(headline(metrics))
    _curves(metrics, histories)
    timings["total_seconds"] = time.perf_counter() - started
    metrics.update(timings)
    artifacts: dict[str, Any] = {
        "curves.json": histories,
        "trees.txt": "\n\n".join(trees[:20]) + "\n",
        "arms.md": arms_table(metrics, config.arms, levels),
    }
    if config.checkpoint_dir:
        artifacts["checkpoints.json"] = {a: str(Path(config.checkpoint_dir) / f"{a}.pt") for a in histories}
    return Result.create("matpo", config, metrics, records=frame, artifacts=artifacts, timings=timings)


def _curves(metrics: dict[str, Any], histories: dict[str, list[dict[str, Any]]]) -> None:
    for arm, history in histories.items():
        for key in CURVE_KEYS:
            values = [h.get(key) for h in history]
            if any(v is not None for v in values):
                metrics[f"curve_{key}_{arm}"] = [float("nan") if v is None else float(v) for v in values]
        if history:
            for key in ("rollout_seconds", "planner_seconds", "worker_seconds", "train_seconds"):
                metrics[f"{key}_per_step_{arm}"] = float(np.mean([h.get(key, np.nan) for h in history]))
            metrics[f"seconds_per_step_{arm}"] = float(np.mean([h["rollout_seconds"] + h["train_seconds"]
                                                                for h in history]))
            metrics[f"zero_variance_fraction_{arm}"] = float(np.mean([h["zero_variance_fraction"] for h in history]))
            metrics[f"loss_normalizer_{arm}"] = float(np.mean([h.get("loss_normalizer", np.nan) for h in history]))
