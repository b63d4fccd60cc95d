"""The rank/performance/rating formulas against ALE-Bench's published test vectors (spec §1)."""

from __future__ import annotations

import datetime as dt

import pytest

from agentzoo.systems.ale_bench.scoring import (
    Contest,
    RankPerformanceMap,
    RelativeResults,
    Standings,
    cost_rank,
    rank_percentile,
    rating,
)


def test_performance_two_steps() -> None:
    m = RankPerformanceMap([(1, 3200), (2, 2800), (3, 200)])
    assert m.performance(1.5) == 3000
    assert m.performance(2.5) == 1500


def test_performance_long_gap_extrapolates_and_errors() -> None:
    m = RankPerformanceMap([(1, 3200), (99, 2800), (100, 200)])
    assert m.performance(1) == 3592
    assert m.performance(49.5) == 3200
    assert m.performance(99.5) == 1500
    with pytest.raises(ValueError, match="beyond"):
        m.performance(101)


def test_performance_ties_and_more_vectors() -> None:
    m = RankPerformanceMap([(1, 3000), (3, 2400), (4, 200)])
    assert m.performance(1) == 3200
    assert m.performance(3.5) == 1300
    m = RankPerformanceMap([(1, 3200), (2, 2800), (4, 2400), (8, 2000), (16, 200)])
    assert m.performance(1.5) == 3067
    assert m.performance(6) == 2367
    assert m.performance(12) == 1800
    keys = RankPerformanceMap([(1, 3200), (2, 2800), (4, 2000), (8, 200)]).data
    assert keys == {1.0: 3200, 2.5: 2800, 5.5: 2000, 8.0: 200}


def test_performance_table_validation() -> None:
    with pytest.raises(ValueError):
        RankPerformanceMap([(1, 100)])
    with pytest.raises(ValueError):
        RankPerformanceMap([(2, 100), (1, 50)])


def test_absolute_rank_vectors() -> None:
    standings = Standings([(i, 10000 - 100 * i) for i in range(1, 101)])
    assert standings.absolute_rank(4134) == (59, 59.0)
    assert standings.absolute_rank(9900) == (1, 1.0)
    standings = Standings([(1, 100), (2, 98), (4, 96), (8, 94), (16, 0)])
    assert standings.absolute_rank(93) == (16, 16.0)
    assert standings.absolute_rank(0) == (16, 16.0)


def test_absolute_rank_tie_group_averages() -> None:
    standings = Standings([(1, 100), (2, 90), (2, 90), (4, 50), (5, 0)])
    assert standings.absolute_rank(90) == (2, 2.5)


def test_standings_validation() -> None:
    with pytest.raises(ValueError, match="score 0"):
        Standings([(1, 100), (2, 50)])
    with pytest.raises(ValueError, match="descending"):
        Standings([(1, 50), (2, 100), (3, 0)])


def test_relative_max_and_min_vectors() -> None:
    rel = RelativeResults([[100, 200, -1, 300, -1], [200, 400, -1, 100, 100]], "max", 1000)
    total, per_case, _ = rel.recalculate([400, 300])
    assert (total, per_case) == (1750, [1000, 750])
    rel = RelativeResults([[100, 200, -1, 300, -1], [200, 400, -1, 100, 500]], "min", 1000)
    total, per_case, _ = rel.recalculate([400, 50])
    assert (total, per_case) == (1250, [250, 1000])


def test_relative_rank_vectors() -> None:
    rel = RelativeResults([[4, 3, 2, 1], [2, 3, 1, 4]], "max", 100)
    standings = Standings([(1, 150), (1, 150), (3, 125), (4, 75), (5, 0)], rel)
    assert standings.relative_rank([3, 3]) == (1, 1.5, [75, 75])
    assert standings.relative_rank([1, 5]) == (3, 3.0, [25, 100])


def test_relative_rank_types_by_hand() -> None:
    # case scores [10, 20] + new 20: rank_max -> n_submit 3; for 20: lose 0, tie 1 -> round(90*(1-0.5/3)) = 75
    rel = RelativeResults([[10, 20]], "rank_max", 90)
    _total, per_case, totals = rel.recalculate([20])
    assert per_case == [75]
    assert totals == [75, 75, 30]  # 10: lose 2 -> round(90/3) = 30
    rel = RelativeResults([[10, 20]], "rank_min", 90)
    # lower is better: 20 loses to 10 (n_lose 1) and ties the other 20 -> round(90 * (1 - 1.5/3)) = 45
    assert rel.recalculate([20])[1] == [45]


def test_rejected_case_scores_zero() -> None:
    rel = RelativeResults([[100, 50]], "max", 1000)
    assert rel.recalculate([-1]) == (0, [0], [1000, 500, 0])


def test_rating_single_contest_vectors() -> None:
    end = dt.datetime(2024, 1, 1, 20, tzinfo=dt.UTC)
    assert rating({"a": 1900}, {"a": Contest(end, 1.0)}, "a") == 1050
    assert rating({"a": 1900}, {"a": Contest(end, 0.5)}, "a") == 634
    assert rating({"a": 100}, {"a": Contest(end, 1.0)}, "a") == 23


