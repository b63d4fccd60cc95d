"""Training MARS: the model setup, the warm start and multi-role GRPO.

GRPO plugs MARS's pieces into :class:`agentzoo.rl.grpo.GRPO`: the dual-system rollout
(:func:`~agentzoo.systems.mars.episode.run_episodes`), ``pooled_by_role`` advantages (System 2
normalised per group, System 1 per group's System-1 pool), sample balancing of System-1 rows
to the number of System-2 rows, and one loss group per role (each role's PPO term is
token-mean normalised over its own rows: our reading of v2's "decoupled" gradients).
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
from agentzoo.rl.advantages import pooled_by_role
from agentzoo.rl.balance import balance
from agentzoo.rl.experiment import Curriculum, grouped, sft_state, start_grpo, warm_state
from agentzoo.rl.grpo import GRPO, GRPOConfig
from agentzoo.rl.policy import Policy
from agentzoo.rl.rollout import Rollout, TrainRow
from agentzoo.rl.sft import successful
from agentzoo.seeding import rng
from agentzoo.systems.mars.baselines import ArmSettings, OraclePolicy, RandomPolicy
from agentzoo.systems.mars.config import STAGES, Config
from agentzoo.systems.mars.episode import Episode, EpisodeSettings, run_episodes

log = logging.getLogger(__name__)


@dataclass
class Setup(ResearchSetup[Config]):
    """Everything a run shares: the world, the model, its policy and (if local) the trainer."""

    ORACLE = OraclePolicy
    RANDOM = RandomPolicy


def build_setup(config: Config, *, train: bool = True) -> Setup:
    return Setup.build(config, train=train)


def episode_settings(config: Config, arm: ArmSettings, *, greedy: bool) -> EpisodeSettings:
    return EpisodeSettings.from_config(
        config, use_sys1=arm.use_sys1, packing=arm.packing or config.packing, closed_book=arm.closed_book,
        temperature=0.0 if greedy else config.temperature,
    )


# ---------------------------------------------------------------------- warm start
def _rows(setup: Setup, episodes: list[Episode]) -> list[TrainRow]:
    assert setup.renderer is not None
    rows: list[TrainRow] = []
    for e in episodes:
        setup.renderer.sync(e.sys2)
        for d in e.sys1:
            setup.renderer.sync(d)
        rows.extend(r.to_row() for r in e.tree())
    return rows


# the settings the warm-start weights depend on (the key of their cache)
WARM_FIELDS = ("model", "seed", "world_people", "world_companies", "world_cities", "world_papers", "result_tokens",
               "search_top_k", "warm_start", "warm_start_examples", "warm_start_epochs", "warm_start_lr",
               "warm_start_types", "train_mode", "top_k_layers", "lora_r", "bin_capacity", "packing", "context_cap",
               "max_turns", "s1_max_new_tokens", "s2_max_new_tokens", "tools", "temperature", "micro_batch_tokens")


def warm_start(setup: Setup, use_sys1: bool, cache: bool = True) -> tuple[dict[str, Any], dict[str, float]]:
    """SFT on gold trajectories (or RFT on the policy's own successes), from the base weights;
    returns the trainable state and statistics. Cached on disk per config hash."""
    return warm_state("mars", setup.config, WARM_FIELDS, partial(_warm_start, setup, use_sys1), cache=cache,
                      use_sys1=use_sys1)


def _warm_start(setup: Setup, use_sys1: bool) -> tuple[dict[str, Any], dict[str, float]]:
    config = setup.config
    types = tuple(t for t in config.warm_start_types if _types_usable(t, config.tools))
    questions = setup.world.questions.sample("train", types, config.warm_start_examples, rng(config.seed, "warm-start"))
    settings = episode_settings(config, ArmSettings(use_sys1=use_sys1), greedy=True)
    if config.warm_start == "sft":
        teacher = setup.oracle()
        episodes = run_episodes(questions, [q.id for q in questions], teacher, teacher, setup.world.tools, settings,
                                (config.seed, "warm-gold"))
        kept = [e for e in episodes if e.em == 1.0]
    else:  # rft: sample the policy, keep the successful episodes
        k = 4
        sampled = [q for q in questions for _ in range(k)]
        episodes = run_episodes(sampled, [q.id for q in sampled], setup.policy, setup.policy, setup.world.tools,
                                episode_settings(config, ArmSettings(use_sys1=use_sys1), greedy=False),
                                (config.seed, "warm-rft"))
        trees = [e.tree() for e in episodes]
        good = {id(r) for r in successful(trees, threshold=1.0, per_group=1)}
        kept = [e for e, t in zip(episodes, trees, strict=True) if id(t.root) in good]
    rows = _rows(setup, kept)
    state, nll = sft_state(setup.trainer, rows, config.warm_start_lr, setup.weights_changed,
                           epochs=config.warm_start_epochs, batch_rows=16, rng=rng(config.seed, "sft"))
    return state, {"warm_examples": float(len(kept)), "warm_rows": float(len(rows))} | nll


def _types_usable(qtype: str, tools: tuple[str, ...]) -> bool:
    needs = {"1hop": {"search"}, "2hop": {"search"}, "compute": {"search", "python"}, "scholar": {"scholar", "search"}}
    return needs[qtype] <= set(tools)


# ---------------------------------------------------------------------- GRPO
def select_rows(rollouts: list[Rollout], generator: np.random.Generator, mode: str, train_sys1: bool
                ) -> tuple[list[Rollout], dict[str, float]]:
    """Sample balancing: System-1 rows resampled to the number of System-2 rows (after the
    advantages were computed on all rows); a frozen System 1 contributes no rows."""
    sys2 = [r for r in rollouts if r.role == "sys2"]
    sys1 = [r for r in rollouts if r.role == "sys1"]
    if not train_sys1:
        return sys2, {"sys1_dropped": float(len(sys1)), "sys1_row_reward": float("nan")}
    idx = balance([r.advantage for r in sys1], len(sys2), mode, generator)  # type: ignore[arg-type]
    kept = [sys1[i] for i in idx]
    return sys2 + kept, {
        "sys1_dropped": float(len(sys1) - len(set(idx))),
        "sys1_row_reward": float(np.mean([r.reward for r in kept])) if kept else float("nan"),
    }


def evaluate(setup: Setup, arm: ArmSettings, questions: list[Question], seed_key: object,
             policy: Policy | None = None) -> list[Episode]:
    """Greedy episodes on ``questions`` (one each)."""
    policy = policy or setup.policy
    return run_episodes(questions, [q.id for q in questions], policy, policy, setup.world.tools,
                        episode_settings(setup.config, arm, greedy=True), seed_key)


def train_arm(setup: Setup, name: str, arm: ArmSettings, start: dict[str, Any], checkpoint: Path | None
              ) -> list[dict[str, Any]]:
    """GRPO from ``start`` (the warm-start weights) for ``config.steps`` steps; step metrics."""
    config = setup.config
    start_grpo(setup.trainer, start, config.lr, setup.weights_changed)
    settings = episode_settings(config, arm, greedy=False)
    stages = [tuple(t for t in STAGES[s] if _types_usable(t, config.tools)) for s in config.curriculum]
    curriculum = Curriculum(
        stages, [setup.held_out("dev", types, config.curve_questions) for types in stages],
        lambda questions, t: evaluate(setup, arm, list(questions), (config.seed, name, "dev", t)),
        config.curriculum_gate, config.eval_every, config.curve_questions, config.steps)
    last: dict[str, float] = {}

    def sample_tasks(t: int, generator: np.random.Generator) -> list[Question]:
        return setup.world.questions.sample("train", curriculum.tasks, config.prompts_per_step, generator)

    def rollout_fn(tasks: Any, t: int) -> list[Any]:
        qs, groups = grouped(tasks, config.group_size, f"{name}/{t}")
        episodes = run_episodes(qs, groups, setup.policy, setup.policy, setup.world.tools, settings,
                                (config.seed, name, t))
        last.update(step_stats(episodes))
        return [e.tree() for e in episodes]

    def on_step(metrics: dict[str, Any]) -> None:
        metrics.update(last)
        curriculum.on_step(metrics)
        log.info("%s step %d: stage %d, reward %.3f, EM %.3f, format %.2f, sys1 calls %.1f, context %.0f tokens, "
                 "kept sys1 rows %s, %.0fs rollout + %.0fs train", name, metrics["step"], metrics["stage"],
                 metrics["reward"], metrics.get("em", 0.0), metrics.get("format_rate", 0.0),
                 metrics.get("sys1_calls", 0.0), metrics.get("context_tokens", 0.0), metrics.get("kept_sys1", 0),
                 metrics["rollout_seconds"], metrics["train_seconds"])

    loop = GRPO(
        setup.trainer, sample_tasks, rollout_fn, pooled_by_role, GRPOConfig(steps=config.steps, seed=config.seed),
        select_fn=lambda rollouts, g: select_rows(rollouts, g, arm.balance or config.balance, arm.train_sys1),
        loss_group=lambda r: r.role, after_update=setup.weights_changed, on_step=on_step,
        on_resume=curriculum.on_resume,
    )
    return loop.run(checkpoint)


def step_stats(episodes: list[Episode]) -> dict[str, float]:
    search_turns = sum(e.search_turns for e in episodes)
    return {
        "em": float(np.mean([e.em for e in episodes])),
        "format_rate": float(np.mean([e.format_ok for e in episodes])),
        "invalid_actions": float(np.mean([e.invalid for e in episodes])),
        "sys1_calls": float(np.mean([len(e.sys1) for e in episodes])),
        "sys1_calls_per_search_turn": sum(len(e.sys1) for e in episodes) / search_turns if search_turns else 0.0,
        "context_tokens": float(np.mean([e.context_tokens for e in episodes])),
        "generated_sys2": float(np.mean([e.generated["sys2"] for e in episodes])),
        "generated_sys1": float(np.mean([e.generated["sys1"] for e in episodes])),
    }
