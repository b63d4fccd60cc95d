"""Rank, performance and rating: the exact formulas of ALE-Bench (SakanaAI/ALE-Bench ``data.py``).

Ported rule for rule, including the rounding quirks the spec warns about:

* :class:`RankPerformanceMap` — (rank, performance) rows → keys ``(r_i + r_{i+1} − 1)/2``,
  linear interpolation rounded with Python's ``round`` (banker's), extrapolation above the top.
* :class:`Standings` — absolute rank by score groups (ties averaged for the performance rank),
  or, with :class:`RelativeResults`, every entrant's relative total recomputed with the new entry.
* :class:`RelativeResults` — per-case ``max``/``min`` (integer floor plus round-half-up) and
  ``rank_max``/``rank_min`` relative scores.
* :func:`rating` — AHC rating v2 (S = 724.4744301, R = 0.8271973364) with the time decay.
* :func:`cost_rank` — agentzoo's own rule for minimise problems without relative scoring
  (total cost ascending), which official data never uses.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class RelativeScoreType(StrEnum):
    MIN = "min"
    MAX = "max"
    RANK_MIN = "rank_min"
    RANK_MAX = "rank_max"


# ----------------------------------------------------------------------------- performance
@dataclass
class RankPerformanceMap:
    """The standings' rank → performance map (``performance.csv``)."""

    raw_data: list[tuple[int, int]]
    """(rank, performance) rows, ranks ascending, performances descending."""
    data: dict[float, int] = field(init=False, default_factory=dict)
    """key rank → performance: ``(r_i + r_{i+1} − 1) / 2`` for each step, the last rank as is."""

    def __post_init__(self) -> None:
        rows = [(int(r), int(p)) for r, p in self.raw_data]
        if len(rows) <= 1:
            raise ValueError("performance table needs at least 2 rows")
        for (r0, p0), (r1, p1) in itertools.pairwise(rows):
            if r0 > r1:
                raise ValueError("performance table: ranks must be ascending")
            if p0 < p1:
                raise ValueError("performance table: performances must be descending")
        self.raw_data = rows
        for (rank, perf), (next_rank, next_perf) in itertools.pairwise(rows):
            if rank == next_rank:
                if perf != next_perf:
                    raise ValueError(f"performance table: rank {rank} has two performances")
                continue  # a tie: the next distinct rank carries it
            self.data[float((rank + next_rank - 1) / 2)] = perf
        self.data[float(rows[-1][0])] = rows[-1][1]  # the last (score 0) row

    def performance(self, rank: float) -> int:
        """Performance at ``rank``; linear interpolation between neighbouring keys (authors' rule)."""
        rank = float(rank)
        if rank in self.data:
            return self.data[rank]
        keys = sorted(self.data)
        win = bisect.bisect_right(keys, rank)  # first key strictly greater than rank
        if win == len(keys):
            raise ValueError(f"rank {rank} is beyond the last rank {keys[-1]} of the performance table")
        if win == 0:
            win = 1  # above the top: extrapolate from the first two keys
        rank_high, rank_low = keys[win - 1], keys[win]
        perf_high, perf_low = self.data[rank_high], self.data[rank_low]
        return round(perf_high - (perf_high - perf_low) * (rank - rank_high) / (rank_low - rank_high))


