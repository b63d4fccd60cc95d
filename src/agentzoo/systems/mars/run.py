"""``run(config)``: warm start, GRPO per trained arm, and every arm evaluated on the same
held-out test questions, side by side."""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.rl.experiment import Arms, cell, curve_metrics
from agentzoo.runs import Result
from agentzoo.systems.mars.baselines import ARM_SETTINGS
from agentzoo.systems.mars.config import Config
from agentzoo.systems.mars.evaluate import arm_metrics, records
from agentzoo.systems.mars.train import Setup, build_setup, evaluate, train_arm, warm_start

log = logging.getLogger(__name__)
CURVE_KEYS = ("reward", "sys1_row_reward", "em", "format_rate", "context_tokens", "sys1_calls",
              "zero_variance_fraction", "rollout_seconds", "train_seconds", "dev_em", "dev_reward")


def run(config: Config) -> Result:
    config.use_threads()
    started = time.perf_counter()
    setup = build_setup(config, train=Setup.needs_trainer(config, (ARM_SETTINGS[a] for a in config.arms)))
    test = setup.held_out("test", config.eval_types, config.eval_questions)
    metrics: dict[str, Any] = {"world_digest": setup.world.world.digest()[:16], "test_questions": len(test)}
    arms = Arms.from_config(setup, config, lambda fmt: warm_start(setup, fmt == "mars", cache=config.warm_start_cache),
                            metrics)
    timings = arms.timings
    rows: list[dict[str, Any]] = []
    transcripts: list[str] = []
    for arm in config.arms:
        settings = ARM_SETTINGS[arm]
        t0 = time.perf_counter()
        policy = arms.prepare(arm, oracle=settings.oracle, fmt="mars" if settings.use_sys1 else "single",
                              warm=settings.warm, trained=settings.trained, train=partial(train_arm, setup, arm, settings))
        t1 = time.perf_counter()
        engine = getattr(setup.policy, "engine", None)
        before = getattr(engine, "generated_tokens", 0)
        episodes = evaluate(setup, settings, test, (config.seed, arm, "test"), policy)
        elapsed = time.perf_counter() - t1
        timings[f"eval_{arm}_seconds"] = elapsed
        if not settings.oracle and engine is not None:
            metrics[f"eval_tokens_per_second_{arm}"] = (engine.generated_tokens - before) / max(elapsed, 1e-9)
        rows.extend(records(arm, episodes))
        transcripts.extend(f"[{arm}] {e.transcript()}" for e in episodes[: max(1, 20 // len(config.arms))])
        log.info("%s: EM %.3f, reward %.3f on %d test questions (%.0fs)", arm,
                 np.mean([e.em for e in episodes]), np.mean([e.reward for e in episodes]), len(episodes),
                 time.perf_counter() - t0)
    frame = pd.DataFrame(rows)
    for arm in config.arms:
        metrics.update(arm_metrics(frame, arm))
    _headline(metrics, config)
    metrics.update(curve_metrics(arms.histories, CURVE_KEYS))
    timings["total_seconds"] = time.perf_counter() - started
    metrics.update(timings)
    table = arms_table(metrics, config.arms)
    log.info("arms on %d held-out test questions:\n%s", len(test), table)
    artifacts: dict[str, Any] = {
        "curves.json": arms.histories,
        "trajectories.txt": "\n\n".join(transcripts[:20]) + "\n",
        "arms.md": table,
    }
    if config.checkpoint_dir:
        artifacts["checkpoints.json"] = arms.checkpoints()
    return Result.create("mars", config, metrics, records=frame, artifacts=artifacts, timings=timings)


def _headline(metrics: dict[str, Any], config: Config) -> None:
    """The issue's metric names, from the per-arm metrics."""
    def get(key: str) -> float:
        return float(metrics.get(key, float("nan")))

    before_arm = "warm_start" if "warm_start" in config.arms else "zero_shot"
    metrics["accuracy_before"] = get(f"em_{before_arm}")
    metrics["accuracy_after"] = get("em_mars")
    metrics["accuracy_single_agent"] = get("em_single_agent_grpo")
    metrics["accuracy_frozen_system1"] = get("em_frozen_sys1")
    metrics["context_tokens_mars"] = get("context_tokens_mars")
    raw = get("context_tokens_single_agent_grpo")
    metrics["context_tokens_raw"] = raw if raw == raw else get("raw_equivalent_tokens_mars")
    if metrics["context_tokens_raw"] == metrics["context_tokens_raw"] and metrics["context_tokens_raw"] > 0:
        metrics["context_reduction"] = 1.0 - metrics["context_tokens_mars"] / metrics["context_tokens_raw"]


def arms_table(metrics: dict[str, Any], arms: tuple[str, ...]) -> str:
    """A Markdown table of the arms (EM, reward, format, context tokens, System-1 calls)."""
    lines = ["| arm | EM | reward | format | S2 context tokens | S1 calls / search turn | tool calls |",
             "|---|---|---|---|---|---|---|"]
    for arm in arms:
        def f(key: str, digits: int = 3, arm: str = arm) -> str:
            return cell(metrics.get(f"{key}_{arm}"), digits)

        lines.append(f"| {arm} | {f('em')} | {f('reward')} | {f('format_rate', 2)} | {f('context_tokens', 0)} | "
                     f"{f('sys1_calls_per_search_turn', 2)} | {f('tool_calls', 2)} |")
    return "\n".join(lines) + "\n"
