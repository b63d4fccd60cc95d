"""Known answers of the delay model: single link, CoMP worst-user rate, cloud miss, outage."""

from __future__ import annotations

import math

import numpy as np
import pytest

from agentzoo.systems.edge_caching.delivery import Radio, deliver

B_HZ = 20e6


def radio(K: int, **kw: float) -> Radio:
    return Radio(B_HZ, np.ones(K), cloud_bps=2e8, cloud_latency_s=0.02, backhaul_bps=1e9, **kw)


def chan(rows: list[list[complex]]) -> np.ndarray:
    """Per-user, per-EN single-antenna channels -> shape (U, K, 1)."""
    return np.asarray(rows, dtype=complex)[:, :, None]


def test_single_link_delay_is_size_over_shannon_rate() -> None:
    h = chan([[0.7 - 2.1j]])
    s_b = 5e6
    out = deliver(np.array([s_b]), np.array([[True]]), np.array([[True]]), h, h, radio(1))
    expected = 8 * s_b / (B_HZ * math.log2(1 + 1.0 * abs(h[0, 0, 0]) ** 2))  # P|h|²/σ², σ² = 1
    assert out.delay[0] == pytest.approx(expected, rel=1e-12)
    assert out.outages == 0


def test_second_user_makes_rate_follow_the_weaker_one() -> None:
    h = chan([[3.0], [1.5]])
    out = deliver(np.array([1e6]), np.array([[True, True]]), np.array([[True]]), h, h, radio(1))
    expected = 8e6 / (B_HZ * math.log2(1 + 1.5**2))
    assert out.delay == pytest.approx([expected, expected], rel=1e-12)


def test_two_nodes_three_users_by_hand() -> None:
    # EN0, EN1 with one antenna each, P = 1 W. PB a (1 MB) for users 0, 1 cached at both ENs;
    # PB b (2 MB) for user 2 cached at EN1 only. Real positive channels, so MRT is w = [1, 1]
    # for a and w = [0, 1] for b.
    h = chan([[3.0, 1.0], [2.0, 1.0], [1.0, 4.0]])
    sizes = np.array([1e6, 2e6])
    groups = np.array([[True, True, False], [False, False, True]])
    holders = np.array([[True, True], [False, True]])
    out = deliver(sizes, groups, holders, h, h, radio(2))
    snr_a = min((3 + 1) ** 2, (2 + 1) ** 2)  # CoMP: coherent sum, worst user of G_a -> 9
    t_a = 8e6 / (B_HZ * math.log2(1 + snr_a))  # 0.120412 s
    t_b = 16e6 / (B_HZ * math.log2(1 + 4.0**2))  # 0.195728 s, after a (|G_a| = 2 > |G_b| = 1)
    assert out.delay == pytest.approx([t_a, t_a, t_a + t_b], rel=1e-9)
    assert out.delay == pytest.approx([0.120412, 0.120412, 0.316140], abs=1e-5)
    assert out.airtime[0] == pytest.approx(t_a) and out.airtime[1] == pytest.approx(t_b)


def test_cloud_miss_with_nothing_overlapping_adds_exactly_the_fetch_time() -> None:
    h = chan([[2.0]])
    s_b = 3e6
    cached = deliver(np.array([s_b]), np.array([[True]]), np.array([[True]]), h, h, radio(1))
    missed = deliver(np.array([s_b]), np.array([[True]]), np.array([[False]]), h, h, radio(1))
    fetch = 0.02 + 8 * s_b / 2e8
    assert missed.delay[0] - cached.delay[0] == pytest.approx(fetch, rel=1e-12)
    assert missed.cloud_misses == 1


def test_outage_user_gets_a_unicast_retransmission() -> None:
    h_hat = chan([[2.0], [3.0]])
    h = chan([[1.0], [3.0]])  # user 0's true channel is weaker than estimated
    out = deliver(np.array([1e6]), np.array([[True, True]]), np.array([[True]]), h_hat, h, radio(1))
    t_bc = 8e6 / (B_HZ * math.log2(1 + 4.0))
    assert out.outages == 1
    assert out.delay[1] == pytest.approx(t_bc)
    assert out.delay[0] == pytest.approx(t_bc + 8e6 / (B_HZ * math.log2(1 + 1.0)))


def test_schedule_orders_by_group_size_then_size() -> None:
    h = chan([[1.0], [1.0]])
    sizes = np.array([4e6, 1e6, 2e6])
    groups = np.array([[True, False], [True, True], [False, True]])
    out = deliver(sizes, groups, np.ones((3, 1), bool), h, h, radio(1))
    t = {b: 8 * sizes[b] / (B_HZ * math.log2(2.0)) for b in range(3)}
    # order: PB1 (|G| = 2), then PB2 (2 MB) before PB0 (4 MB)
    assert out.delay == pytest.approx([t[1] + t[2] + t[0], t[1] + t[2]])


def test_no_requests_gives_nan_delays() -> None:
    h = chan([[1.0]])
    out = deliver(np.array([1e6]), np.array([[False]]), np.array([[True]]), h, h, radio(1))
    assert np.isnan(out.delay).all()
