"""Training MATPO: model setup, the gold warm start, and GRPO on planner/worker trees.

GRPO plugs MATPO's pieces into :class:`agentzoo.rl.grpo.GRPO`: the tree rollout
(:func:`~agentzoo.systems.matpo.episode.run_episodes`), the credit rule of
:class:`~agentzoo.systems.matpo.credit.Credit` (inheritance by default), one loss group for all rows
with the authors' normaliser, PPO-clip with dual clip, no KL. The same loop trains the single-agent
baseline (one role, plain GRPO) at the same step budget.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.envs.research import Question
from agentzoo.envs.research.harness import ResearchSetup
from agentzoo.rl.experiment import Curriculum, grouped, sft_state, start_grpo, warm_state
from agentzoo.rl.grpo import GRPO, GRPOConfig
from agentzoo.rl.policy import Policy
from agentzoo.rl.rollout import Rollout, TrainRow
from agentzoo.seeding import rng
from agentzoo.systems.matpo.baselines import ArmSettings, OraclePolicy, RandomPolicy
from agentzoo.systems.matpo.config import Config
from agentzoo.systems.matpo.credit import Credit
from agentzoo.systems.matpo.episode import Episode, EpisodeSettings, run_episodes
from agentzoo.systems.matpo.noise import NoisyTools
from agentzoo.systems.matpo.reward import Judge

log = logging.getLogger(__name__)


@dataclass
class Setup(ResearchSetup[Config]):
    """What a run shares: the world, the model as a policy, (if local) the trainer, and the judge."""

    ORACLE = OraclePolicy
    RANDOM = RandomPolicy
    judge: Judge | None = None

    def tools(self, level: float) -> NoisyTools:
        return NoisyTools(self.world.tools, level, self.config.noise_kinds, self.config.seed)


def build_setup(config: Config, *, train: bool = True) -> Setup:
    judge = None
    if config.judge:
        from agentzoo.llm import load_model

        judge = Judge(load_model(config.judge, seed=config.seed))
    return Setup.build(config, train=train, judge=judge)


def episode_settings(config: Config, arm: ArmSettings, *, greedy: bool) -> EpisodeSettings:
    return EpisodeSettings.from_config(config, single=arm.single, temperature=0.0 if greedy else config.temperature)


def evaluate(setup: Setup, arm: ArmSettings, questions: list[Question], noise: float, seed_key: object,
             policy: Policy | None = None, timer: dict[str, float] | None = None) -> list[Episode]:
    """Greedy episodes on ``questions`` (one each) with tools at noise level ``noise``."""
    return run_episodes(questions, [q.id for q in questions], policy or setup.policy, setup.tools(noise),
                        episode_settings(setup.config, arm, greedy=True), seed_key, judge=setup.judge, timer=timer)


# ---------------------------------------------------------------------- warm start
# the settings the warm-start weights depend on (the key of their cache)
WARM_FIELDS = ("model", "seed", "world_people", "world_companies", "world_cities", "world_papers", "result_tokens",
               "search_top_k", "warm_start_examples", "warm_start_epochs", "warm_start_lr", "warm_start_batch_rows",
               "question_types",
               "train_mode", "top_k_layers", "lora_r", "planner_context_cap", "worker_context_cap",
               "planner_max_turns", "worker_max_turns", "single_agent_max_turns", "worker_return_max_tokens",
               "tool_noise", "noise_kinds", "micro_batch_tokens", "temperature")


def gold_rows(setup: Setup, single: bool) -> tuple[list[TrainRow], dict[str, float]]:
    """Gold trees (spec: the planner writes one subtask per hop, the worker searches and answers with the
    supporting fact, the planner answers), kept when they reach EM = 1, as supervised rows of both roles."""
    config = setup.config
    questions = setup.world.questions.sample("train", config.question_types, config.warm_start_examples,
                                             rng(config.seed, "warm-start", single))
    episodes = run_episodes(questions, [q.id for q in questions], setup.oracle(), setup.tools(config.tool_noise),
                            episode_settings(config, ArmSettings(single=single), greedy=True), (config.seed, "gold"))
    kept = [e for e in episodes if e.em == 1.0]
    rows = [r.to_row() for e in kept for r in e.tree()]
    stats = {"warm_examples": float(len(kept)), "warm_gold_em": float(np.mean([e.em for e in episodes])),
             "warm_rows": float(len(rows))}
    return rows, stats


def warm_start(setup: Setup, single: bool, cache: bool = True) -> tuple[dict[str, Any], dict[str, float]]:
    """SFT on gold trees from the current (base) weights; the trainable state and statistics. Cached on
    disk per config hash."""
    return warm_state("matpo", setup.config, WARM_FIELDS, partial(_warm_start, setup, single), cache=cache,
                      single=single)


def _warm_start(setup: Setup, single: bool) -> tuple[dict[str, Any], dict[str, float]]:
    config = setup.config
    rows, stats = gold_rows(setup, single)
    state, nll = sft_state(setup.trainer, rows, config.warm_start_lr, setup.weights_changed,
                           epochs=config.warm_start_epochs, batch_rows=config.warm_start_batch_rows,
                           rng=rng(config.seed, "sft", single),
                           description="warm start (single agent)" if single else "warm start (planner+worker)")
    return state, stats | nll


# ---------------------------------------------------------------------- GRPO
def stages(config: Config) -> list[tuple[str, ...]]:
    """Curriculum stages (prefixes of ``question_types``), or one stage with every type."""
    types = config.question_types
    if config.curriculum_gate > 0 and config.eval_every > 0 and config.curve_questions > 0:
        return [types[: k + 1] for k in range(len(types))]
    return [types]


def train_arm(setup: Setup, name: str, arm: ArmSettings, start: dict[str, Any], checkpoint: Path | None
              ) -> list[dict[str, Any]]:
    """GRPO from ``start`` (warm-start weights) for ``config.steps`` steps; the step metrics."""
    config = setup.config
    start_grpo(setup.trainer, start, config.lr, setup.weights_changed)
    credit = Credit(arm.advantage_mode or config.advantage_mode, config.loss_agg)
    settings = episode_settings(config, arm, greedy=False)
    plan = stages(config)
    curriculum = Curriculum(
        plan, [setup.held_out("dev", types, config.curve_questions) for types in plan],
        lambda questions, t: evaluate(setup, arm, list(questions), 0.0, (config.seed, name, "dev", t)),
        config.curriculum_gate, config.eval_every, config.curve_questions, config.steps)
    state: dict[str, Any] = {"last": {}, "normalizer": float("nan")}

    def sample_tasks(t: int, generator: np.random.Generator) -> list[Question]:
        return setup.world.questions.sample("train", curriculum.tasks, config.prompts_per_step, generator)

    def rollout_fn(tasks: Any, t: int) -> list[Any]:
        qs, groups = grouped(tasks, config.group_size, f"{name}/{t}")
        timer: dict[str, float] = {}
        episodes = run_episodes(qs, groups, setup.policy, setup.tools(config.tool_noise), settings,
                                (config.seed, name, t), judge=setup.judge, timer=timer)
        state["last"] = step_stats(episodes, timer)
        return [e.tree() for e in episodes]

    def normalizers(rows: list[Rollout]) -> dict[str, float]:
        state["normalizer"] = credit.normalizer_value([r for r in rows if r.n_action_tokens > 0])
        return credit.normalizers(rows)

    def on_step(metrics: dict[str, Any]) -> None:
        metrics.update(state["last"])
        metrics["loss_normalizer"] = state["normalizer"]
        curriculum.on_step(metrics)
        log.info("%s step %d: stage %d, reward %.3f, EM %.3f, planner format %.2f, workers %.2f, rows %s, "
                 "normaliser %.0f, %.0fs rollout (planner %.0fs, workers %.0fs) + %.0fs train", name, metrics["step"],
                 metrics["stage"], metrics["reward"], metrics.get("em", 0.0), metrics.get("format_rate", 0.0),
                 metrics.get("workers_per_episode", 0.0), {k: v for k, v in metrics.items() if k.startswith("kept_")},
                 metrics["loss_normalizer"], metrics["rollout_seconds"], metrics.get("planner_seconds", 0.0),
                 metrics.get("worker_seconds", 0.0), metrics["train_seconds"])

    loop = GRPO(setup.trainer, sample_tasks, rollout_fn, credit.advantages,
                GRPOConfig(steps=config.steps, seed=config.seed), select_fn=credit.select,
                loss_group=credit.loss_group, normalizers=normalizers, after_update=setup.weights_changed,
                on_step=on_step, on_resume=curriculum.on_resume)
    return loop.run(checkpoint)


def step_stats(episodes: list[Episode], timer: dict[str, float]) -> dict[str, float]:
    """Per-step rollout statistics (means over the step's episodes)."""
    def mean(values: list[float]) -> float:
        return float(np.mean(values)) if values else float("nan")

    workers = [w for e in episodes for w in e.workers]
    return {
        "em": mean([e.em for e in episodes]),
        "format_rate": mean([float(e.format_ok) for e in episodes]),
        "worker_format_rate": mean([float(w.format_ok) for w in workers]),
        "workers_per_episode": mean([float(len(e.workers)) for e in episodes]),
        "context_tokens": mean([float(e.context_tokens) for e in episodes]),
        "generated_planner": mean([float(e.generated["planner"]) for e in episodes]),
        "generated_worker": mean([float(e.generated["worker"]) for e in episodes]),
        "generated_single": mean([float(e.generated["single"]) for e in episodes]),
        "parse_failures_planner": mean([float(e.parse_failures["planner"]) for e in episodes]),
        "parse_failures_worker": mean([float(e.parse_failures["worker"]) for e in episodes]),
        "parse_failures_single": mean([float(e.parse_failures["single"]) for e in episodes]),
        "budget_overruns": mean([float(e.budget_overruns) for e in episodes]),
        "planner_overflows": mean([float(e.overflow) for e in episodes]),
        "planner_seconds": timer.get("planner", 0.0) + timer.get("single", 0.0),
        "worker_seconds": timer.get("worker", 0.0),
    }
