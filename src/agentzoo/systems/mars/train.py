"""Training MARS: the model setup, the warm start and multi-role GRPO.

GRPO plugs MARS's pieces into :class:`agentzoo.rl.grpo.GRPO`: the dual-system rollout
(:func:`~agentzoo.systems.mars.episode.run_episodes`), ``pooled_by_role`` advantages (System 2
normalised per group, System 1 per group's System-1 pool), sample balancing of System-1 rows
to the number of System-2 rows, and one loss group per role (each role's PPO term is
token-mean normalised over its own rows: our reading of v2's "decoupled" gradients).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.envs.research import Question, ResearchWorld
from agentzoo.rl.advantages import pooled_by_role
from agentzoo.rl.balance import balance
from agentzoo.rl.grpo import GRPO, GRPOConfig
from agentzoo.rl.policy import ChatPolicy, ChatRenderer, Policy, TokenPolicy
from agentzoo.rl.rollout import Rollout, TrainRow
from agentzoo.rl.sft import sft, successful
from agentzoo.seeding import rng
from agentzoo.systems.mars.baselines import ArmSettings, OraclePolicy, RandomPolicy, approx_count
from agentzoo.systems.mars.config import STAGES, Config
from agentzoo.systems.mars.episode import Episode, EpisodeSettings, run_episodes

log = logging.getLogger(__name__)
WARM_VERSION = 1  # bump when the warm-start data or procedure changes (invalidates the cache)


@dataclass
class Setup:
    """Everything a run shares: the world, the model, its policy and (if local) the trainer."""

    config: Config
    world: ResearchWorld
    policy: Policy
    count: Callable[[str], int]
    chat: Any = None
    renderer: ChatRenderer | None = None
    trainer: Any = None

    def oracle(self) -> OraclePolicy:
        questions = [q for qs in self.world.questions.questions.values() for q in qs]
        return OraclePolicy(questions, self.count, self.renderer)

    def weights_changed(self) -> None:
        if self.chat is not None:
            self.chat.mark_weights_changed()


def build_setup(config: Config, *, train: bool = True) -> Setup:
    world = ResearchWorld.build(config.world_config(), config.seed, top_k=config.search_top_k,
                                page_tokens=config.result_tokens)
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
                lora_alpha=2 * config.lora_r, lr=config.lr, clip_eps=config.clip_eps, kl_coef=config.kl_coef,
                micro_batch_tokens=config.micro_batch_tokens, temperature=config.temperature,
            ), pad_id=chat.tokenizer.pad_token_id)
        return Setup(config, world, TokenPolicy(LocalEngine(chat), renderer), renderer.count, chat, renderer, trainer)
    if config.model == "scripted:gold":
        setup = Setup(config, world, RandomPolicy(), approx_count)
        setup.policy = setup.oracle()
        return setup
    if config.model == "scripted:random":
        return Setup(config, world, RandomPolicy(), approx_count)
    from agentzoo.llm import load_model

    return Setup(config, world, ChatPolicy(load_model(config.model, seed=config.seed)), approx_count)


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


def warm_start_key(config: Config, use_sys1: bool) -> str:
    fields = ("model", "seed", "world_people", "world_companies", "world_cities", "world_papers", "result_tokens",
              "search_top_k", "warm_start", "warm_start_examples", "warm_start_epochs", "warm_start_lr",
              "warm_start_types", "train_mode", "top_k_layers", "lora_r", "bin_capacity", "packing", "context_cap",
              "max_turns", "s1_max_new_tokens", "s2_max_new_tokens", "tools", "temperature", "micro_batch_tokens")
    payload = {f: getattr(config, f) for f in fields} | {"use_sys1": use_sys1, "version": WARM_VERSION}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:16]


def warm_start(setup: Setup, use_sys1: bool, cache: bool = True) -> tuple[dict[str, Any], dict[str, float]]:
    """SFT on gold trajectories (or RFT on the policy's own successes), from the base weights;
    returns the trainable state and statistics. Cached on disk per config hash."""
    import torch

    from agentzoo.llm.cache import cache_dir

    config, trainer = setup.config, setup.trainer
    path = cache_dir() / "mars" / f"warm-{warm_start_key(config, use_sys1)}.pt"
    if cache and path.exists():
        saved = torch.load(path, map_location="cpu", weights_only=False)
        log.info("warm start loaded from %s", path)
        return saved["state"], saved["stats"]
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
    trainer.reset_optimizer(config.warm_start_lr)
    losses = sft(trainer, rows, epochs=config.warm_start_epochs, batch_rows=16, rng=rng(config.seed, "sft"))
    setup.weights_changed()
    stats = {"warm_examples": float(len(kept)), "warm_rows": float(len(rows)),
             "warm_nll_first": losses[0] if losses else float("nan"),
             "warm_nll_last": losses[-1] if losses else float("nan")}
    state = trainer.trainable_state()
    if cache:
        import io

        from agentzoo.runs import atomic_write_bytes

        buffer = io.BytesIO()
        torch.save({"state": state, "stats": stats}, buffer)
        atomic_write_bytes(path, buffer.getvalue())
    return state, stats


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
    config, trainer = setup.config, setup.trainer
    trainer.load_trainable_state(start)
    trainer.reset_optimizer(config.lr)
    trainer.set_reference()
    setup.weights_changed()
    settings = episode_settings(config, arm, greedy=False)
    stages = [tuple(t for t in STAGES[s] if _types_usable(t, config.tools)) for s in config.curriculum]
    state: dict[str, Any] = {"stage": 0, "last": {}}
    dev = {s: [q for t in types for q in setup.world.questions.held_out("dev", t, config.curve_questions, config.seed)]
           for s, types in enumerate(stages)}

    def sample_tasks(t: int, generator: np.random.Generator) -> list[Question]:
        return setup.world.questions.sample("train", stages[state["stage"]], config.prompts_per_step, generator)

    def rollout_fn(tasks: Any, t: int) -> list[Any]:
        qs = [q for q in tasks for _ in range(config.group_size)]
        groups = [f"{name}/{t}/{i // config.group_size}" for i in range(len(qs))]
        episodes = run_episodes(qs, groups, setup.policy, setup.policy, setup.world.tools, settings,
                                (config.seed, name, t))
        state["last"] = step_stats(episodes)
        return [e.tree() for e in episodes]

    def on_step(metrics: dict[str, Any]) -> None:
        t = int(metrics["step"])
        metrics.update(state["last"])
        metrics["stage"] = state["stage"]
        if config.eval_every and config.curve_questions and ((t + 1) % config.eval_every == 0 or t + 1 == config.steps):
            episodes = evaluate(setup, arm, dev[state["stage"]], (config.seed, name, "dev", t))
            metrics["dev_em"] = float(np.mean([e.em for e in episodes]))
            metrics["dev_reward"] = float(np.mean([e.reward for e in episodes]))
            if metrics["dev_em"] >= config.curriculum_gate and state["stage"] + 1 < len(stages):
                state["stage"] += 1
        metrics["next_stage"] = state["stage"]
        log.info("%s step %d: stage %d, reward %.3f, EM %.3f, format %.2f, sys1 calls %.1f, context %.0f tokens, "
                 "kept sys1 rows %s, %.0fs rollout + %.0fs train", name, t, metrics["stage"], metrics["reward"],
                 metrics.get("em", 0.0), metrics.get("format_rate", 0.0), metrics.get("sys1_calls", 0.0),
                 metrics.get("context_tokens", 0.0), metrics.get("kept_sys1", 0), metrics["rollout_seconds"],
                 metrics["train_seconds"])

    def on_resume(history: list[dict[str, Any]]) -> None:
        state["stage"] = int(history[-1]["next_stage"]) if history else 0

    loop = GRPO(
        trainer, sample_tasks, rollout_fn, pooled_by_role, GRPOConfig(steps=config.steps, seed=config.seed),
        select_fn=lambda rollouts, g: select_rows(rollouts, g, arm.balance or config.balance, arm.train_sys1),
        loss_group=lambda r: r.role, after_update=setup.weights_changed, on_step=on_step, on_resume=on_resume,
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
