"""The judge: compile once, run each case in the sandbox, and give ALE-Bench verdicts.

Built on :mod:`agentzoo.tools.compile` (g++ ``-std=gnu++XX -O2`` inside the sandbox, cached by
source hash) and :mod:`agentzoo.tools.sandbox` (bubblewrap + rlimits, max RSS from ``wait4``).

* Verdicts (ALE-Bench names; they and the result records live in
  :mod:`agentzoo.systems.ale_bench.verdicts`, re-exported here): ACCEPTED, WRONG_ANSWER, RUNTIME_ERROR (non-zero exit, signal,
  output cap), TIME_LIMIT_EXCEEDED (wall > TL, or CPU > TL with ``tle_clock="cpu"``; the run is
  killed at TL + 0.3 s), MEMORY_LIMIT_EXCEEDED (max RSS > ML), COMPILATION_ERROR,
  INTERNAL_ERROR (the generator, scorer or judge crashed: never charged to the program).
* The program gets the input on stdin and nothing else: no seed, no scorer, no private data.
  Its stderr is kept (a tail) but never parsed for a score.
* Interactive problems (:mod:`agentzoo.systems.ale_bench.interactive`): the program's stdin and
  stdout are two FIFOs in its work directory, relayed to the problem's trusted ``judge.py`` in
  this process; reads and writes wait at most until the run ends, so a program that never
  flushes gets TLE, not a hang.
* Cases run in parallel over ``num_workers`` threads (each case is its own sandboxed process).
"""

from __future__ import annotations

import functools
import logging
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from agentzoo.systems.ale_bench import interactive
from agentzoo.systems.ale_bench.problem import Problem, WrongAnswer
from agentzoo.systems.ale_bench.verdicts import CaseResult, CodeRunResult, Result, Verdict
from agentzoo.tools import compile as cc
from agentzoo.tools import sandbox

__all__ = [
    "CaseResult",
    "CodeRunResult",
    "Judge",
    "Result",
    "Verdict",
    "check_language",
    "speed_factor",
    "supported_languages",
]

log = logging.getLogger(__name__)

KILL_GRACE_S = 0.3
OUTPUT_CAP = 64 << 20
STDERR_TAIL = 4000
SPEED_REFERENCE_S = 0.5
"""CPU seconds of the speed-factor loop on the machine the pseudo-leaderboards were built on."""


def supported_languages() -> tuple[str, ...]:
    """Language ids the judge accepts (``cpp23`` only when g++ takes ``-std=gnu++23``)."""
    base = ["cpp17", "cpp20", "python"]
    if cc._gxx_accepts("gnu++23"):
        base.insert(2, "cpp23")
    return tuple(base)


def check_language(language: str) -> str:
    allowed = supported_languages()
    if language not in allowed:
        hint = " (Rust and other languages are not judged here)" if language not in cc.LANGUAGES else ""
        raise ValueError(f"unsupported language {language!r}{hint}; supported: {', '.join(allowed)}")
    return language


