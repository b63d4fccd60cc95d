"""MARS configuration (spec mars.md; defaults = the ``cpu`` table, presets below)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Self

from agentzoo.config import require
from agentzoo.envs.research import QTYPES
from agentzoo.envs.research.harness import ResearchAgentConfig

if TYPE_CHECKING:
    from agentzoo.rl.trainer import TrainerConfig

ARMS = ("oracle", "closed_book", "zero_shot", "warm_start", "mars", "single_agent_grpo", "frozen_sys1",
        "no_packing", "no_balance")
TOOLS = ("search", "scholar", "python")
STAGES = {"1hop": ("1hop",), "mix": ("1hop", "2hop", "scholar"), "all": QTYPES}


@dataclass(frozen=True)
class Config(ResearchAgentConfig):
    """MARS: System 2 (reasoning, tool calls with purposes) and System 1 (summaries of bin-packed
    tool outputs), one LLM, trained jointly with multi-role GRPO."""

    model: str = "local"
    """Model spec: ``local`` (SmolLM2-135M-Instruct, trained), ``local:PATH``, ``openai:MODEL@URL``
    (evaluation only), ``scripted:gold`` / ``scripted:random`` (tests)."""
    lr: float = 1e-5
    """GRPO learning rate (not in the paper; 1e-5 follows MATPO)."""
    clip_eps: float = 0.2
    """PPO clip ε (paper: GRPO's clipped objective)."""
    kl_coef: float = 0.0
    """β of the k3 KL to the warm-started policy (paper: a KL term, coefficient not given)."""
    steps: int = 15
    """GRPO steps per trained arm."""
    prompts_per_step: int = 4
    """Questions per step."""
    group_size: int = 4
    """G: trajectories per question (a GRPO group); >= 2."""
    max_turns: int = 4
    """System-2 turns per episode."""
    s2_max_new_tokens: int = 48
    """Tokens per System-2 turn."""
    s1_max_new_tokens: int = 40
    """Tokens per System-1 summary (caps copying the whole bin)."""
    temperature: float = 1.0
    """Rollout sampling temperature (evaluation is greedy)."""
    bin_capacity: int = 256
    """C: tokens per System-1 bin (reconstructed; the paper does not state it)."""
    packing: Literal["ffd", "per_item", "next_fit"] = "ffd"
    """How tool outputs are packed into System-1 calls."""
    balance: Literal["advantage_weighted", "uniform", "none"] = "advantage_weighted"
    """How System-1 rows are resampled to the number of System-2 rows."""
    train_roles: Literal["both", "sys2"] = "both"
    """``sys2`` freezes System 1 (the ablation)."""
    use_sys1: bool = True
    """False: a single agent reads raw tool outputs (truncated to the same context cap)."""
    context_cap: int = 768
    """System-2 context limit in tokens; an observation that would overflow it is cut."""
    search_top_k: int = 3
    """Results per search / scholar call (full pages: verbose on purpose)."""
    result_tokens: tuple[int, int] = (60, 90)
    """Range of page lengths in tokens (boilerplate pads pages to a drawn length)."""
    tools: tuple[str, ...] = TOOLS
    """Enabled tools."""
    curriculum: tuple[str, ...] = ("1hop", "mix", "all")
    """Stages of question types: ``1hop``, ``mix`` (1hop+2hop+scholar) or ``all``."""
    curriculum_gate: float = 0.5
    """Move to the next stage when the dev EM of the current stage reaches this."""
    eval_every: int = 5
    """Steps between held-out evaluations during GRPO (learning curves, curriculum gate)."""
    curve_questions: int = 8
    """Held-out (dev) questions per evaluation during GRPO."""
    warm_start: Literal["none", "sft", "rft"] = "sft"
    """Warm start before GRPO: none (Zero RL, as in the paper), gold SFT, or rejection sampling."""
    warm_start_examples: int = 256
    """Gold trajectories (sft) or sampled questions (rft) for the warm start."""
    warm_start_epochs: int = 3
    """SFT epochs."""
    warm_start_lr: float = 1e-4
    """SFT learning rate."""
    warm_start_types: tuple[str, ...] = QTYPES
    """Question types of the warm-start data."""
    warm_start_cache: bool = True
    """Keep warm-start weights under $AGENTZOO_CACHE_DIR/mars, keyed by a hash of the settings."""
    eval_questions: int = 64
    """Held-out test questions per type."""
    eval_types: tuple[str, ...] = QTYPES
    """Question types evaluated."""
    arms: tuple[str, ...] = ARMS
    """Arms run side by side on the same test questions."""

    def __post_init__(self) -> None:
        require(self.group_size >= 2, "group_size", f"must be >= 2 (GRPO needs a group), got {self.group_size}")
        require(self.bin_capacity >= 16, "bin_capacity", f"must be >= 16 tokens, got {self.bin_capacity}")
        require(self.packing in ("ffd", "per_item", "next_fit"), "packing",
                f"unknown packing {self.packing!r}; allowed: ffd, per_item, next_fit")
        require(self.balance in ("advantage_weighted", "uniform", "none"), "balance",
                f"unknown balance {self.balance!r}; allowed: advantage_weighted, uniform, none")
        require(self.train_roles in ("both", "sys2"), "train_roles", "allowed: both, sys2")
        require(self.warm_start in ("none", "sft", "rft"), "warm_start", "allowed: none, sft, rft")
        for name in ("steps", "eval_every", "warm_start_epochs", "warm_start_examples", "eval_questions",
                     "curve_questions"):
            require(getattr(self, name) >= 0, name, f"must be >= 0, got {getattr(self, name)}")
        for name in ("prompts_per_step", "max_turns", "s2_max_new_tokens", "s1_max_new_tokens", "search_top_k"):
            require(getattr(self, name) >= 1, name, f"must be >= 1, got {getattr(self, name)}")
        require(self.lr > 0 and self.warm_start_lr > 0, "lr", "learning rates must be > 0")
        require(self.temperature > 0, "temperature", "rollouts sample: must be > 0")
        require(self.context_cap >= self.s2_max_new_tokens + 64, "context_cap",
                f"must leave room for the prompt and one action (>= s2_max_new_tokens + 64), got {self.context_cap}")
        require(len(self.result_tokens) == 2 and 1 <= self.result_tokens[0] <= self.result_tokens[1],
                "result_tokens", "must be two lengths lo <= hi")
        for tool in self.tools:
            require(tool in TOOLS, "tools", f"unknown tool {tool!r}; allowed: {', '.join(TOOLS)}")
        for stage in self.curriculum:
            require(stage in STAGES, "curriculum", f"unknown stage {stage!r}; allowed: {', '.join(STAGES)}")
        require(bool(self.curriculum), "curriculum", "needs at least one stage")
        for arm in self.arms:
            require(arm in ARMS, "arms", f"unknown arm {arm!r}; allowed: {', '.join(ARMS)}")
        for qtype in (*self.eval_types, *self.warm_start_types):
            require(qtype in QTYPES, "eval_types", f"unknown question type {qtype!r}; allowed: {', '.join(QTYPES)}")
        trains = self.steps > 0 or self.warm_start != "none"
        trained_arms = {"warm_start", "mars", "single_agent_grpo", "frozen_sys1", "no_packing", "no_balance"}
        if not self.model.startswith("local") and not self.model.startswith("scripted") and trains:
            require(not (set(self.arms) & trained_arms), "model",
                    f"training needs local weights; see Scale-out in docs/mars.md ({self.model!r} can only "
                    "evaluate: use --arms oracle,closed_book,zero_shot or --steps 0 --warm-start none)")
        super().__post_init__()  # world sizes, micro-batches

    def trainer_config(self) -> TrainerConfig:
        """The trainer's optimisation settings."""
        from agentzoo.rl.trainer import TrainerConfig

        return TrainerConfig(
            mode=self.train_mode, top_k_layers=self.top_k_layers, lora_r=self.lora_r, lora_alpha=2 * self.lora_r,
            lr=self.lr, clip_eps=self.clip_eps, kl_coef=self.kl_coef, micro_batch_tokens=self.micro_batch_tokens,
            temperature=self.temperature,
        )

    @classmethod
    def quick(cls) -> Self:
        """A few minutes on 2 idle cores: tiny world, search only, 32 gold trajectories, top-2 layers,
        2 GRPO steps of 2 questions × G=2, 8 held-out one-hop questions. Shows that the pipeline
        runs, not that it learns."""
        return cls(
            top_k_layers=2, steps=2, prompts_per_step=2, group_size=2, max_turns=2, s2_max_new_tokens=32,
            s1_max_new_tokens=24, tools=("search",), warm_start_examples=32, warm_start_epochs=2,
            warm_start_types=("1hop",),
            eval_questions=8, eval_types=("1hop",), curriculum=("1hop",), eval_every=0, curve_questions=0,
            world_people=12, world_companies=6, world_cities=6, world_papers=6,
            arms=("oracle", "warm_start", "mars", "single_agent_grpo", "frozen_sys1"),
        )

    @classmethod
    def cpu(cls) -> Self:
        """The CPU setting of the spec (about 45 min per seed and arm on 2 cores)."""
        return cls()

    @classmethod
    def paper(cls) -> Self:
        """Paper-scale on GPUs (reconstructed values; the paper gives neither C nor β nor G):
        Zero RL from the base model, G = 8, 64 prompts per step, 10 turns, C = 4096, β = 1e-3."""
        return cls(
            warm_start="none", group_size=8, prompts_per_step=64, max_turns=10, bin_capacity=4096, kl_coef=1e-3,
            context_cap=32768, s2_max_new_tokens=1024, s1_max_new_tokens=512, steps=200, train_mode="full",
            search_top_k=5, arms=("zero_shot", "mars", "single_agent_grpo", "frozen_sys1"),
        )
