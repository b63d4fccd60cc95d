"""``run(config)``: warm starts, GRPO per trained arm, and every arm evaluated on the same held-out test
questions at every tool-noise level, side by side."""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.rl.experiment import Arms, curve_metrics
from agentzoo.runs import Result
from agentzoo.systems.matpo.baselines import ARM_SETTINGS
from agentzoo.systems.matpo.config import Config
from agentzoo.systems.matpo.evaluate import arm_metrics, arms_table, headline, records
from agentzoo.systems.matpo.train import Setup, build_setup, evaluate, train_arm, warm_start

log = logging.getLogger(__name__)
CURVE_KEYS = ("reward", "em", "format_rate", "worker_format_rate", "workers_per_episode", "context_tokens",
              "zero_variance_fraction", "loss_normalizer", "rollout_seconds", "planner_seconds", "worker_seconds",
              "train_seconds", "dev_em", "dev_reward", "rows_planner", "rows_worker", "rows_single",
              "kept_planner", "kept_worker", "kept_single")


def run(config: Config) -> Result:
    config.use_threads()
    started = time.perf_counter()
    setup = build_setup(config, train=Setup.needs_trainer(config, (ARM_SETTINGS[a] for a in config.arms)))
    test = setup.held_out("test", config.question_types, config.eval_questions)
    metrics: dict[str, Any] = {"world_digest": setup.world.world.digest()[:16], "test_questions": len(test)}
    arms = Arms.from_config(setup, config, lambda fmt: warm_start(setup, fmt == "single", cache=config.warm_start_cache),
                            metrics)
    timings = arms.timings
    levels = tuple(sorted(set(config.eval_noise_levels)))
    rows: list[dict[str, Any]] = []
    trees: list[str] = []
    for arm in config.arms:
        settings = ARM_SETTINGS[arm]
        policy = arms.prepare(arm, oracle=settings.oracle, fmt="single" if settings.single else "matpo",
                              warm=settings.warm, trained=settings.trained, train=partial(train_arm, setup, arm, settings))
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
    metrics.update(curve_metrics(arms.histories, CURVE_KEYS,
                                 ("rollout_seconds", "planner_seconds", "worker_seconds", "train_seconds"),
                                 ("zero_variance_fraction", "loss_normalizer")))
    timings["total_seconds"] = time.perf_counter() - started
    metrics.update(timings)
    artifacts: dict[str, Any] = {
        "curves.json": arms.histories,
        "trees.txt": "\n\n".join(trees[:20]) + "\n",
        "arms.md": arms_table(metrics, config.arms, levels),
    }
    if config.checkpoint_dir:
        artifacts["checkpoints.json"] = arms.checkpoints()
    return Result.create("matpo", config, metrics, records=frame, artifacts=artifacts, timings=timings)
