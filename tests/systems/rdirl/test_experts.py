"""Experts reach their thresholds; demo files round-trip and malformed ones fail clearly."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.systems.rdirl.envs import ENV_SPECS
from agentzoo.systems.rdirl.experts import (
    ANALYTIC_EXPERTS,
    DemoFileError,
    collect_demos,
    evaluate,
    load_demos,
    save_demos,
)


@pytest.mark.parametrize("env_id", sorted(ANALYTIC_EXPERTS))
def test_analytic_expert_meets_its_threshold(env_id):
    returns = evaluate(env_id, ANALYTIC_EXPERTS[env_id](), 20, seed=10_000)
    assert returns.mean() >= ENV_SPECS[env_id].threshold
    assert evaluate(env_id, None, 5, seed=0).mean() < ENV_SPECS[env_id].threshold  # random does not


def test_demos_reach_the_threshold_and_round_trip(tmp_path):
    demos = collect_demos("CartPole-v1", ANALYTIC_EXPERTS["CartPole-v1"](), 2, seed=0)
    assert demos.obs.shape == (2, 501, 4) and demos.actions.shape == (2, 500)
    assert demos.returns.mean() >= ENV_SPECS["CartPole-v1"].threshold
    path = tmp_path / "CartPole-v1.npz"
    path.write_bytes(save_demos(demos))
    again = load_demos(path, "CartPole-v1")
    np.testing.assert_array_equal(again.obs, demos.obs)
    np.testing.assert_array_equal(again.actions, demos.actions)


@pytest.fixture
def demo_arrays():
    demos = collect_demos("Pendulum-v1", ANALYTIC_EXPERTS["Pendulum-v1"](), 1, seed=0)
    return {"env_id": np.array("Pendulum-v1"), "obs": demos.obs, "actions": demos.actions,
            "absorbing": demos.absorbing, "returns": demos.returns}


@pytest.mark.parametrize(("change", "message"), [
    (lambda a: a.pop("obs"), "lacks the arrays"),
    (lambda a: a.update(obs=a["obs"][..., :2]), "obs must have shape"),
    (lambda a: a.update(actions=a["actions"][:, :-3]), "actions have shape"),
    (lambda a: a["obs"].__setitem__((0, 3, 1), np.nan), "NaN"),
    (lambda a: a.update(env_id=np.array("CartPole-v1")), "holds CartPole-v1 demos"),
    (lambda a: a.update(returns=np.zeros(4)), "returns"),
])
def test_malformed_demo_files_give_clear_errors(tmp_path, demo_arrays, change, message):
    change(demo_arrays)
    path = tmp_path / "demos.npz"
    np.savez(path, **demo_arrays)
    with pytest.raises(DemoFileError, match=message):
        load_demos(path, "Pendulum-v1")


def test_unreadable_or_missing_demo_file(tmp_path):
    with pytest.raises(DemoFileError, match="does not exist"):
        load_demos(tmp_path / "nope.npz", "Pendulum-v1")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"this is not a zip archive")
    with pytest.raises(DemoFileError, match="not a readable"):
        load_demos(bad, "Pendulum-v1")
