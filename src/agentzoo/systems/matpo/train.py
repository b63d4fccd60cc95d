"""Training MATPO: model setup, the gold warm start, and GRPO on planner/worker trees.

GRPO plugs MATPO's pieces into :class:`agentzoo.rl.grpo.GRPO`: the tree rollout
(:func:`~agentzoo.systems.matpo.episode.run_episodes`), the credit rule of
:class:`~agentzoo.systems.matpo.credit.Credit` (inheritance by default), one loss group for all rows
with the authors' normaliser, PPO-clip with dual clip, no KL. The same loop trains the single-agent
baseline (one role, plain GRPO) at the same step budget.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.envs.research import Question, ResearchWorld
from agentzoo.rl.grpo import GRPO, GRPOConfig
from agentzoo.rl.policy import ChatPolicy, ChatRenderer, Policy, TokenPolicy
from agentzoo.rl.rollout import Rollout, TrainRow
from agentzoo.rl.sft import sft
from agentzoo.seeding import rng
from agentzoo.systems.matpo.baselines import ArmSettings, OraclePolicy, RandomPolicy, approx_count
from agentzoo.systems.matpo.config import Config
from agentzoo.systems.matpo.credit import Credit
from agentzoo.systems.matpo.episode import Episode, EpisodeSettings, run_episodes
from agentzoo.systems.matpo.noise import NoisyTools
from agentzoo.systems.matpo.reward import Judge

log = logging.getLogger(__name__)
WARM_VERSION = 1  # bump when the warm-start data or procedure changes (invalidates the cache)


@dataclass
class Setup:
    """What a run shares: the world, the model as a policy, and (if local) the trainer."""

    config: Config
    world: ResearchWorld
    policy: Policy
    count: Callable[[str], int]
    chat: Any = None
    renderer: ChatRenderer | None = None
    trainer: Any = None
    judge: Judge | None = None

    def oracle(self) -> OraclePolicy:
        questions = [q for qs in self.world.questions.questions.values() for q in qs]
        return OraclePolicy(questions, self.count, self.renderer)

    def tools(self, level: float) -> NoisyTools:
        return NoisyTools(self.world.tools, level, self.config.noise_kinds, self.config.seed)

    def weights_changed(self) -> None:
        if self.chat is not None:
            self.chat.mark_weights_changed()


def build_setup(config: Config, *, train: bool = True) -> Setup:
    world = ResearchWorld.build(config.world_config(), config.seed, top_k=config.search_top_k,
                                page_tokens=config.result_tokens)
    judge = None
    if config.judge:
        from agentzoo.llm import load_model

        judge = Judge(load_model(config.judge, seed=config.seed))
    kind, _, rest = config.model.partition(":")
    if kind == "local":
        from agentzoo.llm.local import LocalChatModel
        from agentzoo.rl.engine import LocalEngine
        from agentzoo.rl.trainer import Trainer, TrainerConfig

        chat = LocalChatModel.load(rest or None, seed=config.seed)
        renderer = ChatRenderer(chat.tokenizer)
        trainer = None
        if train:
            trainer = Trainer(chat.model, TrainerConfig(
                mode=config.train_mode, top_k_layers=config.top_k_layers, lora_r=config.lora_r,
                lora_alpha=2 * config.lora_r, lr=config.lr, clip_eps=config.clip_eps, dual_clip=config.dual_clip,
                agg=config.loss_agg, kl_coef=config.kl_coef, ppo_epochs=config.ppo_epochs,
                micro_batch_tokens=config.micro_batch_tokens, temperature=config.temperature,
            ), pad_id=chat.tokenizer.pad_token_id)
        return Setup(config, world, TokenPolicy(LocalEngine(chat), renderer), renderer.count, chat, renderer, trainer,
                     judge)
    if config.model == "scripted:gold":
        setup = Setup(config, world, RandomPolicy(), approx_count, judge=judge)
        setup.policy = setup.oracle()
        return setup
    if config.model == "scripted:random":
        return Setup(config, world, RandomPolicy(), approx_count, judge=judge)
    from agentzoo.llm import load_model

    return Setup(config, world, ChatPolicy(load_model(config.model, seed=config.seed)), approx_count, judge=judge)


def episode_settings(config: Config, arm: ArmSettings, *, greedy: bool) -> EpisodeSettings:
    return EpisodeSettings.from_config(config, single=arm.single, temperature=0.0 if greedy else config.temperature)


def evaluate(setup: Setup, arm: ArmSettings, questions: list[Question], noise: float, seed_key: object,
             policy: Policy | None = None, timer: dict[str, float] | None = None) -> list[Episode]:
    """Greedy episodes on ``questions`` (one each) with tools at noise level ``noise``."""
    return run_episodes(questions, [q.id for q in questions], policy or setup.policy, setup.tools(noise),
                        episode_settings(setup.config, arm, greedy=True), seed_key, judge=setup.judge, timer=timer)


# ---------------------------------------------------------------------- warm start
def warm_start_key(config: Config, single: bool) -> str:
    fields = ("model", "seed", "world_people", "world_companies", "world_cities", "world_papers", "result_tokens",
              "search_top_k", "warm_start_examples", "warm_start_epochs", "warm_start_lr", "warm_start_batch_rows",
              "question_types",
              "train_mode", "top_k_layers", "lora_r", "planner_context_cap", "worker_context_cap",
              "planner_max_turns", "worker_max_turns", "single_agent_max_turns", "worker_return_max_tokens",
              "tool_noise", "noise_kinds", "micro_batch_tokens", "temperature")
    payload = {f: getattr(config, f) for f in fields} | {"single": single, "version": WARM_VERSION}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


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
    import torch

    from agentzoo.llm.cache import cache_dir

    config, trainer = setup.config, setup.trainer
    path = cache_dir() / "matpo" / f"warm-{warm_start_key(config, single)}.pt"
    if cache and path.exists():
        saved = torch.load(path, map_location="cpu", weights_only=False)
        log.info("warm start loaded from %s", path)
        return saved["state"], saved["stats"]
    rows, stats = gold_rows(setup, single)
    trainer.reset_optimizer(config.warm_start_lr)
    losses = sft(trainer, rows, epochs=config.warm_start_epochs, batch_rows=config.warm_start_batch_rows,
                 rng=rng(config.seed, "sft", single),
                 description="warm start (single agent)" if single else "warm start (planner+worker)")
    setup.weights_changed()
    stats |= {"warm_nll_first": losses[0] if losses else float("nan"),
              "warm_nll_last": losses[-1] if losses else float("nan")}
    state = trainer.trainable_state()
    if cache:
        from agentzoo.runs import atomic_write_bytes

        buffer = io.BytesIO()
        torch.save({"state": state, "stats": stats}, buffer)
        atomic_write_bytes(path, buffer.getvalue())
    return state, stats


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
    config, trainer = setup.config, setup.trainer
    trainer.load_trainable_state(start)
    trainer.reset_optimizer(config.lr)
    trainer.set_reference()
    setup.weights_changed()
    credit = Credit(arm.advantage_mode or config.advantage_mode, config.loss_agg)
    settings = episode_settings(config, arm, greedy=False)
    plan = stages(config)
    state: dict[str, Any] = {"stage": 0, "last": {}, "normalizer": float("nan")}
    bank = setup.world.questions
    dev = [[q for t in types for q in bank.held_out("dev", t, config.curve_questions, config.seed)] for types in plan]

    def sample_tasks(t: int, generator: np.random.Generator) -> list[Question]:
        return bank.sample("train", plan[state["stage"]], config.prompts_per_step, generator)

    def rollout_fn(tasks: Any, t: int) -> list[Any]:
        qs = [q for q in tasks for _ in range(config.group_size)]
        groups = [f"{name}/{t}/{i // config.group_size}" for i in range(len(qs))]
        timer: dict[str, float] = {}
        episodes = run_episodes(qs, groups, setup.policy, setup.tools(config.tool_noise), settings,
                                (config.seed, name, t), judge=setup.judge, timer=timer)
        state["last"] = step_stats(episodes, timer)
        return [e.tree() for e in episodes]

    def normalizers(rows: list[Rollout]) -> dict[str, float]:
        state["normalizer"] = credit.normalizer_value([r for r in rows if r.n_action_tokens > 0])
        return credit.normalizers(rows)

    def on_step(metrics: dict[str, Any]) -> None:
        t = int(metrics["step"])
        metrics.update(state["last"])
        metrics["loss_normalizer"] = state["normalizer"]
        metrics["stage"] = state["stage"]
        if config.eval_every and config.curve_questions and ((t + 1) % config.eval_every == 0 or t + 1 == config.steps):
            episodes = evaluate(setup, arm, dev[state["stage"]], 0.0, (config.seed, name, "dev", t))
            metrics["dev_em"] = float(np.mean([e.em for e in episodes]))
            metrics["dev_reward"] = float(np.mean([e.reward for e in episodes]))
            if metrics["dev_em"] >= config.curriculum_gate and state["stage"] + 1 < len(plan):
                state["stage"] += 1
        metrics["next_stage"] = state["stage"]
        log.info("%s step %d: stage %d, reward %.3f, EM %.3f, planner format %.2f, workers %.2f, rows %s, "
                 "normaliser %.0f, %.0fs rollout (planner %.0fs, workers %.0fs) + %.0fs train", name, t,
                 metrics["stage"], metrics["reward"], metrics.get("em", 0.0), metrics.get("format_rate", 0.0),
                 metrics.get("workers_per_episode", 0.0), {k: v for k, v in metrics.items() if k.startswith("kept_")},
                 metrics["loss_normalizer"], metrics["rollout_seconds"], metrics.get("planner_seconds", 0.0),
                 metrics.get("worker_seconds", 0.0), metrics["train_seconds"])

    def on_resume(history: list[dict[str, Any]]) -> None:
        state["stage"] = int(history[-1]["next_stage"]) if history else 0

    loop = GRPO(trainer, sample_tasks, rollout_fn, credit.advantages, GRPOConfig(steps=config.steps, seed=config.seed),
                select_fn=credit.select, loss_group=credit.loss_group, normalizers=normalizers,
                after_update=setup.weights_changed, on_step=on_step, on_resume=on_resume)
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
