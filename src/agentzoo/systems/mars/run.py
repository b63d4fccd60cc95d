"""``run(config)``: warm start, GRPO per trained arm, and every arm evaluated on the same
held-out test questions, side by side."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.runs import Result
from agentzoo.systems.mars.baselines import ARM_SETTINGS
from agentzoo.systems.mars.config import Config
from agentzoo.systems.mars.evaluate import arm_metrics, records
from agentzoo.systems.mars.train import build_setup, evaluate, train_arm, warm_start

log = logging.getLogger(__name__)
CURVE_KEYS = ("reward", "sys1_row_reward", "em", "format_rate", "context_tokens", "sys1_calls",
              "zero_variance_fraction", "rollout_seconds", "train_seconds", "dev_em", "dev_reward")


def run(config: Config) -> Result:
    if config.threads:
        import torch

        torch.set_num_threads(config.threads)
    started = time.perf_counter()
    trains = any(ARM_SETTINGS[a].trained or ARM_SETTINGS[a].warm for a in config.arms if a != "oracle")
    setup = build_setup(config, train=trains and config.model.startswith("local"))
    bank = setup.world.questions
    test = [q for t in config.eval_types for q in bank.held_out("test", t, config.eval_questions, config.seed)]
    metrics: dict[str, Any] = {"world_digest": setup.world.world.digest()[:16], "test_questions": len(test)}
    rows: list[dict[str, Any]] = []
    transcripts: list[str] = []
    histories: dict[str, list[dict[str, Any]]] = {}
    base = setup.trainer.trainable_state() if setup.trainer is not None else None
    warm: dict[bool, dict[str, Any]] = {}
    timings: dict[str, float] = {}

    def start_state(use_sys1: bool, warm_needed: bool) -> dict[str, Any] | None:
        if base is None:
            return None
        if not warm_needed or config.warm_start == "none":
            return base
        if use_sys1 not in warm:
            setup.trainer.load_trainable_state(base)
            t0 = time.perf_counter()
            warm[use_sys1], stats = warm_start(setup, use_sys1, cache=config.warm_start_cache)
            timings[f"warm_start_{'mars' if use_sys1 else 'single'}_seconds"] = time.perf_counter() - t0
            metrics.update({f"{k}_{'mars' if use_sys1 else 'single'}": v for k, v in stats.items()})
        return warm[use_sys1]

    for arm in config.arms:
        settings = ARM_SETTINGS[arm]
        t0 = time.perf_counter()
        policy = None
        if arm == "oracle":
            policy = setup.oracle()
        else:
            state = start_state(settings.use_sys1, settings.warm)
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
        t1 = time.perf_counter()
        engine = getattr(setup.policy, "engine", None)
        before = getattr(engine, "generated_tokens", 0)
        episodes = evaluate(setup, settings, test, (config.seed, arm, "test"), policy)
        elapsed = time.perf_counter() - t1
        timings[f"eval_{arm}_seconds"] = elapsed
        if arm != "oracle" and engine is not None:
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
    _curves(metrics, histories)
    timings["total_seconds"] = time.perf_counter() - started
    metrics.update({k: v for k, v in timings.items()})
    table = arms_table(metrics, config.arms)
    log.info("arms on %d held-out test questions:\n%s", len(test), table)
    artifacts: dict[str, Any] = {
        "curves.json": histories,
        "trajectories.txt": "\n\n".join(transcripts[:20]) + "\n",
        "arms.md": table,
    }
    if config.checkpoint_dir:
        artifacts["checkpoints.json"] = {a: str(Path(config.checkpoint_dir) / f"{a}.pt") for a in histories}
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


def _curves(metrics: dict[str, Any], histories: dict[str, list[dict[str, Any]]]) -> None:
    for arm, history in histories.items():
        for key in CURVE_KEYS:
            values = [h.get(key) for h in history]
            if any(v is not None for v in values):
                metrics[f"curve_{key}_{arm}"] = [float("nan") if v is None else float(v) for v in values]
        if history:
            metrics[f"seconds_per_step_{arm}"] = float(np.mean([h["rollout_seconds"] + h["train_seconds"] for h in history]))
            metrics[f"rollout_seconds_per_step_{arm}"] = float(np.mean([h["rollout_seconds"] for h in history]))
            metrics[f"train_seconds_per_step_{arm}"] = float(np.mean([h["train_seconds"] for h in history]))
            metrics[f"zero_variance_fraction_{arm}"] = float(np.mean([h["zero_variance_fraction"] for h in history]))


def arms_table(metrics: dict[str, Any], arms: tuple[str, ...]) -> str:
    """A Markdown table of the arms (EM, reward, format, context tokens, System-1 calls)."""
    lines = ["| arm | EM | reward | format | S2 context tokens | S1 calls / search turn | tool calls |",
             "|---|---|---|---|---|---|---|"]
    for arm in arms:
        def f(key: str, digits: int = 3, arm: str = arm) -> str:
            value = metrics.get(f"{key}_{arm}")
            return "–" if value is None or value != value else f"{value:.{digits}f}"

        lines.append(f"| {arm} | {f('em')} | {f('reward')} | {f('format_rate', 2)} | {f('context_tokens', 0)} | "
                     f"{f('sys1_calls_per_search_turn', 2)} | {f('tool_calls', 2)} |")
    return "\n".join(lines) + "\n"
