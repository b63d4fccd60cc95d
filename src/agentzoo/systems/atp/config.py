"""Configuration of the ATP testbeds (defaults: the authors' test setting, see the spec)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal, Self

from agentzoo.config import SystemConfig, require

SA_PATTERNS = (
    "all_unsupervised", "all_supervised", "alternating", "mostly_supervised", "mostly_unsupervised",
    "last_unsupervised", "last_supervised", "random",
)
SA_ARMS = ("atp", "control", "no_feedback", "no_history")
MA_ARMS = ("grid", "no_peers", "seeded")


@dataclass(frozen=True)
class Config(SystemConfig):
    """Alignment Tipping Process: self-interested exploration (SA) and imitative strategy diffusion (MA)."""

    EXTRA_PRESETS: ClassVar[tuple[str, ...]] = ("cpu",)

    model: str = "local"
    """Model spec (local | local:PATH | openai:MODEL@URL | scripted:NAME)."""
    data: str = "embedded"
    """``embedded`` (our own scenarios) or a directory holding the six ATP JSON files."""
    mode: Literal["auto", "choice", "text"] = "auto"
    """``choice``: forced choice by option log-probs; ``text``: free text with a JSON choice parsed;
    ``auto``: choice for local/scripted models, text for servers."""
    decision: Literal["sample", "greedy"] = "sample"
    """Choice mode: sample from the two-way distribution (per item/agent/round seed) or take the argmax."""
    option_order: Literal["as_given", "counterbalanced"] = "as_given"
    """``counterbalanced`` swaps the options in the format instruction for half the items."""
    paradigms: tuple[str, ...] = ("sa", "ma")
    """Which testbeds to run: ``sa`` and/or ``ma``."""
    positive_control: bool = True
    """Also play every arm with ``scripted:reward_follower`` (known curves) in the same run."""

    sa_items: Literal["test", "train"] = "test"
    """SA item set: 64 ``test`` items (16 families x 4 payoffs) or 160 ``train`` items."""
    sa_rounds: int = 6
    """Rounds R of self-evolution."""
    sa_history_window: int = 5
    """Past rounds replayed in the prompt (question, own answer, reward)."""
    sa_pattern: str = "all_unsupervised"
    """Supervision pattern of the ``atp`` arm (the control arm is always ``all_supervised``)."""
    sa_arms: tuple[str, ...] = ("atp", "control", "no_feedback", "no_history")
    """SA arms: ``atp``, ``control`` (violation pays 0), ``no_feedback`` (no reward messages), ``no_history``."""

    ma_agents: int = 8
    """Agents n per threshold game."""
    ma_rounds: int = 3
    """Rounds of the threshold game."""
    ma_thresholds: tuple[int, ...] = (2, 4, 6, 8)
    """Collective-choice thresholds k (absolute counts) of the grid."""
    ma_reward_sets: tuple[float, ...] = (1.2, 1.0, 0.8)
    """(high, normal, low) factors, flattened in threes: success, independent on failure, collective on failure."""
    ma_reward_mode: Literal["multiplicative", "additive"] = "multiplicative"
    """How rewards are described in the prompt (capital always compounds multiplicatively)."""
    ma_start_capital: float = 1.0
    """Every agent's starting capital."""
    ma_history_window: int = 3
    """Past rounds each agent sees (4 messages per round)."""
    ma_peer_history: Literal["final_only", "full"] = "final_only"
    """``final_only``: peers' final choices; ``full``: peers' raw answers."""
    ma_arms: tuple[str, ...] = ("grid", "no_peers")
    """MA arms: ``grid``, ``no_peers`` (peer message omitted), ``seeded`` (hard-wired collective agents)."""
    ma_fixed_collective: int = 0
    """Agents hard-wired to the collective choice in the ``seeded`` arm (the last ones)."""

    max_new_tokens: int = 512
    """Text mode: tokens per answer (the paper uses 3,276 for Qwen3 with thinking)."""
    temperature: float = 0.7
    """Text mode sampling temperature."""
    n_items: int | None = None
    """Subsample SA items (None: all)."""
    n_games: int | None = None
    """Subsample MA games (None: all)."""
    n_bootstrap: int = 2000
    """Bootstrap resamples for the 95% CIs."""

    defence: Literal["none", "dpo", "grpo"] = "none"
    """Train a defence on the ``train`` items before the drift test (needs a local model)."""
    dpo_beta: float = 0.1
    """DPO beta (authors: 0.1)."""
    lora_r: int = 8
    """LoRA rank of the defence (authors: 8)."""
    grpo_generations: int = 4
    """GRPO group size G (authors: 4)."""
    grpo_lr: float = 2e-4
    """Defence (LoRA) learning rate. The authors use 1e-6 or 5e-6 for 6 epochs on 8 GPUs (the
    ``paper`` preset); ``defence_steps`` CPU steps need a larger rate to move the model."""
    grpo_rewards: tuple[float, ...] = (1.0, 0.1, 0.0)
    """GRPO rewards: compliant, deviant, unparseable (authors' values)."""
    defence_steps: int = 30
    """Optimizer steps of the defence (sized for CPU)."""

    def __post_init__(self) -> None:
        require(set(self.paradigms) <= {"sa", "ma"} and len(self.paradigms) > 0, "paradigms", "use sa and/or ma")
        require(self.sa_pattern in SA_PATTERNS, "sa_pattern", f"allowed: {', '.join(SA_PATTERNS)}")
        require(set(self.sa_arms) <= set(SA_ARMS), "sa_arms", f"allowed: {', '.join(SA_ARMS)}")
        require(set(self.ma_arms) <= set(MA_ARMS), "ma_arms", f"allowed: {', '.join(MA_ARMS)}")
        require(self.sa_rounds >= 1, "sa_rounds", "must be >= 1")
        require(self.sa_history_window >= 0, "sa_history_window", "must be >= 0")
        require(self.ma_agents >= 2, "ma_agents", "must be >= 2")
        require(self.ma_rounds >= 1, "ma_rounds", "must be >= 1")
        require(all(1 <= k <= self.ma_agents for k in self.ma_thresholds) and len(self.ma_thresholds) > 0,
                "ma_thresholds", f"each k must be in 1..ma_agents={self.ma_agents}")
        require(len(self.ma_reward_sets) % 3 == 0 and len(self.ma_reward_sets) > 0, "ma_reward_sets",
                "give (high, normal, low) factors in threes")
        require(all(f >= 0 for f in self.ma_reward_sets), "ma_reward_sets", "factors must be >= 0")
        require(0 <= self.ma_fixed_collective < self.ma_agents, "ma_fixed_collective", "must be in 0..ma_agents-1")
        require("seeded" not in self.ma_arms or self.ma_fixed_collective > 0, "ma_fixed_collective",
                "the seeded arm needs ma_fixed_collective > 0")
        require(self.n_bootstrap >= 100, "n_bootstrap", "must be >= 100")
        require(self.n_items is None or self.n_items >= 1, "n_items", "must be >= 1 or None")
        require(self.n_games is None or self.n_games >= 1, "n_games", "must be >= 1 or None")
        require(len(self.grpo_rewards) == 3, "grpo_rewards", "give compliant, deviant, unparseable")
        require(self.max_new_tokens >= 1 and self.temperature >= 0, "max_new_tokens", "must be >= 1")

    @property
    def reward_sets(self) -> list[tuple[float, float, float]]:
        r = self.ma_reward_sets
        return [(r[i], r[i + 1], r[i + 2]) for i in range(0, len(r), 3)]

    def resolved_mode(self) -> str:
        if self.mode != "auto":
            return self.mode
        return "text" if self.model.startswith("openai:") else "choice"

    @classmethod
    def quick(cls) -> Self:
        """About a minute: SA 8 families x 3 rounds x (atp, control); MA 2 games x k=4 x 4 agents x 2 rounds."""
        return cls(n_items=8, sa_rounds=3, sa_history_window=2, sa_arms=("atp", "control"),
                   n_games=2, ma_thresholds=(4,), ma_agents=4, ma_rounds=2, ma_arms=("grid",), n_bootstrap=500)

    @classmethod
    def cpu(cls) -> Self:
        """The full SA protocol (64 x 6 x 4 arms) and the full MA grid plus no_peers, on 2 CPU cores."""
        return cls()

    @classmethod
    def paper(cls) -> Self:
        """Text mode against a big model server (set --model openai:...) on the ATP files (--data)."""
        return cls(mode="text", max_new_tokens=3276, temperature=0.7, grpo_lr=5e-6)
