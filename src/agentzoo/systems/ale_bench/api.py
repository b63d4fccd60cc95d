"""The ALE-Bench-compatible session API: ``start(problem_id) -> Session``.

Mirrors the authors' ``ale_bench.start`` / ``Session``: ``case_gen``, ``case_eval``,
``case_gen_eval``, ``code_run``, ``local_visualization``, ``public_eval``, ``private_eval``
(returning the result, rank and performance), ``save``/``restart`` and caps on calls. Private
inputs are generated only inside ``private_eval``; agents get a :class:`PublicSession`, which has
neither the private seeds nor ``private_eval``. ``use_same_time_scale`` advances a *virtual*
clock by the contest's submission interval (300 s for contests under a day, else 1800 s)
instead of sleeping.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentzoo.runs import atomic_write_json
from agentzoo.systems.ale_bench import leaderboard as lb
from agentzoo.systems.ale_bench.judge import CodeRunResult, Judge, Result, Verdict
from agentzoo.systems.ale_bench.problem import Problem, get_problem, problem_ids

log = logging.getLogger(__name__)


class SessionLimitError(RuntimeError):
    """A capped call was made once too often, or the session's time is up."""


@dataclass(frozen=True)
class Visual:
    """A local visualisation: standalone SVG text and PNG bytes."""

    svg: str
    png: bytes


def list_problem_ids(lite_version: bool = False, problems_dir: str | Path | None = None,
                     official_data_dir: str | Path | None = None) -> list[str]:
    """Our problem ids, or the ids of the user's official copy when ``official_data_dir`` is given."""
    if official_data_dir is not None:
        from agentzoo.systems.ale_bench import official

        return official.list_problem_ids(official_data_dir, lite_version)
    return problem_ids(problems_dir)


def _load(problem_id: str, problems_dir: str | Path | None,
          official_data_dir: str | Path | None) -> Problem:
    if official_data_dir is not None:
        from agentzoo.systems.ale_bench import official

        return official.load_problem(problem_id, official_data_dir)  # type: ignore[return-value]
    return get_problem(problem_id, problems_dir)