# ----------------------------------------------------------------------------- relative scores
@dataclass
class RelativeResults:
    """Every entrant's absolute score on every private case (``relative_results.csv``)."""

    absolute_scores: list[list[int]]
    """One list per case, one score per entrant (−1: the entrant's case was rejected)."""
    relative_score_type: RelativeScoreType
    relative_max_score: int
    """M, the relative score of the best entry of a case."""

    def __post_init__(self) -> None:
        self.relative_score_type = RelativeScoreType(self.relative_score_type)
        if not self.absolute_scores or not self.absolute_scores[0]:
            raise ValueError("relative results need at least one case and one entrant")
        width = len(self.absolute_scores[0])
        if any(len(case) != width for case in self.absolute_scores):
            raise ValueError("relative results: every case needs a score for every entrant")

    def _relative(self, user_score: int, accepted: list[int], n_submit: int) -> int:
        M, kind = self.relative_max_score, self.relative_score_type
        if user_score < 0:
            return 0
        if kind is RelativeScoreType.MAX:
            best = accepted[-1]
            value = M * user_score // best
            if M * user_score % best * 2 >= best:  # round half up
                value += 1
            return value
        if kind is RelativeScoreType.MIN:
            if user_score == 0:
                raise ValueError("a zero absolute score is not allowed with relative type 'min'")
            best = accepted[0]
            value = M * best // user_score
            if M * best % user_score * 2 >= user_score:
                value += 1
            return value
        n_lose, n_tie = 0, -1  # the entry itself is not a tie
        for other in accepted:
            if other == user_score:
                n_tie += 1
            elif (kind is RelativeScoreType.RANK_MAX and user_score < other) or (kind is RelativeScoreType.RANK_MIN and user_score > other):
                n_lose += 1
        return round(M * (1.0 - (n_lose + n_tie / 2) / n_submit))

    def recalculate(self, new_scores: Sequence[int]) -> tuple[int, list[int], list[int]]:
        """Add an entry: (its relative total, its per-case relative scores, every entrant's
        relative total with the entry included, descending)."""
        if len(new_scores) != len(self.absolute_scores):
            raise ValueError(
                f"{len(new_scores)} new scores for {len(self.absolute_scores)} private cases"
            )
        per_case: list[int] = []
        totals = [0] * len(self.absolute_scores[0])
        for new, existing in zip(new_scores, self.absolute_scores):
            if new == 0 and self.relative_score_type is RelativeScoreType.MIN:
                raise ValueError("a zero absolute score is not allowed with relative type 'min'")
            case = [*existing, -1 if new < 0 else int(new)]
            accepted = sorted(s for s in case if s >= 0)
            for i, score in enumerate(case):
                value = self._relative(score, accepted, len(case))
                if i == len(existing):
                    per_case.append(value)
                else:
                    totals[i] += value
        total = sum(per_case)
        return total, per_case, sorted([*totals, total], reverse=True)


# ----------------------------------------------------------------------------- standings
@dataclass
class Standings:
    """A contest's final standings: (rank, score) rows, scores descending, last row score 0."""

    standings_scores: list[tuple[int, int]]
    relative_results: RelativeResults | None = None
    score_rank_list: list[tuple[int, int, int]] = field(init=False, default_factory=list)
    """(score, first rank, last rank) per score group."""

    def __post_init__(self) -> None:
        rows = [(int(r), int(s)) for r, s in self.standings_scores]
        if not rows:
            raise ValueError("standings cannot be empty")
        for (r0, s0), (r1, s1) in itertools.pairwise(rows):
            if r0 > r1:
                raise ValueError("standings: ranks must be ascending")
            if s0 < s1:
                raise ValueError("standings: scores must be descending")
            if s0 <= 0:
                raise ValueError("standings: only the last row may have score 0")
        if rows[-1][1] != 0:
            raise ValueError("standings: the last row must have score 0")
        self.standings_scores = rows
        start = rows[0][0]
        for (_, score), (next_rank, next_score) in itertools.pairwise(rows):
            if score == next_score:
                continue
            self.score_rank_list.append((score, start, next_rank - 1))
            start = next_rank
        self.score_rank_list.append((rows[-1][1], rows[-1][0], rows[-1][0]))

    def absolute_rank(self, score: int) -> tuple[int, float]:
        """(rank, performance rank) of a new total ``score``: ties take the group's first rank
        and the mean of its ranks for the performance."""
        if score == 0:
            last = self.score_rank_list[-1][1]
            return last, float(last)
        for group_score, first, last in self.score_rank_list:
            if score > group_score:
                return first, float(first)
            if score == group_score:
                return first, float((first + last) / 2)
        raise ValueError(f"negative total score {score} cannot be ranked")

    def relative_rank(self, case_scores: Sequence[int]) -> tuple[int, float, list[int]]:
        """(rank, performance rank, per-case relative scores) of a new entry whose per-case
        absolute scores are ``case_scores`` (−1 for a rejected case)."""
        if self.relative_results is None:
            raise ValueError("these standings have no relative results")
        total, per_case, totals = self.relative_results.recalculate(case_scores)
        if total == 0:
            last = self.score_rank_list[-1][1]
            return last, float(last), per_case
        rank, half_ties = 1, 0.0
        for other in totals:
            if total > other:
                break
            if total == other:
                half_ties += 0.5
            else:
                rank += 1
        # 0.5 for the entry itself and 0.5 for the human it ties with (authors' comment)
        return rank, float(rank) + max(half_ties - 1.0, 0.0), per_case


