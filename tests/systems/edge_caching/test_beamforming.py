"""Beamforming: SDR between MRT and its bound, per-EN power, robust outage, fallback, ZF."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.systems.edge_caching import beamforming as bf
from agentzoo.systems.edge_caching.delivery import Radio, deliver

pytest.importorskip("cvxpy")


def channels(gen: np.random.Generator, G: int, K: int, nt: int) -> np.ndarray:
    scale = gen.uniform(5, 40, size=(G, K, 1))
    return scale * (gen.standard_normal((G, K, nt)) + 1j * gen.standard_normal((G, K, nt))) / np.sqrt(2)


def check_sdr(n: int, seed: int) -> None:
    gen = np.random.default_rng(seed)
    for _ in range(n):
        K, nt, G = int(gen.integers(1, 4)), int(gen.integers(1, 3)), int(gen.integers(1, 5))
        h = channels(gen, G, K, nt)
        S = gen.uniform(size=K) < 0.7
        S[gen.integers(K)] = True
        P = gen.uniform(0.5, 2.0, size=K)
        mrt = bf.mrt(h, S, P)
        sdr = bf.sdr(h, S, P, gen)
        assert not sdr.fallback
        assert sdr.snr_rate >= mrt.snr_rate * (1 - 1e-9)  # MRT is among the candidates
        assert sdr.snr_rate <= sdr.bound * (1 + 1e-5)  # the relaxation bounds any beamformer
        power = (np.abs(sdr.w) ** 2).sum(axis=1)
        assert (power <= P + 1e-6).all() and (power[~S] == 0).all()
        assert sdr.snr_rate == pytest.approx(bf.snr(h, sdr.w).min())


def test_sdr_between_mrt_and_bound_and_per_en_power() -> None:
    check_sdr(6, 0)


@pytest.mark.slow
def test_sdr_on_100_random_channels() -> None:
    check_sdr(100, 1)


def test_robust_rank_one_has_no_outage_on_the_error_ball() -> None:
    gen = np.random.default_rng(3)
    eps = 0.1
    checked = 0
    for _ in range(4):
        if checked:
            break
        h = channels(gen, 3, 2, 2)
        S = np.array([True, True])
        P = np.ones(2)
        beam = bf.robust(h, S, P, eps)
        assert ((np.abs(beam.w) ** 2).sum(axis=1) <= P + 1e-6).all()
        if not beam.rank_one:
            continue
        checked += 1
        for u in range(3):
            z = gen.standard_normal((1000, 2, 2)) + 1j * gen.standard_normal((1000, 2, 2))
            z *= eps * np.linalg.norm(h[u]) / np.linalg.norm(z, axis=(1, 2), keepdims=True)
            true = h[u][None] + z  # on the boundary ‖e_u‖ = ε‖ĥ_u‖
            assert (bf.snr(true, beam.w) >= beam.snr_rate * (1 - 1e-9)).all()
        assert beam.snr_rate <= beam.bound * (1 + 1e-5)
    assert checked >= 1


def test_solver_failure_falls_back_to_mrt_and_is_counted(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise bf._SolverFailure("boom")

    monkeypatch.setattr(bf, "_solve_sdp", broken)
    gen = np.random.default_rng(0)
    h = channels(gen, 2, 2, 2)
    beam = bf.sdr(h, np.array([True, True]), np.ones(2), gen)
    assert beam.fallback
    assert np.allclose(beam.w, bf.mrt(h, np.array([True, True]), np.ones(2)).w)
    radio = Radio(20e6, np.ones(2), 2e8, 0.02, 1e9)
    out = deliver(np.array([1e6, 2e6]), np.array([[True, True], [True, False]]),
                  np.ones((2, 2), bool), h, h, radio, beamformer="sdr", rng=gen)
    assert out.bf_fallbacks == 2


def test_zf_nulls_intra_cell_interference_on_the_estimate() -> None:
    gen = np.random.default_rng(1)
    h = (gen.standard_normal((2, 3)) + 1j * gen.standard_normal((2, 3))) * 10
    W = bf.zf_beams(h, 2.0)
    A = np.abs(h.conj() @ W) ** 2
    assert A[0, 1] == pytest.approx(0, abs=1e-9) and A[1, 0] == pytest.approx(0, abs=1e-9)
    assert (np.linalg.norm(W, axis=0) ** 2) == pytest.approx([1.0, 1.0])
