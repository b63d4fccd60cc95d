"""The **pseudo**-leaderboard of our problems: reference solutions as entrants, not humans.

Entrants (about 16 per problem): the trivial, greedy and annealing references in C++ and Python,
the C++ annealing at 5/10/25/50/100 % of the problem's iteration budget ``iter_budget_ref``, and
the C++ greedy with five tie-break seeds. Every SA entrant runs with ``AGENTZOO_ITER_BUDGET``, so
the standings do not depend on the machine's speed (the speed factor is stored beside them).

Files written into the problem directory (``_lite`` for the lite seeds)::

    leaderboard.csv   entrant, language, budget, total, private_0 ... (per-case absolute, −1 = rejected)
    performance.csv   rank, performance: rank 1 → 2800, median → 1200, last (+1) → 400, linear between

Ranks and performances computed against them are **pseudo** ranks and **pseudo** performances:
they are not comparable to AtCoder's.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from agentzoo.progress import track
from agentzoo.runs import atomic_write_text
from agentzoo.systems.ale_bench.judge import Judge, Result, Verdict, speed_factor
from agentzoo.systems.ale_bench.problem import Problem
from agentzoo.systems.ale_bench.scoring import (
    RankPerformanceMap,
    RelativeResults,
    RelativeScoreType,
    Standings,
    cost_rank,
)

log = logging.getLogger(__name__)

TOP, MEDIAN, BOTTOM = 2800, 1200, 400
SA_FRACTIONS = (0.05, 0.10, 0.25, 0.50, 1.00)
GREEDY_SEEDS = (1, 2, 3, 4, 5)
PYTHON_SA_DIVISOR = 100


@dataclass(frozen=True)
class Entrant:
    name: str
    file: str
    language: str
    budget: int | None = None
    seed: int | None = None


def entrants(problem: Problem) -> list[Entrant]:
    budget = int(problem.extra.get("iter_budget_ref", 1_000_000))
    out = [
        Entrant("trivial.cpp", "trivial.cpp", "cpp20"),
        Entrant("trivial.py", "trivial.py", "python"),
        Entrant("greedy.cpp", "greedy.cpp", "cpp20"),
        Entrant("greedy.py", "greedy.py", "python"),
        Entrant("annealing.py", "annealing.py", "python", budget // PYTHON_SA_DIVISOR),
    ]
    out += [Entrant(f"annealing.cpp@{int(f * 100)}%", "annealing.cpp", "cpp20", max(1, int(budget * f)))
            for f in SA_FRACTIONS]
    out += [Entrant(f"greedy.cpp#seed{s}", "greedy.cpp", "cpp20", None, s) for s in GREEDY_SEEDS]
    return out


def performance_table(n_ranked: int) -> list[tuple[int, int]]:
    """(rank, performance) for ranks 1 … n+1 (n+1: below every entrant): 2800 at rank 1, 1200 at the
    median rank (n+2)/2, 400 at rank n+1, linear in between."""
    last = n_ranked + 1
    mid = (1 + last) / 2
    rows = []
    for r in range(1, last + 1):
        if r <= mid:
            p = TOP - (TOP - MEDIAN) * (r - 1) / (mid - 1)
        else:
            p = MEDIAN - (MEDIAN - BOTTOM) * (r - mid) / (last - mid)
        rows.append((r, round(p)))
    return rows


@dataclass
class Leaderboard:
    """Loaded standings of one problem (full or lite seeds)."""

    problem: Problem
    names: list[str]
    totals: list[int]
    case_scores: list[list[int]]  # per entrant, per private case (−1 = rejected)
    performance: RankPerformanceMap
    meta: dict[str, object]

    def _standings(self) -> Standings:
        if self.problem.relative_score_type:
            rel = RelativeResults([list(col) for col in zip(*self.case_scores)],
                                  RelativeScoreType(self.problem.relative_score_type), int(self.problem.relative_max_score or 0))
            # the entrants' own relative totals, recomputed among themselves
            totals = _relative_totals(rel)
            return Standings(_rows(totals), rel)
        return Standings(_rows(self.totals))

    def rank(self, result: Result) -> tuple[Result, int, int]:
        """(result with relative scores filled in, pseudo rank, pseudo performance)."""
        if result.overall_judge_result is Verdict.INTERNAL_ERROR:
            log.warning("ranking a result with INTERNAL_ERROR cases: they are counted as rejected")
        if not self.problem.maximize and not self.problem.relative_score_type:
            rank, perf_rank = cost_rank(result.total_cost, self.totals)
            return result, rank, self.performance.performance(perf_rank)
        standings = self._standings()
        if self.problem.relative_score_type:
            rank, perf_rank, per_case = standings.relative_rank(result.case_scores())
            cases = tuple(replace(c, relative_score=v) for c, v in zip(result.case_results, per_case))
            result = replace(result, case_results=cases)
        else:
            rank, perf_rank = standings.absolute_rank(result.overall_absolute_score)
        return result, rank, self.performance.performance(perf_rank)


    def entrant_rows(self) -> list[dict[str, object]]:
        """Each entrant's total, pseudo rank and pseudo performance within the board."""
        if self.problem.relative_score_type:
            rel = RelativeResults([list(col) for col in zip(*self.case_scores)],
                                  RelativeScoreType(self.problem.relative_score_type), int(self.problem.relative_max_score or 0))
            keys = _relative_totals(rel)
        else:
            keys = self.totals if self.problem.maximize else [-t for t in self.totals]
        rows = []
        for name, total, key in zip(self.names, self.totals, keys):
            better = sum(1 for k in keys if k > key)
            ties = sum(1 for k in keys if k == key)
            rank = better + 1
            rows.append({"entrant": name, "total": total, "rank": rank,
                         "performance": self.performance.performance(rank + (ties - 1) / 2)})
        return rows