def test_rating_multi_contest_and_decay() -> None:
    end = dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)
    schedule = {"a": Contest(end, 1.0), "b": Contest(end, 1.0)}
    assert rating({"a": 2000, "b": 2000}, schedule, "b") == 1518
    schedule = {"old": Contest(end - dt.timedelta(days=365), 1.0), "new": Contest(end, 0.5)}
    assert rating({"old": 1500, "new": 2500}, schedule, "new") == 1371
    with pytest.raises(ValueError, match="not in the schedule"):
        rating({"zzz": 1000}, schedule, "new")


def test_cost_rank() -> None:
    # the existing 5s hold ranks 2..3: like Standings.absolute_rank, the mean 2.5
    assert cost_rank(5, [3, 5, 5, 9]) == (2, 2.5)
    assert cost_rank(1, [3, 5]) == (1, 1.0)
    assert cost_rank(10, [3, 5]) == (3, 3.0)


def test_percentiles() -> None:
    assert rank_percentile(1, 98) == 1.0
    assert rank_percentile(99, 98, "original") == 100.0
    assert rank_percentile(1, 99, "hazen") == 0.5
    with pytest.raises(ValueError):
        rank_percentile(0, 10)


@pytest.mark.parametrize(
    ("raw", "rank", "expected"),
    [
        ([(1, 3200), (2, 200)], 1.5, 1700),
        ([(1, 3200), (2, 2800), (3, 2000), (4, 200)], 3.5, 1100),
        ([(1, 3200), (2, 2800), (4, 2400), (8, 2000), (16, 200)], 2.0, 2933),
        ([(1, 3200), (2, 2800), (4, 2400), (8, 2000), (16, 200)], 8.0, 2233),
        ([(i, 4000 - 40 * i) for i in range(1, 101)], 1.5, 3940),
        ([(i, 4000 - 40 * i) for i in range(1, 101)], 59.0, 1640),
    ],
)
def test_more_authors_performance_vectors(raw: list[tuple[int, int]], rank: float, expected: int) -> None:
    assert RankPerformanceMap(raw).performance(rank) == expected


def test_authors_recomputed_totals() -> None:
    rel = RelativeResults([[100, 200, -1, 300, -1], [200, 400, -1, 100, 100]], "max", 1000)
    assert rel.recalculate([400, 300])[2] == sorted([750, 1500, 0, 1000, 250, 1750], reverse=True)
    rel = RelativeResults([[100, 200, -1, 300, -1], [200, 400, -1, 100, 500]], "min", 1000)
    # entrant 4: case 1 rejected (0), case 2: 1000 * 50 // 500 = 100
    assert rel.recalculate([400, 50])[2] == sorted([1250, 625, 0, 833, 100, 1250], reverse=True)


@pytest.mark.parametrize(
    ("standings", "cases", "new", "expected"),
    [
        ([(1, 144), (2, 138), (3, 131), (4, 125), (5, 0)], [[10, 15, 5, 16], [3, 2, 4, 1]], [20, 1], (1, 2.0, [100, 25])),
        ([(1, 150), (1, 150), (3, 125), (4, 75), (5, 0)], [[4, 3, 2, 1], [2, 3, 1, 4]], [2, 6], (1, 1.0, [50, 100])),
        ([(1, 150), (1, 150), (3, 125), (4, 75), (5, 0)], [[4, 3, 2, 1], [2, 3, 1, 4]], [1, 6], (2, 2.0, [25, 100])),
    ],
)
def test_more_authors_relative_rank_vectors(standings, cases, new, expected) -> None:  # type: ignore[no-untyped-def]
    assert Standings(standings, RelativeResults(cases, "max", 100)).relative_rank(new) == expected


AUTHORS_RATINGS = [
    ({"ahc023": 1711, "ahc026": 1378, "ahc031": 1493, "ahc032": 1546, "ahc035": 1761}, 1407),
    ({"ahc002": 3254, "ahc004": 2119, "ahc028": 2471, "ahc032": 1297, "ahc035": 1446}, 2211),
    ({"ahc001": 1735, "ahc002": 2763, "ahc028": 1870, "ahc042": 2267, "ahc044": 2204}, 1900),
]


@pytest.mark.parametrize(("performances", "expected"), AUTHORS_RATINGS)
def test_authors_multi_contest_ratings_with_the_official_schedule(performances: dict[str, int], expected: int) -> None:
    import os

    from agentzoo.systems.ale_bench.official import OfficialDataError, load_schedule

    try:
        schedule = load_schedule(os.environ.get("ALE_BENCH_DATA") or None)
    except OfficialDataError:
        pytest.skip("needs the official schedule.csv of the user's own ALE-Bench copy ($ALE_BENCH_DATA)")
    assert rating(performances, schedule, "ahc044") == expected
