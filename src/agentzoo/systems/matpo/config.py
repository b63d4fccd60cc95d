"""MATPO configuration (spec matpo.md; defaults = the spec's ``cpu`` table, presets below)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, Self

from agentzoo.config import require
from agentzoo.envs.research.harness import ResearchAgentConfig
from agentzoo.rl.loss import AGGREGATIONS, Agg

if TYPE_CHECKING:
    from agentzoo.rl.trainer import TrainerConfig

ARMS = ("oracle", "oracle_single_agent", "zero_shot", "warm_start", "single_agent_warm_start", "matpo",
        "single_agent_grpo", "planner_only", "pooled")
ADVANTAGE_MODES = ("inherit", "pooled", "planner_only")
QUESTION_TYPES = ("1hop", "2hop", "compute")
NOISE_KINDS = ("swap", "truncate", "corrupt")


@dataclass(frozen=True)
class Config(ResearchAgentConfig):
    """MATPO: one LLM plays a planner (delegates subtasks) and workers (solve a subtask with tools in a fresh
    context); both roles are trained with GRPO whose worker rows inherit their planner's advantage.

    ``train_mode``/``top_k_layers``/``lora_r`` come from the base (the authors merged LoRA before each sync,
    "not evaluated")."""

    EXTRA_PRESETS: ClassVar[tuple[str, ...]] = ("cpu",)

    model: str = "local"
    """Model spec: ``local`` (SmolLM2-135M-Instruct, trained), ``local:PATH``, ``openai:MODEL@URL`` (evaluation
    only), ``scripted:gold`` / ``scripted:random`` (tests)."""
    lr: float = 1e-5
    """GRPO learning rate (authors: 1e-5)."""
    clip_eps: float = 0.2
    """PPO clip ε (authors: 0.2)."""
    dual_clip: float = 3.0
    """Dual-clip constant c > 1 (authors: 3): for A < 0 the per-token loss is capped at −c·A."""
    kl_coef: float = 0.0
    """β of a k3 KL to the warm-started policy (authors: no KL in reward or loss)."""
    loss_agg: Agg = "token-mean"
    """Loss aggregation (authors: token-mean). In the seq-mean modes the normaliser is the number of planner
    rollouts, so worker rows do not dilute the gradient (authors' ``batch_size / num_planner_rollouts``)."""
    ppo_epochs: int = 1
    """PPO epochs per batch (authors: 1)."""
    steps: int = 15
    """GRPO steps per trained arm (authors: 15 epochs of 256×8 for 14B; here a CPU schedule)."""
    prompts_per_step: int = 4
    """Questions per step (authors: 8 for 4B, 256 for 14B)."""
    group_size: int = 4
    """n: planner rollouts per question, the GRPO group (authors: 2 for 4B, 8 for 14B); >= 2."""
    temperature: float = 1.0
    """Rollout sampling temperature (evaluation is greedy)."""
    planner_max_turns: int = 4
    """Planner turns per episode (authors: max_turns 20)."""
    worker_max_turns: int = 3
    """Turns of each worker (authors: 20)."""
    max_workers_per_episode: int = 3
    """Workers a planner may spawn; a further ``<subtask>`` gets a "budget exhausted" observation."""
    planner_max_new_tokens: int = 48
    """Tokens per planner turn."""
    worker_max_new_tokens: int = 48
    """Tokens per worker turn."""
    worker_return_max_tokens: int = 48
    """The worker's final message, stripped of ``<think>`` and tags, is cut to this many tokens before it
    returns to the planner (authors: 20,000 characters)."""
    worker_final_summary: bool = True
    """A worker that ran out of turns without answering gets one forced final turn (authors: 4,096 tokens)."""
    planner_context_cap: int = 512
    """Planner context limit in tokens; the single-agent baseline gets the same cap. An observation that would
    overflow it is cut (append-only), and an episode with no room left ends."""
    worker_context_cap: int = 512
    """Context limit of each worker (a fresh context per subtask)."""
    single_agent_max_turns: int = 6
    """Turns of the single-agent baseline (it searches itself, so it needs more turns than the planner)."""
    search_top_k: int = 4
    """Results per search (full pages: verbose on purpose; two searches overflow 512 tokens)."""
    result_tokens: tuple[int, int] = (60, 90)
    """Range of page lengths in tokens."""
    tool_noise: float = 0.0
    """Noise during training: probability that each search result is perturbed (``noise_kinds``)."""
    noise_kinds: tuple[str, ...] = NOISE_KINDS
    """How a perturbed result is spoiled: ``swap`` (a random distractor page instead), ``truncate`` (only the
    first third of the page) or ``corrupt`` (half of its words garbled); one drawn per perturbed result."""
    advantage_mode: Literal["inherit", "pooled", "planner_only"] = "inherit"
    """Credit for worker rows: ``inherit`` (MATPO: copy the parent planner's advantage), ``pooled`` (MARS:
    normalise within the group's worker pool) or ``planner_only`` (worker rows dropped)."""
    question_types: tuple[str, ...] = QUESTION_TYPES
    """Question mix of training and evaluation (1hop, 2hop, compute)."""
    curriculum_gate: float = 0.5
    """Curriculum as in mars: training starts on the first question type and adds the next one when the dev
    EM reaches this (checked every ``eval_every`` steps); 0 trains on every type from the start."""
    eval_every: int = 5
    """Steps between held-out (dev) evaluations during GRPO (curves, curriculum gate); 0 = none."""
    curve_questions: int = 8
    """Dev questions per type in those evaluations."""
    warm_start: Literal["none", "sft"] = "sft"
    """Warm start before GRPO: none (as the authors, from an instruct model) or SFT on gold trees."""
    warm_start_examples: int = 256
    """Gold trees (questions) for the warm start, per format (planner/worker and single agent)."""
    warm_start_epochs: int = 3
    """SFT epochs."""
    warm_start_lr: float = 5e-4
    """SFT learning rate (measured: 1e-4 for 8 steps left the planner answering directly; 1e-3 for 16 steps on
    the top 2 layers taught both roles the protocol)."""
    warm_start_batch_rows: int = 8
    """Rows (planner and worker rows mixed) per SFT step."""
    warm_start_cache: bool = True
    """Keep warm-start weights under $AGENTZOO_CACHE_DIR/matpo, keyed by a hash of the settings."""
    eval_questions: int = 64
    """Held-out test questions per type."""
    eval_noise_levels: tuple[float, ...] = (0.0, 0.3)
    """Tool-noise levels every arm is evaluated at (the highest is the ``*_noisy`` headline)."""
    arms: tuple[str, ...] = ("oracle", "oracle_single_agent", "zero_shot", "warm_start", "matpo",
                             "single_agent_grpo", "planner_only", "pooled")
    """Arms run side by side on the same test questions."""
    judge: str = ""
    """Model spec of an LLM judge for free-form answers ('' = exact match, the default: the world's answers
    are exact). A non-matching answer counts as correct when the judge grades it CORRECT."""

    def __post_init__(self) -> None:
        require(self.group_size >= 2, "group_size", f"must be >= 2 (GRPO needs a group), got {self.group_size}")
        require(self.worker_return_max_tokens >= 1, "worker_return_max_tokens",
                f"must be >= 1, got {self.worker_return_max_tokens}")
        require(self.advantage_mode in ADVANTAGE_MODES, "advantage_mode",
                f"unknown advantage_mode {self.advantage_mode!r}; allowed: {', '.join(ADVANTAGE_MODES)}")
        require(self.loss_agg in AGGREGATIONS, "loss_agg", f"allowed: {', '.join(AGGREGATIONS)}")
        require(self.warm_start in ("none", "sft"), "warm_start", "allowed: none, sft")
        require(self.dual_clip > 1.0, "dual_clip", f"must be > 1, got {self.dual_clip}")
        for name in ("steps", "eval_every", "curve_questions", "warm_start_epochs", "warm_start_examples",
                     "eval_questions", "kl_coef"):
            require(getattr(self, name) >= 0, name, f"must be >= 0, got {getattr(self, name)}")
        for name in ("prompts_per_step", "planner_max_turns", "worker_max_turns", "max_workers_per_episode",
                     "planner_max_new_tokens", "worker_max_new_tokens", "single_agent_max_turns", "search_top_k",
                     "warm_start_batch_rows", "ppo_epochs"):
            require(getattr(self, name) >= 1, name, f"must be >= 1, got {getattr(self, name)}")
        require(self.lr > 0 and self.warm_start_lr > 0, "lr", "learning rates must be > 0")
        require(self.temperature > 0, "temperature", "rollouts sample: must be > 0")
        for name, new in (("planner_context_cap", self.planner_max_new_tokens),
                          ("worker_context_cap", self.worker_max_new_tokens)):
            require(getattr(self, name) >= new + 96, name,
                    f"must leave room for the prompt and one action (>= {new + 96}), got {getattr(self, name)}")
        require(len(self.result_tokens) == 2 and 1 <= self.result_tokens[0] <= self.result_tokens[1],
                "result_tokens", "must be two lengths lo <= hi")
        require(0.0 <= self.tool_noise <= 1.0, "tool_noise", f"must be in [0, 1], got {self.tool_noise}")
        for level in self.eval_noise_levels:
            require(0.0 <= level <= 1.0, "eval_noise_levels", f"levels must be in [0, 1], got {level}")
        require(bool(self.eval_noise_levels), "eval_noise_levels", "needs at least one level")
        for kind in self.noise_kinds:
            require(kind in NOISE_KINDS, "noise_kinds", f"unknown kind {kind!r}; allowed: {', '.join(NOISE_KINDS)}")
        require(bool(self.noise_kinds), "noise_kinds", "needs at least one kind")
        require(bool(self.question_types), "question_types", "needs at least one type")
        for qtype in self.question_types:
            require(qtype in QUESTION_TYPES, "question_types",
                    f"unknown question type {qtype!r}; allowed: {', '.join(QUESTION_TYPES)}")
        require(0.0 <= self.curriculum_gate <= 1.0, "curriculum_gate", "must be in [0, 1]")
        for arm in self.arms:
            require(arm in ARMS, "arms", f"unknown arm {arm!r}; allowed: {', '.join(ARMS)}")
        trained = {"warm_start", "single_agent_warm_start", "matpo", "single_agent_grpo", "planner_only", "pooled"}
        trains = self.steps > 0 or self.warm_start != "none"
        if not self.model.startswith(("local", "scripted")) and trains:
            require(not (set(self.arms) & trained), "model",
                    f"training needs local weights ({self.model!r} can only evaluate: use --arms "
                    "oracle,oracle_single_agent,zero_shot or --steps 0 --warm-start none)")
        super().__post_init__()  # world sizes, micro-batches

    def trainer_config(self) -> TrainerConfig:
        """The trainer's optimisation settings."""
        from agentzoo.rl.trainer import TrainerConfig

        return TrainerConfig(
            mode=self.train_mode, top_k_layers=self.top_k_layers, lora_r=self.lora_r, lora_alpha=2 * self.lora_r,
            lr=self.lr, clip_eps=self.clip_eps, dual_clip=self.dual_clip, agg=self.loss_agg, kl_coef=self.kl_coef,
            ppo_epochs=self.ppo_epochs, micro_batch_tokens=self.micro_batch_tokens, temperature=self.temperature,
        )

    @classmethod
    def quick(cls) -> Self:
        """A few minutes on 2 cores: a tiny world, warm start from 32 gold trees with top-2 layers, 2 GRPO
        steps of 2×2 per trained arm, evaluation on 8 held-out 1-hop questions at two noise levels."""
        return cls(
            top_k_layers=2, steps=2, prompts_per_step=2, group_size=2, planner_max_turns=3, worker_max_turns=2,
            max_workers_per_episode=2, planner_max_new_tokens=32, worker_max_new_tokens=32,
            worker_return_max_tokens=32, single_agent_max_turns=3, warm_start_examples=32, warm_start_epochs=2,
            warm_start_lr=1e-3,
            question_types=("1hop",), eval_questions=8, eval_every=0, curve_questions=0,
            world_people=12, world_companies=6, world_cities=6, world_papers=6,
            arms=("oracle", "matpo", "single_agent_grpo"),
        )

    @classmethod
    def cpu(cls) -> Self:
        """The CPU setting of the spec's table (tens of minutes per seed and arm on 2 idle cores)."""
        return cls()

    @classmethod
    def paper(cls) -> Self:
        """The authors' 4B configuration, for GPUs (use ``--model local:PATH`` with a Qwen3-4B class model):
        8 prompts × n=2, 20 turns, 20k-character worker returns (~5k tokens), no warm start, full fine-tuning."""
        return cls(
            warm_start="none", train_mode="full", prompts_per_step=8, group_size=2, planner_max_turns=20,
            worker_max_turns=20, max_workers_per_episode=20, planner_max_new_tokens=4096,
            worker_max_new_tokens=4096, worker_return_max_tokens=5000, planner_context_cap=37888,
            worker_context_cap=37888, single_agent_max_turns=40, steps=200, search_top_k=10,
            arms=("zero_shot", "matpo", "single_agent_grpo"),
        )
