"""The pseudo-leaderboard: the performance table, standings rows, and ranking against stored boards."""

from __future__ import annotations

import pytest

from agentzoo.systems.ale_bench.judge import CaseResult, Result, Verdict
from agentzoo.systems.ale_bench.leaderboard import (
    _rows,
    entrants,
    load_leaderboard,
    performance_table,
)
from agentzoo.systems.ale_bench.problem import get_problem

from .conftest import PROBLEMS


def fake(scores: list[int], maximize: bool = True, fail_cost: int = 0) -> Result:
    return Result(tuple(CaseResult(Verdict.ACCEPTED, "", s, 0.0, 0) for s in scores), maximize, fail_cost)


def test_performance_table_anchors() -> None:
    table = dict(performance_table(15))  # ranks 1..16, median (1 + 16) / 2 = 8.5
    assert table[1] == 2800 and table[16] == 400
    assert table[8] == round(2800 - 1600 * 7 / 7.5) and table[9] == round(1200 - 800 * 0.5 / 7.5)
    assert all(a >= b for a, b in zip(list(table.values()), list(table.values())[1:]))


def test_standings_rows_share_ranks_and_end_with_zero() -> None:
    assert _rows([5, 3, 3, 1, 0]) == [(1, 5), (2, 3), (2, 3), (4, 1), (5, 0)]


def test_entrants_cover_tiers_languages_and_budgets() -> None:
    names = [e.name for e in entrants(get_problem("stamp_art"))]
    assert len(names) == 15 and "annealing.cpp@100%" in names and "greedy.cpp#seed5" in names


@pytest.mark.parametrize("problem_id", PROBLEMS)
def test_stored_lite_boards_rank_their_own_entrants(problem_id: str) -> None:
    problem = get_problem(problem_id)
    board = load_leaderboard(problem, lite=True)
    assert board is not None and len(board.names) == 15
    assert board.meta["label"].startswith("pseudo")
    rows = board.entrant_rows()
    best = min(rows, key=lambda r: r["rank"])
    worst = max(rows, key=lambda r: r["rank"])
    assert best["performance"] > worst["performance"]
    # an entry equal to the best entrant ties it at rank 1
    i = board.names.index(best["entrant"])
    result = fake([max(s, 0) for s in board.case_scores[i]], problem.maximize, problem.fail_cost)
    _, rank, performance = board.rank(result)
    assert rank == 1 and performance >= 2400
    # the annealing reference beats the trivial one
    perf = {r["entrant"]: r["performance"] for r in rows}
    assert perf["annealing.cpp@100%"] > perf["trivial.cpp"]
