"""Scheduler and alert rule: meetings on every week's first trading day, alerts exactly above the threshold."""

from __future__ import annotations

import pandas as pd

from agentzoo.systems.quantagents.meetings import AlertRule, alert_days, schedule, week_starts
from agentzoo.systems.quantagents.world import trading_days


def test_ten_weeks_with_a_monday_holiday() -> None:
    days = pd.bdate_range("2024-01-08", periods=50)  # ten full Monday-Friday weeks
    holiday = pd.Timestamp("2024-01-15")  # a Monday (Martin Luther King Jr. Day)
    days = days[days != holiday]
    meetings = schedule(days)
    assert [m for _, m in meetings] == ["market_analysis", "strategy_development"] * 10
    assert sum(m == "market_analysis" for _, m in meetings) == 10
    first_days = [days[t] for t, m in meetings if m == "market_analysis"]
    expected = [d for d in pd.bdate_range("2024-01-08", periods=50) if d.day_of_week == 0]
    expected = [pd.Timestamp("2024-01-16") if d == holiday else d for d in expected]
    assert first_days == expected  # the holiday week meets on Tuesday
    assert all(t1 == t2 for (t1, m1), (t2, m2) in zip(meetings[::2], meetings[1::2], strict=True))


def test_exchange_calendar_moves_meetings_to_tuesday() -> None:
    days = trading_days("2024-01-08", 30)
    assert pd.Timestamp("2024-01-15") not in days  # MLK day is a holiday
    starts = [d for d, s in zip(days, week_starts(days), strict=True) if s]
    assert pd.Timestamp("2024-01-16") in starts
    assert all(d.day_of_week == 0 or d - pd.Timedelta(days=1) not in days for d in starts)


def test_alert_days_known_answers() -> None:
    R = [0.70, 0.80, 0.76, 0.74, 0.90]
    assert alert_days(R, 0.75, cooldown=0) == [1, 2, 4]
    assert alert_days(R, 0.75, cooldown=2) == [1, 4]


def test_alert_needs_strictly_above_threshold() -> None:
    rule = AlertRule(0.75, 0)
    assert not rule.check(0, 0.75)
    assert rule.check(1, 0.7500001)
    assert alert_days([0.75] * 5, 0.75, 0) == []
