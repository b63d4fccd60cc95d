"""The judge: compile once, run each case in the sandbox, and give ALE-Bench verdicts.

Built on :mod:`agentzoo.tools.compile` (g++ ``-std=gnu++XX -O2`` inside the sandbox, cached by
source hash) and :mod:`agentzoo.tools.sandbox` (bubblewrap + rlimits, max RSS from ``wait4``).

* Verdicts (ALE-Bench names): ACCEPTED, WRONG_ANSWER, RUNTIME_ERROR (non-zero exit, signal,
  output cap), TIME_LIMIT_EXCEEDED (wall > TL, or CPU > TL with ``tle_clock="cpu"``; the run is
  killed at TL + 0.3 s), MEMORY_LIMIT_EXCEEDED (max RSS > ML), COMPILATION_ERROR,
  INTERNAL_ERROR (the generator, scorer or judge crashed: never charged to the program).
* The program gets the input on stdin and nothing else: no seed, no scorer, no private data.
  Its stderr is kept (a tail) but never parsed for a score.
* Interactive problems: the program's stdin and stdout are two FIFOs in its work directory,
  relayed to the problem's trusted ``judge.py`` in this process; reads and writes wait at most
  until the run ends, so a program that never flushes gets TLE, not a hang.
* Cases run in parallel over ``num_workers`` threads (each case is its own sandboxed process).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

from agentzoo.systems.ale_bench.problem import Final, Problem, WrongAnswer
from agentzoo.tools import compile as cc
from agentzoo.tools import sandbox

log = logging.getLogger(__name__)

KILL_GRACE_S = 0.3
OUTPUT_CAP = 64 << 20
STDERR_TAIL = 4000
SPEED_REFERENCE_S = 0.5
"""CPU seconds of the speed-factor loop on the machine the pseudo-leaderboards were built on."""


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

    def run_case(self, program: cc.Program, input_str: str, *, seed: int | None = None,
                 time_limit: float, memory_limit_mib: float) -> CaseResult:
        self.stats["cases"] += 1
        started = time.perf_counter()
        interactive = self.problem.type == "interactive"
        verdict: Verdict | None = None
        message, score = "", 0
        try:
            if interactive:
                ex, output, verdict, message, score = self._interact(program, input_str, time_limit, memory_limit_mib)
            else:
                ex = cc.run_program(
                    program, stdin=input_str, time_limit_s=self._kill_after(time_limit),
                    memory_limit_mb=memory_limit_mib, max_output_bytes=OUTPUT_CAP,
                    env=self._env(time_limit), mode=self.sandbox_mode,
                )
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
        elif interactive and verdict is None:
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
                  memory_limit_mib: float) -> tuple[sandbox.Execution, str, Verdict | None, str, int]:
        """Relay between the sandboxed program (through two FIFOs) and the trusted judge."""
        if hasattr(self.problem, "tool"):
            return self._interact_official(program, input_str, time_limit, memory_limit_mib)
        try:
            judge = self.problem.judge_class(input_str)
            first = judge.start()
        except Exception as err:
            raise sandbox.SandboxError(f"interactive judge failed to start: {err!r}") from err
        work = tempfile.mkdtemp(prefix="agentzoo-ale-io-")
        box: dict[str, Any] = {}
        done = threading.Event()
        to_prog, from_prog = os.path.join(work, "in.fifo"), os.path.join(work, "out.fifo")
        thread = self._fifo_run(program, work, time_limit, memory_limit_mib, box, done)
        wfd = os.open(to_prog, os.O_RDWR | os.O_NONBLOCK)
        rfd = os.open(from_prog, os.O_RDWR | os.O_NONBLOCK)
        transcript: list[str] = []
        verdict: Verdict | None = None
        message, score, size = "", 0, 0
        try:
            _write_all(wfd, first.encode(), done)
            buffer = b""
            while verdict is None:
                chunk = _read_some(rfd, done)
                if chunk is None:  # the program ended
                    break
                buffer += chunk
                size += len(chunk)
                if size > OUTPUT_CAP:
                    verdict, message = Verdict.RUNTIME_ERROR, "output cap exceeded"
                    break
                while b"\n" in buffer and verdict is None:
                    raw, buffer = buffer.split(b"\n", 1)
                    line = raw.decode("utf-8", errors="replace").strip()
                    if not line:
                        continue
                    transcript.append(line)
                    try:
                        reply = judge.step(line)
                    except WrongAnswer as err:
                        verdict, message = Verdict.WRONG_ANSWER, str(err)
                        break
                    except Exception as err:
                        verdict, message = Verdict.INTERNAL_ERROR, f"judge crashed: {err!r}"
                        break
                    if isinstance(reply, Final):
                        verdict, message, score = Verdict.ACCEPTED, reply.message, reply.score
                    else:
                        _write_all(wfd, reply.encode(), done)
        finally:
            for fd in (wfd, rfd):
                with contextlib.suppress(OSError):
                    os.close(fd)
            thread.join()
            shutil.rmtree(work, ignore_errors=True)
        if "error" in box:
            raise sandbox.SandboxError(f"interactive run failed: {box['error']!r}")
        ex: sandbox.Execution = box["ex"]
        if verdict is Verdict.INTERNAL_ERROR:
            raise sandbox.SandboxError(message)
        if verdict is not None:
            # the judge decided (answer or wrong answer): a SIGPIPE or exit status after that
            # does not change the verdict, but limits (TLE/MLE) still take precedence
            ex = _clear_exit(ex)
        return ex, "\n".join(transcript), verdict, message, score

    def _fifo_run(self, program: cc.Program, work: str, time_limit: float, memory_limit_mib: float,
                  box: dict[str, Any], done: threading.Event) -> threading.Thread:
        for name in ("in.fifo", "out.fifo"):
            os.mkfifo(os.path.join(work, name))
            os.chmod(os.path.join(work, name), 0o666)

        def runner() -> None:
            try:
                box["ex"] = cc.run_program(
                    cc.Program(program.language, program.source_hash,
                               ("/bin/sh", "-c", 'exec "$0" "$@" < in.fifo > out.fifo', *program.argv),
                               program.files),
                    workdir=work, time_limit_s=self._kill_after(time_limit),
                    memory_limit_mb=memory_limit_mib, max_output_bytes=OUTPUT_CAP,
                    env=self._env(time_limit), mode=self.sandbox_mode,
                )
            except BaseException as err:  # surfaced by the caller
                box["error"] = err
            finally:
                done.set()

        thread = threading.Thread(target=runner, daemon=True)
        thread.start()
        return thread

    def _interact_official(self, program: cc.Program, input_str: str, time_limit: float,
                           memory_limit_mib: float) -> tuple[sandbox.Execution, str, Verdict | None, str, int]:
        """Official reactive problems: the user's ``tester`` (trusted, on the host) talks to the
        sandboxed program through the FIFOs; its own stderr carries ``Score = N``."""
        from agentzoo.systems.ale_bench.official import parse_tester_score

        work = tempfile.mkdtemp(prefix="agentzoo-ale-io-")
        box: dict[str, Any] = {}
        done = threading.Event()
        thread = self._fifo_run(program, work, time_limit, memory_limit_mib, box, done)
        try:
            tester = subprocess.run(
                [str(cast(Any, self.problem).tool("tester")), sys.executable, "-c", _RELAY],
                cwd=work, input=input_str.encode(), capture_output=True, timeout=time_limit + 10,
            )
        except subprocess.TimeoutExpired:
            tester = None
        finally:
            thread.join()
            shutil.rmtree(work, ignore_errors=True)
        if "error" in box:
            raise sandbox.SandboxError(f"interactive run failed: {box['error']!r}")
        ex: sandbox.Execution = box["ex"]
        if tester is None:
            raise sandbox.SandboxError("the official tester did not finish")
        try:
            score, message = parse_tester_score(tester.stderr.decode(errors="replace"))
            verdict = Verdict.ACCEPTED
        except WrongAnswer as err:
            score, message, verdict = 0, str(err), Verdict.WRONG_ANSWER
        return _clear_exit(ex), tester.stdout.decode(errors="replace"), verdict, message, score

    # ------------------------------------------------------------------ raw runs
    def code_run(self, code: str, language: str, input_str: str,
                 time_limit: float | None = None) -> CodeRunResult:
        built = self.compile(code, language)
        if not built.ok or built.program is None:
            return CodeRunResult(input_str, "", built.error, -1, 0.0, 0)
        tl = time_limit if time_limit is not None else self.time_limit
        ex = cc.run_program(built.program, stdin=input_str, time_limit_s=self._kill_after(tl),
                            memory_limit_mb=float(self.problem.memory_limit_mib),
                            max_output_bytes=OUTPUT_CAP, env=self._env(tl), mode=self.sandbox_mode)
        status = ex.exit_code if ex.exit_code is not None else 128 + (ex.signal or 0)
        return CodeRunResult(input_str, ex.stdout_text, ex.stderr_text[-STDERR_TAIL:], status,
                             max(ex.wall_s, ex.cpu_s), int(ex.max_rss_mb * (1 << 20)))


_RELAY = """
import os, sys, threading
def pump():  # tester -> program
    with open("in.fifo", "wb", buffering=0) as dst:
        while chunk := os.read(0, 65536):
            try:
                dst.write(chunk)
            except BrokenPipeError:
                break