def _rows(totals: list[int]) -> list[tuple[int, int]]:
    """Standings rows (rank, score) from positive totals, descending, with the final score-0 row."""
    ordered = sorted((t for t in totals if t > 0), reverse=True)
    rows, rank = [], 0
    for i, t in enumerate(ordered):
        if i == 0 or t != ordered[i - 1]:
            rank = i + 1
        rows.append((rank, t))
    rows.append((len(ordered) + 1, 0))
    return rows


def _relative_totals(rel: RelativeResults) -> list[int]:
    n = len(rel.absolute_scores[0])
    totals = [0] * n
    for case in rel.absolute_scores:
        accepted = sorted(s for s in case if s >= 0)
        for i, s in enumerate(case):
            totals[i] += rel._relative(s, accepted, len(case)) if accepted else 0
    return totals


def _paths(problem: Problem, lite: bool) -> tuple[Path, Path, Path]:
    suffix = "_lite" if lite else ""
    d = problem.directory
    return d / f"leaderboard{suffix}.csv", d / f"performance{suffix}.csv", d / f"leaderboard{suffix}.json"


def load_leaderboard(problem: Any, lite: bool) -> Any:
    """The stored pseudo-leaderboard (official problems: the human standings), or None (with a
    warning) when it has not been built. The result has ``rank(result) -> (result, rank, perf)``."""
    if hasattr(problem, "boards"):
        return problem.boards[lite]
    board_path, perf_path, meta_path = _paths(problem, lite)
    if not board_path.is_file() or not perf_path.is_file():
        log.warning("no pseudo-leaderboard for %s (lite=%s): rank and performance are unavailable; "
                    "build it with agentzoo.systems.ale_bench.leaderboard.build", problem.id, lite)
        return None
    names, totals, cases = [], [], []
    with board_path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            names.append(row["entrant"])
            totals.append(int(row["total"]))
            cases.append([int(row[k]) for k in row if k.startswith("private_")])
    with perf_path.open(newline="") as fh:
        perf = [(int(r["rank"]), int(r["performance"])) for r in csv.DictReader(fh)]
    meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    return Leaderboard(problem, names, totals, cases, RankPerformanceMap(perf), meta)


def build(problem: Problem, lite: bool = True, num_workers: int = 1, tle_clock: str = "cpu") -> Leaderboard:
    """Judge every entrant on the private seeds and write the pseudo-leaderboard files."""
    seeds = problem.private_seeds(lite)
    cases: list[tuple[int | None, str | None]] = [(s, problem.generate(s)) for s in seeds]
    names, languages, budgets, totals, per_case = [], [], [], [], []
    for entrant in track(entrants(problem), f"pseudo-leaderboard {problem.id}"):
        judge = Judge(problem, num_workers=num_workers, tle_clock=tle_clock, iter_budget=entrant.budget,
                      keep_io=False)
        code = problem.solution(entrant.file).read_text()
        if entrant.seed is not None:
            judge.extra_env = {"AGENTZOO_SEED": str(entrant.seed)}
        result = judge.evaluate(code, entrant.language, cases)
        if result.overall_judge_result is not Verdict.ACCEPTED:
            log.warning("%s %s: %s", problem.id, entrant.name, result.verdict_counts)
        names.append(entrant.name)
        languages.append(entrant.language)
        budgets.append(entrant.budget or 0)
        totals.append(result.overall_absolute_score if problem.maximize else result.total_cost)
        per_case.append(result.case_scores())
        log.info("%s %-22s total %s", problem.id, entrant.name, totals[-1])
    board_path, perf_path, meta_path = _paths(problem, lite)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["entrant", "language", "budget", "total", *[f"private_{i}" for i in range(len(seeds))]])
    for row in zip(names, languages, budgets, totals, per_case):
        writer.writerow([*row[:4], *row[4]])
    atomic_write_text(board_path, buf.getvalue())
    if problem.relative_score_type:
        rel = RelativeResults([list(c) for c in zip(*per_case)], RelativeScoreType(problem.relative_score_type),
                              int(problem.relative_max_score or 0))
        n_ranked = len([t for t in _relative_totals(rel) if t > 0])
    elif problem.maximize:
        n_ranked = len([t for t in totals if t > 0])
    else:
        n_ranked = len(totals)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["rank", "performance"])
    writer.writerows(performance_table(n_ranked))
    atomic_write_text(perf_path, buf.getvalue())
    meta = {"label": "pseudo-leaderboard (reference solutions, not humans)", "lite": lite,
            "seeds": [seeds[0], seeds[-1]], "speed_factor": speed_factor(), "tle_clock": tle_clock,
            "iter_budget_ref": int(problem.extra.get("iter_budget_ref", 1_000_000)),
            "entrants": len(names)}
    atomic_write_text(meta_path, json.dumps(meta, indent=2) + "\n")
    board = load_leaderboard(problem, lite)
    assert board is not None
    return board

