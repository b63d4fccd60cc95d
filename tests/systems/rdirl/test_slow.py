"""Heavier checks (``pytest -m slow``): the quick preset end to end, and learning on CartPole."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.systems.rdirl import Config, run

pytestmark = pytest.mark.slow


def test_quick_preset_writes_the_issue_metrics(tmp_path):
    result = run(Config.quick())
    m = result.metrics
    for method in ("rdirl", "first_order", "gcl", "airl"):
        assert np.isfinite(m[f"{method}_final_normalised_return"])
        assert 0 < m[f"{method}_steps_to_0.9"] <= 10_240
    assert np.isfinite(m["Pendulum-v1/rdirl_cost_correlation"])
    assert np.isfinite(m["pursuit/rdirl_cost_correlation"])
    result.save(tmp_path / "quick")
    assert (tmp_path / "quick" / "metrics.json").exists()


def test_rdirl_learns_pendulum_with_mppi():
    result = run(Config(envs=("Pendulum-v1",), methods=("rdirl",), sampler="mppi",
                        budgets=("Pendulum-v1=2000",), eval_every=1000, eval_episodes=3, mppi_samples=128))
    assert result.metrics["rdirl_final_normalised_return"] >= 0.9
    assert result.metrics["Pendulum-v1/rdirl_cost_correlation"] >= 0.7