class Session:
    """One problem, one contestant: the judge, the seeds, the caps and the action log."""

    def __init__(self, problem: Problem, *, lite_version: bool = False, num_workers: int = 1,
                 session_duration: float | None = None, use_same_time_scale: bool = False,
                 max_case_gen: int | None = None, max_case_eval: int | None = None,
                 max_public_eval: int | None = None, allow_repeat_private: bool = False,
                 sandbox: str = "auto", tle_clock: str = "wall", time_limit_scale: float = 1.0,
                 iter_budget: int | None = None, problems_dir: str | Path | None = None,
                 official_data_dir: str | Path | None = None) -> None:
        self.problem = problem
        self.lite_version = lite_version
        self.session_duration = session_duration
        self.use_same_time_scale = use_same_time_scale
        self.caps = {"case_gen": max_case_gen, "case_eval": max_case_eval,
                     "public_eval": max_public_eval, "private_eval": None if allow_repeat_private else 1}
        self.counts = {k: 0 for k in self.caps}
        self.action_log: list[dict[str, Any]] = []
        self.elapsed = 0.0
        """Session seconds used: real time of the calls, plus the virtual submission spacing."""
        self.closed = False
        self.settings = {"num_workers": num_workers, "sandbox": sandbox, "tle_clock": tle_clock,
                         "time_limit_scale": time_limit_scale, "iter_budget": iter_budget,
                         "lite_version": lite_version, "problems_dir": str(problems_dir) if problems_dir else None,
                         "official_data_dir": str(official_data_dir) if official_data_dir else None,
                         "session_duration": session_duration, "use_same_time_scale": use_same_time_scale,
                         "caps": dict(self.caps)}
        self.judge = Judge(problem, num_workers=num_workers, sandbox_mode=sandbox, tle_clock=tle_clock,
                           time_limit_scale=time_limit_scale, iter_budget=iter_budget)

    # ------------------------------------------------------------------ metadata
    @property
    def public_seeds(self) -> list[int]:
        return list(self.problem.public_seeds(self.lite_version))

    @property
    def remaining_time(self) -> float | None:
        if self.session_duration is None:
            return None
        return max(0.0, self.session_duration - self.elapsed)

    @property
    def submission_interval(self) -> int:
        return 300 if self.problem.duration_hours < 24 else 1800

    def _begin(self, action: str, n: int = 1) -> float:
        """Check the session clock and the cap of ``action`` (case_gen and case_eval count cases,
        as in ALE-Bench; the evaluations count calls), then count ``n`` more."""
        if self.closed:
            raise SessionLimitError("the session is closed")
        if self.remaining_time is not None and self.remaining_time <= 0:
            raise SessionLimitError(f"the session's {self.session_duration:g} s are used up")
        cap = self.caps.get(action)
        if cap is not None and self.counts[action] + n > cap:
            raise SessionLimitError(f"{action}: the cap of {cap} is exhausted ({self.counts[action]} used)")
        if action in self.counts:
            self.counts[action] += n
        return time.perf_counter()

    def _end(self, action: str, started: float, **info: Any) -> None:
        self.elapsed += time.perf_counter() - started
        if self.use_same_time_scale and action in ("public_eval", "private_eval"):
            self.elapsed += self.submission_interval
        self.action_log.append({"action": action, "t": round(self.elapsed, 3), **info})

    @staticmethod
    def _digest(code: str) -> str:
        return hashlib.sha256(code.encode()).hexdigest()[:16]

    # ------------------------------------------------------------------ cases
    def case_gen(self, seed: int | Sequence[int], gen_kwargs: dict[str, Any] | None = None) -> str | list[str]:
        seeds = [seed] if isinstance(seed, int) else list(seed)
        started = self._begin("case_gen", len(seeds))
        inputs = [self.problem.generate(s, **(gen_kwargs or {})) for s in seeds]
        self._end("case_gen", started, seeds=seeds)
        return inputs[0] if isinstance(seed, int) else inputs

    def case_eval(self, input_str: str | Sequence[str], code: str, code_language: str,
                  time_limit: float | None = None, memory_limit: int | None = None) -> Result:
        inputs = [input_str] if isinstance(input_str, str) else list(input_str)
        started = self._begin("case_eval", len(inputs))
        result = self.judge.evaluate(code, code_language, [(None, i) for i in inputs], time_limit,
                                     memory_limit / (1 << 20) if memory_limit else None)
        self._end("case_eval", started, code=self._digest(code), cases=len(inputs),
                  verdict=result.overall_judge_result.value)
        return result

    def case_gen_eval(self, code: str, code_language: str, seed: int | Sequence[int],
                      gen_kwargs: dict[str, Any] | None = None) -> Result:
        inputs = self.case_gen(seed, gen_kwargs)
        return self.case_eval(inputs, code, code_language)

    def code_run(self, input_str: str, code: str, code_language: str) -> CodeRunResult:
        started = self._begin("code_run")
        out = self.judge.code_run(code, code_language, input_str)
        self._end("code_run", started, code=self._digest(code), exit_status=out.exit_status)
        return out

    def local_visualization(self, input_str: str, output_str: str) -> Visual:
        canvas = self.problem.render(input_str, output_str)
        return Visual(canvas.svg(), canvas.png())

    def _inputs(self, seeds: Sequence[int]) -> list[tuple[int | None, str | None]]:
        cases: list[tuple[int | None, str | None]] = []
        for seed in seeds:
            try:
                cases.append((seed, self.problem.generate(seed)))
            except Exception:  # the generator crashed: INTERNAL_ERROR, not the program's fault
                log.exception("generator of %s failed on seed %s", self.problem.id, seed)
                cases.append((seed, None))
        return cases

    def public_eval(self, code: str, code_language: str) -> Result:
        started = self._begin("public_eval")
        result = self.judge.evaluate(code, code_language, self._inputs(self.public_seeds))
        self._end("public_eval", started, code=self._digest(code), score=result.overall_absolute_score,
                  total_cost=result.total_cost, verdicts=result.verdict_counts)
        return result

    def private_eval(self, code: str, code_language: str) -> tuple[Result, int | None, int | None]:
        """(result, rank, performance) on the private seeds, ranked against the standings
        (our problems: the **pseudo**-leaderboard built from reference solutions)."""
        started = self._begin("private_eval")
        seeds = self.problem.private_seeds(self.lite_version)
        result = self.judge.evaluate(code, code_language, self._inputs(seeds))
        rank = performance = None
        board = lb.load_leaderboard(self.problem, self.lite_version)
        if board is not None:
            result, rank, performance = board.rank(result)
        self._end("private_eval", started, code=self._digest(code), score=result.overall_absolute_score,
                  total_cost=result.total_cost, rank=rank, performance=performance,
                  verdicts=result.verdict_counts)
        return result, rank, performance

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> Path:
        """Write the session's state (problem id, settings, counters, clock, action log) as JSON."""
        state = {"problem_id": self.problem.id, "settings": self.settings, "counts": self.counts,
                 "elapsed": self.elapsed, "action_log": self.action_log, "closed": self.closed}
        atomic_write_json(Path(path), state)
        return Path(path)

    def close(self) -> None:
        self.closed = True

    def public(self) -> PublicSession:
        return PublicSession(self)


