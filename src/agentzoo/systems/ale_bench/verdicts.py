"""ALE-Bench's verdicts and result records: :class:`Verdict`, :class:`CaseResult`,
:class:`Result` (the overall verdict and score rules) and :class:`CodeRunResult`.

:mod:`agentzoo.systems.ale_bench.judge` produces them and re-exports every name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    ACCEPTED = "ACCEPTED"
    WRONG_ANSWER = "WRONG_ANSWER"
    RUNTIME_ERROR = "RUNTIME_ERROR"
    TIME_LIMIT_EXCEEDED = "TIME_LIMIT_EXCEEDED"
    MEMORY_LIMIT_EXCEEDED = "MEMORY_LIMIT_EXCEEDED"
    OUTPUT_LIMIT_EXCEEDED = "OUTPUT_LIMIT_EXCEEDED"
    COMPILATION_ERROR = "COMPILATION_ERROR"
    INTERNAL_ERROR = "INTERNAL_ERROR"


_SEVERITY = [  # ALE-Bench's order for the overall verdict
    Verdict.INTERNAL_ERROR, Verdict.WRONG_ANSWER, Verdict.RUNTIME_ERROR, Verdict.TIME_LIMIT_EXCEEDED,
    Verdict.MEMORY_LIMIT_EXCEEDED, Verdict.OUTPUT_LIMIT_EXCEEDED, Verdict.COMPILATION_ERROR,
]

@dataclass(frozen=True)
class CaseResult:
    """One case (ALE-Bench ``CaseResult``)."""

    judge_result: Verdict
    message: str
    absolute_score: int
    execution_time: float
    """Seconds: wall time (or CPU time with ``tle_clock="cpu"``), sandbox start-up included."""
    memory_usage: int
    """Max resident set size in bytes."""
    seed: int | None = None
    input_str: str | None = None
    output_str: str | None = None
    error_str: str | None = None
    """The tail of the program's stderr (never parsed for a score)."""
    relative_score: int | None = None
    cpu_time: float = 0.0
    wall_time: float = 0.0

    def to_dict(self, with_io: bool = False) -> dict[str, Any]:
        out = {
            "seed": self.seed, "judge_result": self.judge_result.value, "message": self.message,
            "absolute_score": self.absolute_score, "relative_score": self.relative_score,
            "execution_time": self.execution_time, "memory_usage": self.memory_usage,
            "cpu_time": self.cpu_time, "wall_time": self.wall_time,
        }
        if with_io:
            out.update(input_str=self.input_str, output_str=self.output_str, error_str=self.error_str)
        return out


@dataclass(frozen=True)
class Result:
    """An evaluation of one program on several cases (ALE-Bench ``Result``)."""

    case_results: tuple[CaseResult, ...]
    maximize: bool = True
    fail_cost: int = 0
    allow_score_non_ac: bool = False
    compile_message: str = ""
    sandbox_mode: str = ""
    speed_factor: float = 1.0

    @property
    def overall_judge_result(self) -> Verdict:
        found = {c.judge_result for c in self.case_results}
        return next((v for v in _SEVERITY if v in found), Verdict.ACCEPTED)

    @property
    def overall_absolute_score(self) -> int:
        """ALE-Bench rule: 0 on CE/IE, 0 unless all AC (``allow_score_non_ac``), else Σ AC scores."""
        overall = self.overall_judge_result
        if overall in (Verdict.COMPILATION_ERROR, Verdict.INTERNAL_ERROR):
            return 0
        if not self.allow_score_non_ac and overall is not Verdict.ACCEPTED:
            return 0
        return sum(c.absolute_score for c in self.case_results if c.judge_result is Verdict.ACCEPTED)

    @property
    def overall_relative_score(self) -> int | None:
        if any(c.relative_score is None for c in self.case_results):
            return None
        if self.overall_judge_result is not Verdict.ACCEPTED and not self.allow_score_non_ac:
            return 0
        return sum(c.relative_score or 0 for c in self.case_results if c.judge_result is Verdict.ACCEPTED)

    @property
    def total_cost(self) -> int:
        """Minimise problems: Σ cost of AC cases + ``fail_cost`` per other case (IE excluded)."""
        return sum(
            c.absolute_score if c.judge_result is Verdict.ACCEPTED else self.fail_cost
            for c in self.case_results if c.judge_result is not Verdict.INTERNAL_ERROR
        )

    @property
    def verdict_counts(self) -> dict[str, int]:
        return dict(Counter(c.judge_result.value for c in self.case_results))

    def case_scores(self) -> list[int]:
        """Per-case absolute scores with −1 for rejected cases (the relative-score input)."""
        return [c.absolute_score if c.judge_result is Verdict.ACCEPTED else -1 for c in self.case_results]

    def to_dict(self, with_io: bool = False) -> dict[str, Any]:
        return {
            "overall_judge_result": self.overall_judge_result.value,
            "overall_absolute_score": self.overall_absolute_score,
            "overall_relative_score": self.overall_relative_score,
            "total_cost": self.total_cost, "verdict_counts": self.verdict_counts,
            "compile_message": self.compile_message, "sandbox_mode": self.sandbox_mode,
            "speed_factor": self.speed_factor,
            "case_results": [c.to_dict(with_io) for c in self.case_results],
        }


@dataclass(frozen=True)
class CodeRunResult:
    """A raw run without judging (ALE-Bench ``CodeRunResult``)."""

    stdin: str
    stdout: str
    stderr: str
    exit_status: int
    execution_time: float
    memory_usage: int