def cost_rank(total_cost: int, costs: Sequence[int]) -> tuple[int, float]:
    """Rank a total cost among entrants' ``costs`` (lower is better; agentzoo's minimise rule).

    rank = 1 + #(costs < total); performance rank = rank + (#ties − 1)/2 where the ties
    include the new entry, matching :meth:`Standings.absolute_rank` on a tied group.
    """
    better = sum(1 for c in costs if c < total_cost)
    ties = sum(1 for c in costs if c == total_cost) + 1
    rank = better + 1
    return rank, float(rank) + max(0.5 * ties - 1.0, 0.0)


# ----------------------------------------------------------------------------- rating
RATING_S = 724.4744301
RATING_R = 0.8271973364
TOKYO = dt.timezone(dt.timedelta(hours=9))


@dataclass(frozen=True)
class Contest:
    """A contest of the schedule (``schedule.csv``)."""

    end_at: dt.datetime
    weight: float = 1.0


def rating(performances: Mapping[str, int], schedule: Mapping[str, Contest], final_contest: str) -> int:
    """AHC rating v2 after ``final_contest`` from per-contest performances (authors' RatingCalculator)."""
    if not performances:
        raise ValueError("rating needs at least one performance")
    for pid in [*performances, final_contest]:
        if pid not in schedule:
            raise ValueError(f"contest {pid!r} is not in the schedule")
    last_end = schedule[final_contest].end_at.astimezone(TOKYO).date()
    values: list[tuple[float, float]] = []
    for pid, performance in performances.items():
        contest = schedule[pid]
        end = contest.end_at.astimezone(TOKYO).date()
        if end > last_end:
            continue  # only contests up to the final one
        decayed = performance + 150 - 100 * (last_end - end).days / 365  # P'_i
        for j in range(1, 101):
            values.append((decayed - RATING_S * math.log(j), contest.weight))
    values.sort(key=lambda v: v[0], reverse=True)
    total_weight, value = 0.0, 0.0
    for q, w in values:  # rating = Σ_k Q_k (R^{W_{k-1}} − R^{W_k})
        value += q * (math.pow(RATING_R, total_weight) - math.pow(RATING_R, total_weight + w))
        total_weight += w
    if value < 400:
        value = 400 / math.exp((400 - value) / 400)
    return round(value)


def rank_percentile(rank: int, n_users: int, method: str = "weibull") -> float:
    """A user-ranking percentile: ``weibull`` 100·rank/(N+2), ``original`` 100·rank/N, ``hazen``
    100·(rank − 0.5)/(N+1)."""
    if not 1 <= rank <= n_users + 1:
        raise ValueError(f"rank must be in 1..{n_users + 1}, got {rank}")
    if method == "original":
        return 100.0 if rank == n_users + 1 else 100.0 * rank / n_users
    if method == "hazen":
        return 100.0 * (rank - 0.5) / (n_users + 1)
    if method == "weibull":
        return 100.0 * rank / (n_users + 2)
    raise ValueError(f"unknown percentile method {method!r}; allowed: original, hazen, weibull")