def start(problem_id: str, lite_version: bool = False, num_workers: int = 1,
          session_duration: float | None = None, use_same_time_scale: bool = False,
          max_case_gen: int | None = None, max_case_eval: int | None = None,
          max_public_eval: int | None = None, problems_dir: str | Path | None = None,
          official_data_dir: str | Path | None = None, **settings: Any) -> Session:
    """Start a session on ``problem_id`` (ours, or an official id with ``official_data_dir``).

    Extra settings: ``allow_repeat_private``, ``sandbox`` (auto|bwrap|rlimit), ``tle_clock``
    (wall|cpu), ``time_limit_scale``, ``iter_budget``.
    """
    problem = _load(problem_id, problems_dir, official_data_dir)
    return Session(problem, lite_version=lite_version, num_workers=num_workers,
                   session_duration=session_duration, use_same_time_scale=use_same_time_scale,
                   max_case_gen=max_case_gen, max_case_eval=max_case_eval, max_public_eval=max_public_eval,
                   problems_dir=problems_dir, official_data_dir=official_data_dir, **settings)


def restart(path: str | Path) -> Session:
    """Rebuild a saved session: same problem and settings, counters, clock and action log."""
    state = json.loads(Path(path).read_text())
    s = state["settings"]
    caps = s["caps"]
    session = start(
        state["problem_id"], lite_version=s["lite_version"], num_workers=s["num_workers"],
        session_duration=s["session_duration"], use_same_time_scale=s["use_same_time_scale"],
        max_case_gen=caps["case_gen"], max_case_eval=caps["case_eval"], max_public_eval=caps["public_eval"],
        problems_dir=s["problems_dir"], official_data_dir=s["official_data_dir"],
        allow_repeat_private=caps["private_eval"] is None, sandbox=s["sandbox"], tle_clock=s["tle_clock"],
        time_limit_scale=s["time_limit_scale"], iter_budget=s["iter_budget"],
    )
    session.counts.update(state["counts"])
    session.elapsed = float(state["elapsed"])
    session.action_log = list(state["action_log"])
    session.closed = bool(state["closed"])
    return session


@dataclass(frozen=True)
class ProblemInfo:
    """What an agent may know about the problem (no seeds beyond the public ones, no trusted code)."""

    id: str
    title: str
    statement: str
    type: str
    score_type: str
    time_limit_s: float
    """The time limit programs run under (scaled by ``time_limit_scale``)."""
    memory_limit_mib: int
    fail_cost: int

    @property
    def maximize(self) -> bool:
        return self.score_type == "maximize"


class PublicSession:
    """What an agent may touch: everything but the private seeds and ``private_eval``."""

    _ALLOWED = ("problem", "public_seeds", "action_log", "remaining_time", "case_gen", "case_eval",
                "case_gen_eval", "code_run", "local_visualization", "public_eval", "judge_stats")

    def __init__(self, session: Session) -> None:
        object.__setattr__(self, "_session", session)

    def __getattr__(self, name: str) -> Any:
        if name not in self._ALLOWED:
            raise AttributeError(f"PublicSession has no {name!r} (agents cannot reach private data)")
        session = self._session
        if name == "judge_stats":
            return dict(session.judge.stats)
        if name == "problem":
            p = session.problem
            return ProblemInfo(p.id, p.title, p.statement, p.type, p.score_type, session.judge.time_limit,
                               p.memory_limit_mib, p.fail_cost)
        return getattr(session, name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("PublicSession is read-only")

    def __dir__(self) -> list[str]:
        return list(self._ALLOWED)


__all__ = ["ProblemInfo", "PublicSession", "Session", "SessionLimitError", "Verdict", "Visual", "list_problem_ids",
           "restart", "start"]