threading.Thread(target=pump, daemon=True).start()
with open("out.fifo", "rb", buffering=0) as src:  # program -> tester, until the program ends
    while chunk := src.read(65536):
        os.write(1, chunk)
os._exit(0)
"""
"""Stands in for the program under the official tester: relays to the sandboxed program's FIFOs
and exits as soon as the program closes its output (trusted code, on the host)."""


def _clear_exit(ex: sandbox.Execution) -> sandbox.Execution:
    """Forget a SIGPIPE/non-zero exit that came after the judge had decided."""
    from dataclasses import replace

    if ex.timed_out or ex.memory_exceeded or ex.cpu_exceeded:
        return ex
    return replace(ex, exit_code=0, signal=None, output_truncated=False)


def _write_all(fd: int, data: bytes, done: threading.Event) -> None:
    view = memoryview(data)
    while view:
        if done.is_set():
            return
        _, writable, _ = select.select([], [fd], [], 0.05)
        if writable:
            try:
                view = view[os.write(fd, view):]
            except BlockingIOError:
                continue


def _read_some(fd: int, done: threading.Event) -> bytes | None:
    """Some bytes the program wrote, or None once it has ended and nothing is left."""
    while True:
        finished = done.is_set()
        readable, _, _ = select.select([fd], [], [], 0.0 if finished else 0.05)
        if readable:
            try:
                chunk = os.read(fd, 1 << 16)
            except BlockingIOError:
                chunk = b""
            if chunk:
                return chunk
        if finished:
            return None


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
