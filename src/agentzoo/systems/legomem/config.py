"""LEGOMem's configuration: team, suite, memory placement and retrieval, budgets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal, Self

from agentzoo.config import SystemConfig, require

CONDITIONS = ("none", "orchestrator", "agents", "both", "random", "replay", "oracle")
RETRIEVALS = ("vanilla", "dynamic", "rewrite")


@dataclass(frozen=True)
class Config(SystemConfig):
    """LEGOMem (Han et al., arXiv 2510.04851) on an OfficeBench-compatible office."""

    EXTRA_PRESETS: ClassVar[tuple[str, ...]] = ("cpu",)

    model: str = "local"
    """Model spec of both roles: local | local:PATH | openai:MODEL@URL | scripted:NAME."""
    orchestrator_model: str | None = None
    """Override for the orchestrator (a strong orchestrator + local agents = the paper's hybrid team)."""
    agent_model: str | None = None
    """Override for the task agents."""
    suite: str = "generated"
    """``generated`` (agentzoo's own families) or a folder of OfficeBench-format task directories."""
    families: tuple[str, ...] = ()
    """Generated families to use (empty: all 15)."""
    n_per_family: int = 10
    """Generated tasks per family (split into train and test by ``train_fraction``)."""
    train_fraction: float = 0.5
    """Share of task directories whose successful trajectories become memory (the rest is test)."""
    split_by: Literal["dir", "subtask"] = "dir"
    """``dir`` keeps sibling subtasks (same testbed, near-identical wording) on one side (paper: no leak)."""
    max_test_subtasks: int = 0
    """Evaluate at most this many test subtasks (a seeded sample; 0 = all)."""
    interface: Literal["auto", "constrained", "freeform"] = "auto"
    """``constrained``: scored choices (default for local/scripted); ``freeform``: JSON tool calls (openai)."""
    conditions: tuple[str, ...] = CONDITIONS
    """Placements none/orchestrator/agents/both (vanilla retrieval) and the controls random, replay, oracle."""
    retrievals: tuple[str, ...] = RETRIEVALS
    """Retrieval variants run under placement ``both`` (vanilla, dynamic per subtask, query-rewrite)."""
    top_k: int = 3
    """Retrieved memory units per query (k; reconstructed default)."""
    memory_source: Literal["gold", "self"] = "gold"
    """``gold``: the scripted expert's verified trajectories on the train split (gold programs for
    generated tasks, a predicate-guided expert for OfficeBench); ``self``: the team's own successes."""
    curate: Literal["rules", "llm"] = "rules"
    """How trajectories become memory units: rules, or an LLM summary with a rule fallback."""
    embedder: Literal["minilm", "hash"] = "minilm"
    """Text embedder of the memory bank (all-MiniLM-L6-v2, or hashed n-grams as a lexical baseline)."""
    mask_entities: bool = True
    """Embed descriptions with names, dates, times, quotes, numbers and files replaced by their kind, so
    retrieval keys on the procedure (reconstructed; the paper embeds raw descriptions: set False)."""
    max_orchestrator_steps: int = 6
    """Delegations before the orchestrator must finish."""
    max_agent_steps: int = 5
    """Actions per delegation before the agent must return."""
    max_candidates: int = 16
    """Candidates per constrained choice (pre-ranked by a cheap prior)."""
    obs_max_tokens: int = 120
    """Observation tokens kept in a prompt (approximate: words and symbols)."""
    memory_max_tokens: int = 300
    """Memory tokens kept in a prompt."""
    temperature: float = 0.0
    """0: greedy choices and greedy free-form decoding."""
    max_new_tokens: int = 192
    """Free-form reply budget."""
    skip_unsupported: bool = True
    """Skip subtasks needing OCR or conversions (counted by reason, never silently dropped)."""
    memory_db: Path | None = None
    """SQLite file of the memory bank; None keeps it in the run's artifacts."""

    def __post_init__(self) -> None:
        require(0 < self.train_fraction < 1, "train_fraction", f"must be in (0, 1), got {self.train_fraction}")
        require(self.n_per_family >= 2, "n_per_family", f"must be >= 2 (train and test), got {self.n_per_family}")
        require(self.top_k >= 1, "top_k", f"must be >= 1, got {self.top_k}")
        require(self.max_orchestrator_steps >= 1, "max_orchestrator_steps", "must be >= 1")
        require(self.max_agent_steps >= 1, "max_agent_steps", "must be >= 1")
        require(self.max_candidates >= 2, "max_candidates", "must be >= 2")
        require(self.max_test_subtasks >= 0, "max_test_subtasks", "must be >= 0")
        require(self.temperature >= 0, "temperature", "must be >= 0")
        bad = [c for c in self.conditions if c not in CONDITIONS]
        require(not bad and bool(self.conditions), "conditions",
                f"unknown {bad}; allowed: {', '.join(CONDITIONS)}" if bad else "must not be empty")
        bad = [r for r in self.retrievals if r not in RETRIEVALS]
        require(not bad, "retrievals", f"unknown {bad}; allowed: {', '.join(RETRIEVALS)}")
        if self.suite == "generated" and self.families:
            from agentzoo.envs.office.generate import FAMILIES

            unknown = [f for f in self.families if f not in FAMILIES]
            require(not unknown, "families", f"unknown {unknown}; allowed: {', '.join(FAMILIES)}")

    @property
    def run_names(self) -> list[str]:
        """The conditions as run: each placement/control, plus ``both_<variant>`` for non-vanilla retrievals."""
        names = list(self.conditions)
        if "both" in self.conditions:
            names += [f"both_{r}" for r in self.retrievals if r != "vanilla"]
        return names

    @classmethod
    def quick(cls) -> Self:
        """About 1-2 minutes on 2 cores: 2 families, 2 train + 2 test tasks each, none/both/replay."""
        return cls(families=("calendar_add", "excel_to_email"), n_per_family=4, conditions=("none", "both", "replay"),
                   retrievals=("vanilla",), max_orchestrator_steps=3, max_agent_steps=3)

    @classmethod
    def cpu(cls) -> Self:
        """About an hour on 2 cores: 12 families x 10, every condition, dynamic and rewrite under both."""
        from agentzoo.envs.office.generate import FAMILIES

        return cls(families=tuple(list(FAMILIES)[:12]), n_per_family=10)

    @classmethod
    def paper(cls) -> Self:
        """The paper's kind of team: a GPT-4o-class model through an OpenAI-compatible server, free-form calls.

        Point ``OPENAI_BASE_URL`` (or ``--model openai:MODEL@URL``) at a server and ``--suite`` at a full
        OfficeBench copy for the paper's setting.
        """
        return cls(model="openai:gpt-4o", interface="freeform", n_per_family=20)
