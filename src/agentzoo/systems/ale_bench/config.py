"""Configuration of an ALE-Bench run (one frozen dataclass, presets quick/paper)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Self

from agentzoo.config import SystemConfig, require

OUR_PROBLEMS = ("depot_routes", "shift_roster", "stamp_art", "grid_power", "probe_map", "line_plan")
METHODS = ("refine", "repeated_sampling", "param_search", "reference")


@dataclass(frozen=True)
class Config(SystemConfig):
    """ALE-Bench (Imajuku et al., arXiv 2506.09050): agents engineer heuristics for score-based problems."""

    model: str = "local"
    """Model spec: local (embedded SmolLM2-135M), openai:MODEL@URL, scripted:ale_edit (tests)."""
    problems: tuple[str, ...] = OUR_PROBLEMS
    """Problem ids: ours, or official ids (e.g. ahc008) when official_data_dir is set."""
    official_data_dir: Path | None = None
    """The user's own copy of the official ALE-Bench data ({id}.zip ...); default $ALE_BENCH_DATA."""
    lite: bool = False
    """Lite seeds: 5 public and 50 private cases per problem instead of 50 and 200."""
    method: Literal["refine", "repeated_sampling", "param_search", "reference"] = "refine"
    """refine (iterative refinement, best-first beam search), repeated_sampling (k one-shot
    programs, best wins), param_search (non-LLM random search + successive halving over the
    skeleton's knobs), reference (the pseudo-entrants)."""
    language: Literal["cpp17", "cpp20", "cpp23", "python"] = "cpp20"
    """Language of generated programs."""
    edit_mode: Literal["typed", "free"] = "typed"
    """typed: the model chooses @param/@switch edits of skeleton.cpp (works with the 135M model);
    free: whole programs or SEARCH/REPLACE blocks (needs a capable openai: model)."""
    budget_programs: int = 30
    """Judged programs per problem, the start program included (ALE-Agent: about 1000)."""
    session_hours: float | None = None
    """Wall-clock cap per problem in hours (paper: 4 h); None: no cap."""
    beam_width: int = 4
    """Frontier size of the best-first search (ALE-Agent: 30)."""
    children_per_node: int = 2
    """Children generated per expanded node (one iteration of the refinement loop)."""
    edits_per_child: int = 3
    """Typed mode: knob edits (on distinct knobs) the model chooses for one child; the children of
    an expansion get edits_per_child, edits_per_child - 1, ... (at least 1). 1: single-knob edits."""
    calibrate: bool = True
    """Typed mode: subtract each option's log-prob under a content-free prompt (PMI calibration,
    Holtzman et al. 2021), so the choice reflects the problem and the feedback, not the wording."""
    eval_seeds: int = 10
    """Public seeds a candidate is judged on during the search (the final check uses all)."""
    domain_hints: bool = True
    """ALE-Agent's method 1: domain-knowledge guidance (SA, beam search, time checks) in the prompt."""
    time_limit_scale: float = 1.0
    """Multiplies every time limit (< 1 only for quick runs; results are labelled)."""
    tle_clock: Literal["wall", "cpu"] = "wall"
    """wall: TLE when wall time > TL (ALE-Bench); cpu: CPU time (robust on busy machines)."""
    iter_budget: int = 0
    """> 0 sets AGENTZOO_ITER_BUDGET: SA programs count iterations instead of reading the clock
    (deterministic scores, machine-independent)."""
    num_workers: int = 1
    """Cases judged in parallel (one per physical core for time-limit fidelity)."""
    sandbox: Literal["auto", "bwrap", "rlimit"] = "auto"
    """auto: bubblewrap if it works, else rlimits only with a loud warning; bwrap: refuse to run
    unsandboxed; rlimit: no isolation."""
    temperature: float = 0.8
    """Sampling temperature (free mode replies; typed mode samples edits from the model's choice
    distribution at this temperature, 0 = always the top choice)."""
    max_tokens: int = 4096
    """Maximum tokens of a free-mode reply."""
    private_eval: bool = True
    """Run the final program once on the private seeds (pseudo rank and performance)."""
    mode: Literal["run", "eval"] = "run"
    """run: the method on every problem; eval: judge one file (--problem, --code, --lang, --private)."""
    problem: str | None = None
    """Eval mode: the problem id."""
    code: Path | None = None
    """Eval mode: the program file to judge."""
    lang: str | None = None
    """Eval mode: the language of --code (default: language)."""
    private: bool = False
    """Eval mode: also judge on the private seeds and rank against the (pseudo-)leaderboard."""

    def __post_init__(self) -> None:
        require(len(self.problems) >= 1, "problems", "needs at least one problem id")
        require(self.budget_programs >= 1, "budget_programs", f"must be >= 1, got {self.budget_programs}")
        require(self.beam_width >= 1, "beam_width", f"must be >= 1, got {self.beam_width}")
        require(self.children_per_node >= 1, "children_per_node", f"must be >= 1, got {self.children_per_node}")
        require(self.edits_per_child >= 1, "edits_per_child", f"must be >= 1, got {self.edits_per_child}")
        require(self.eval_seeds >= 1, "eval_seeds", f"must be >= 1, got {self.eval_seeds}")
        require(0 < self.time_limit_scale <= 10, "time_limit_scale", f"must be in (0, 10], got {self.time_limit_scale}")
        require(self.num_workers >= 1, "num_workers", f"must be >= 1, got {self.num_workers}")
        require(self.iter_budget >= 0, "iter_budget", f"must be >= 0, got {self.iter_budget}")
        require(self.temperature >= 0, "temperature", f"must be >= 0, got {self.temperature}")
        require(self.session_hours is None or self.session_hours > 0, "session_hours", "must be > 0 or none")
        if self.mode == "eval":
            require(self.problem is not None, "problem", "eval mode needs --problem ID")
            require(self.code is not None, "code", "eval mode needs --code FILE")

    @classmethod
    def quick(cls) -> Self:
        """Two problems, lite seeds, 3 eval seeds, 6 programs, TL x0.25, typed mode, embedded model."""
        return cls(problems=("stamp_art", "depot_routes"), lite=True, eval_seeds=3, budget_programs=6,
                   time_limit_scale=0.25, tle_clock="cpu", num_workers=2)

    @classmethod
    def paper(cls) -> Self:
        """All six problems, 1000 programs, beam 30, 4 h, free mode, a big model on a vLLM server."""
        return cls(model="openai:Qwen/Qwen2.5-Coder-32B-Instruct@http://localhost:8000/v1",
                   budget_programs=1000, beam_width=30, session_hours=4.0, edit_mode="free",
                   eval_seeds=50)
