"""run() end to end on a tiny configuration (seconds), records, figures and divergence handling."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.runs import Result
from agentzoo.systems.rdirl import Config, figures, run
from agentzoo.systems.rdirl.experts import DemoFileError
from agentzoo.systems.rdirl.recursive import RDIRL

TINY = {"total_env_steps": 256, "eval_every": 128, "eval_episodes": 1, "n_demo_episodes": 2,
        "mppi_samples": 16, "mppi_iters": 1, "pursuit_epochs": 1, "pursuit_steps": 20,
        "gridworld_size": 3, "gridworld_horizon": 4, "gridworld_demos": 10}


@pytest.fixture(scope="module")
def tiny_result():
    config = Config(envs=("Pendulum-v1", "pursuit", "gridworld"), sampler="mppi",
                    methods=("rdirl", "first_order", "gcl", "airl", "maxent"), **TINY)
    return run(config)


def test_tiny_run_reports_the_issue_metrics(tiny_result, tmp_path):
    m = tiny_result.metrics
    for method in ("rdirl", "first_order"):
        assert np.isfinite(m[f"{method}_final_normalised_return"])
        assert m[f"{method}_steps_to_0.9"] > 0
    assert -1 <= m["Pendulum-v1/rdirl_cost_correlation"] <= 1
    assert -1 <= m["pursuit/rdirl_cost_correlation"] <= 1
    assert "gridworld/maxent_cost_correlation" in m
    assert "Pendulum-v1/gcl_final_normalised_return" not in m  # gcl needs a sampler density
    assert m["Pendulum-v1/rdirl_n_indefinite_steps"] == 0
    saved = Result.load(tiny_result.save(tmp_path / "run"))
    assert set(saved.records["method"]) >= {"rdirl", "first_order"}
    names = [name for name, _ in figures([saved, saved])]
    assert "rdirl_curve_Pendulum-v1" in names and "rdirl_cost_Pendulum-v1" in names


def test_ppo_sampler_with_every_method_on_cartpole():
    config = Config(envs=("CartPole-v1",), **{**TINY, "total_env_steps": 512, "eval_every": 512})
    result = run(config)
    for method in ("rdirl", "first_order", "gcl", "airl"):
        assert f"{method}_final_normalised_return" in result.metrics
        assert f"{method}_steps_to_0.9" in result.metrics
    assert result.metrics["CartPole-v1/rdirl_n_updates"] >= 512
    assert result.metrics["CartPole-v1/airl_n_updates"] > 0


def test_nan_stops_only_that_method(monkeypatch):
    original = RDIRL.observe

    def poisoned(self, s_expert, s_learner):
        original(self, s_expert, s_learner)
        if self.n_updates == 100:
            self.filter.theta[0] = np.nan

    monkeypatch.setattr(RDIRL, "observe", poisoned)
    config = Config(envs=("Pendulum-v1",), sampler="mppi", methods=("rdirl", "first_order"), **TINY)
    m = run(config).metrics
    assert m["Pendulum-v1/rdirl_diverged_at_step"] == 100
    assert "Pendulum-v1/first_order_final_normalised_return" in m
    assert "Pendulum-v1/first_order_diverged_at_step" not in m


def test_bad_demo_file_fails_before_training(tmp_path):
    (tmp_path / "Pendulum-v1.npz").write_bytes(b"garbage")
    with pytest.raises(DemoFileError, match=r"Pendulum-v1\.npz"):
        run(Config(envs=("Pendulum-v1",), sampler="mppi", demo_dir=tmp_path, **TINY))