@dataclass
class Judge:
    """Judges programs for one problem."""

    problem: Problem
    num_workers: int = 1
    sandbox_mode: str = "auto"
    tle_clock: str = "wall"
    time_limit_scale: float = 1.0
    iter_budget: int | None = None
    """Sets ``AGENTZOO_ITER_BUDGET`` for every run (SA programs then count iterations, not time)."""
    keep_io: bool = True
    extra_env: dict[str, str] = field(default_factory=dict)
    """More environment variables for every run (e.g. ``AGENTZOO_SEED`` of a pseudo-entrant)."""
    stats: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        if self.tle_clock not in ("wall", "cpu"):
            raise ValueError(f"tle_clock must be 'wall' or 'cpu', got {self.tle_clock!r}")
        self.mode = sandbox.resolve_mode(self.sandbox_mode)  # type: ignore[arg-type]

    @property
    def time_limit(self) -> float:
        return self.problem.time_limit_s * self.time_limit_scale

    # ------------------------------------------------------------------ compile
    def compile(self, code: str, language: str) -> cc.CompileResult:
        check_language(language)
        started = time.perf_counter()
        built = cc.compile_program(code, language, mode=self.sandbox_mode)  # type: ignore[arg-type]
        self.stats["compiles" if not built.cached and language != "python" else "compile_cache_hits"] += 1
        self.stats["compile_seconds"] += time.perf_counter() - started  # type: ignore[assignment]
        return built

    # ------------------------------------------------------------------ cases
    def evaluate(self, code: str, language: str, cases: Sequence[tuple[int | None, str | None]],
                 time_limit: float | None = None, memory_limit_mib: float | None = None) -> Result:
        """Judge ``code`` on ``cases`` = (seed, input) pairs; an input of None means the
        generator failed (INTERNAL_ERROR, not charged)."""
        built = self.compile(code, language)
        if not built.ok or built.program is None:
            cases_out = tuple(
                CaseResult(Verdict.COMPILATION_ERROR, "compilation error", 0, 0.0, 0, seed,
                           inp if self.keep_io else None)
                for seed, inp in cases
            )
            return self._result(cases_out, built.error)
        program = built.program
        tl = time_limit if time_limit is not None else self.time_limit
        ml = memory_limit_mib if memory_limit_mib is not None else float(self.problem.memory_limit_mib)

        def one(case: tuple[int | None, str | None]) -> CaseResult:
            seed, inp = case
            if inp is None:
                return CaseResult(Verdict.INTERNAL_ERROR, "input generation failed", 0, 0.0, 0, seed)
            return self.run_case(program, inp, seed=seed, time_limit=tl, memory_limit_mib=ml)

        workers = max(1, min(self.num_workers, len(cases)))
        if workers == 1:
            results = [one(c) for c in cases]
        else:
            with ThreadPoolExecutor(workers) as pool:
                results = list(pool.map(one, cases))
        return self._result(tuple(results), "")

    def _result(self, cases: tuple[CaseResult, ...], compile_message: str) -> Result:
        return Result(cases, maximize=self.problem.maximize, fail_cost=self.problem.fail_cost,
                      compile_message=compile_message, sandbox_mode=self.mode, speed_factor=speed_factor())

    def _kill_after(self, time_limit: float) -> float:
        """Wall seconds after which a run is killed: TL + 0.3 s, or 3·TL + 1 s when TLE is judged on
        CPU time (a busy machine stretches wall time, and interactive runs wait on the judge)."""
        return time_limit + KILL_GRACE_S if self.tle_clock == "wall" else 3 * time_limit + 1.0

    def _env(self, time_limit: float) -> dict[str, str]:
        env = {"AGENTZOO_TIME_LIMIT": f"{time_limit:.3f}", **self.extra_env}
        if self.iter_budget:
            env["AGENTZOO_ITER_BUDGET"] = str(int(self.iter_budget))
        return env

    def _limits_for_run(self, time_limit: float, memory_limit_mib: float) -> dict[str, Any]:
        """The sandbox limits of one run under time limit ``time_limit``: killed at
        :meth:`_kill_after`, ``memory_limit_mib``, the output cap and the judge's environment."""
        return {"time_limit_s": self._kill_after(time_limit), "memory_limit_mb": memory_limit_mib,
                "max_output_bytes": OUTPUT_CAP, "env": self._env(time_limit), "mode": self.sandbox_mode}

    def run_case(self, program: cc.Program, input_str: str, *, seed: int | None = None,
                 time_limit: float, memory_limit_mib: float) -> CaseResult:
        self.stats["cases"] += 1
        started = time.perf_counter()
        is_interactive = self.problem.type == "interactive"
        verdict: Verdict | None = None
        message, score = "", 0
        try:
            if is_interactive:
                ex, output, verdict, message, score = self._interact(program, input_str, time_limit, memory_limit_mib)
            else:
                ex = cc.run_program(program, stdin=input_str, **self._limits_for_run(time_limit, memory_limit_mib))
                output = ex.stdout_text
        except sandbox.SandboxError as err:
            return CaseResult(Verdict.INTERNAL_ERROR, f"judge failed: {err}", 0, 0.0, 0, seed)
        finally:
            self.stats["judge_seconds"] += time.perf_counter() - started  # type: ignore[assignment]
        used = ex.cpu_s if self.tle_clock == "cpu" else ex.wall_s
        self.stats["program_cpu_seconds"] += ex.cpu_s  # type: ignore[assignment]
        memory = int(ex.max_rss_mb * (1 << 20))
        limit_verdict = self._limits(ex, used, time_limit)
        if limit_verdict is not None:
            verdict, message, score = limit_verdict[0], limit_verdict[1], 0
        elif is_interactive and verdict is None:
            verdict, message = Verdict.WRONG_ANSWER, "the program ended without an answer line"
        elif verdict is None:  # batch: score the output on the host
            try:
                score, message = self.problem.scorer(input_str, output)
                verdict = Verdict.ACCEPTED
            except WrongAnswer as err:
                verdict, message, score = Verdict.WRONG_ANSWER, str(err), 0
            except Exception as err:  # the scorer crashed: not the program's fault
                log.exception("scorer of %s crashed", self.problem.id)
                verdict, message, score = Verdict.INTERNAL_ERROR, f"scorer crashed: {err!r}", 0
        keep = self.keep_io
        return CaseResult(
            verdict, message, int(score), used, memory, seed,
            input_str if keep else None, output if keep else None,
            ex.stderr_text[-STDERR_TAIL:], cpu_time=ex.cpu_s, wall_time=ex.wall_s,
        )

    def _limits(self, ex: sandbox.Execution, used: float, time_limit: float) -> tuple[Verdict, str] | None:
        if ex.timed_out or ex.cpu_exceeded or used > time_limit:
            what = f"killed after {ex.wall_s:.3f} s wall" if ex.timed_out else f"{used:.3f} s > {time_limit:.3f} s"
            return Verdict.TIME_LIMIT_EXCEEDED, f"{what} ({self.tle_clock} clock)"
        if ex.memory_exceeded:
            return Verdict.MEMORY_LIMIT_EXCEEDED, f"{ex.max_rss_mb:.1f} MiB"
        if ex.output_truncated:
            return Verdict.RUNTIME_ERROR, f"output exceeded {OUTPUT_CAP >> 20} MiB"
        if ex.signal is not None or ex.exit_code != 0:
            return Verdict.RUNTIME_ERROR, ex.status
        return None

    # ------------------------------------------------------------------ interactive
    def _interact(self, program: cc.Program, input_str: str, time_limit: float,
                  memory_limit_mib: float) -> interactive.Outcome:
        """Relay between the sandboxed program and the problem's judge (or official tester)."""
        limits = self._limits_for_run(time_limit, memory_limit_mib)

        def launch(relayed: cc.Program, work: str) -> sandbox.Execution:
            return cc.run_program(relayed, workdir=work, **limits)

        if hasattr(self.problem, "tool"):
            return interactive.interact_official(self.problem, program, input_str, time_limit, launch)
        return interactive.interact(self.problem, program, input_str, launch, OUTPUT_CAP)

    # ------------------------------------------------------------------ raw runs
    def code_run(self, code: str, language: str, input_str: str,
                 time_limit: float | None = None) -> CodeRunResult:
        built = self.compile(code, language)
        if not built.ok or built.program is None:
            return CodeRunResult(input_str, "", built.error, -1, 0.0, 0)
        tl = time_limit if time_limit is not None else self.time_limit
        ex = cc.run_program(built.program, stdin=input_str,
                            **self._limits_for_run(tl, float(self.problem.memory_limit_mib)))
        status = ex.exit_code if ex.exit_code is not None else 128 + (ex.signal or 0)
        return CodeRunResult(input_str, ex.stdout_text, ex.stderr_text[-STDERR_TAIL:], status,
                             max(ex.wall_s, ex.cpu_s), int(ex.max_rss_mb * (1 << 20)))


@functools.cache
def speed_factor() -> float:
    """How fast this machine runs a fixed C++ loop, relative to the reference machine (> 1: faster).
    Measured once per process in the sandbox (CPU time); 1.0 if it cannot be measured."""
    source = (
        "#include <cstdio>\n#include <cstdint>\nint main(){uint64_t x=88172645463325252ULL,s=0;"
        "for(long i=0;i<400000000L;i++){x^=x<<7;x^=x>>9;s+=x&1023;}printf(\"%llu\\n\",(unsigned long long)s);}"
    )
    try:
        built = cc.compile_program(source, "cpp20")
        if not built.ok or built.program is None:
            return 1.0
        ex = cc.run_program(built.program, time_limit_s=30)
        return round(SPEED_REFERENCE_S / max(ex.cpu_s, 1e-3), 3) if ex.ok else 1.0
    except (sandbox.SandboxError, OSError, ValueError):
        return 1.0
