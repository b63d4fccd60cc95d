"""Wrappers, the Pendulum model, MPPI, the pursuit scenario and the config checks."""

from __future__ import annotations

import builtins

import numpy as np
import pytest

from agentzoo.config import ConfigError
from agentzoo.systems.rdirl import Config
from agentzoo.systems.rdirl.envs import (
    AbsorbingFixedHorizon,
    LearnedRewardWrapper,
    make_env,
    require_rl,
)
from agentzoo.systems.rdirl.mppi import MPPI, pendulum_dynamics, pendulum_obs, pendulum_state
from agentzoo.systems.rdirl.pursuit import Pursuit, PursuitSettings, episode, trajectory_cost


def test_absorbing_wrapper_pads_to_the_horizon_with_the_terminal_state():
    env = AbsorbingFixedHorizon(make_env("CartPole-v1"), 60)
    env.reset(seed=0)
    flags, last = [], None
    for t in range(60):
        obs, _reward, terminated, truncated, info = env.step(0)  # always push left: falls quickly
        flags.append(info["absorbing"])
        assert not terminated and truncated == (t == 59)
        if info["absorbing"]:
            np.testing.assert_array_equal(obs, last)
            assert info["true_reward"] == 0.0
        last = obs
    assert any(flags) and not flags[0]


def test_learned_reward_wrapper_returns_minus_cost_and_keeps_the_true_reward():
    env = LearnedRewardWrapper(make_env("Pendulum-v1"), lambda s: -(s[:, 2] ** 2))
    env.reset(seed=1)
    obs, reward, *_, info = env.step(np.array([0.5], dtype=np.float32))
    assert reward == pytest.approx(-(float(obs[2]) ** 2))
    assert info["true_reward"] < 0


def test_missing_extra_names_agentzoo_rl(monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "stable_baselines3":
            raise ImportError("no module", name="stable_baselines3")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"agentzoo\[rl\]"):
        require_rl()


def test_pendulum_model_matches_gymnasium():
    env = make_env("Pendulum-v1")
    obs, _ = env.reset(seed=3)
    x = pendulum_state(obs)
    for u in np.linspace(-2, 2, 15):
        obs, *_ = env.step(np.array([u], dtype=np.float32))
        x = pendulum_dynamics(x[None], np.array([[u]]))[0]
        np.testing.assert_allclose(pendulum_obs(x)[0], obs, atol=1e-5)


def test_mppi_drives_an_integrator_to_the_origin():
    def dynamics(x, u, t):
        return x + 0.1 * u

    def cost(X, U, t0):
        return (X**2).sum(axis=-1)

    planner = MPPI(dynamics, cost, du=1, u_max=1.0, horizon=10, samples=64, iters=3, sigma=0.5)
    rng = np.random.default_rng(0)
    x = np.array([2.0])
    for t in range(40):
        x = dynamics(x[None], planner.act(x, t, rng)[None], t)[0]
    assert abs(x[0]) < 0.2


def test_pursuit_fisher_information_closed_form():
    world = Pursuit()
    s = np.array([[3.0, -4.0, 0.6, 0.2, 1.0, 0.0]])
    d = -s[0, :2]
    r = np.linalg.norm(d)
    u, u_perp = d / r, np.array([-d[1], d[0]]) / r
    v = s[0, 2:4]
    sin2 = (v[0] * d[1] - v[1] * d[0]) ** 2 / (v @ v * r**2)
    sigma_r = world.sigma_r0 * (r / world.r0) ** 2
    sigma_b = world.sigma_b0 * (1 + world.kappa * sin2)
    J = np.outer(u, u) / sigma_r**2 + np.outer(u_perp, u_perp) / (sigma_b * r) ** 2
    assert world.log_det_J(s)[0] == pytest.approx(np.log(np.linalg.det(J)), rel=1e-9)


def test_mppi_adversary_beats_a_random_policy_by_half():
    world, rng = Pursuit(), np.random.default_rng(0)
    settings = PursuitSettings(samples=64, iters=3)
    x0, phase = world.start(rng)
    xs, us = episode(world, settings, x0, phase, world.cost, rng, 100)
    xr, ur = episode(world, settings, x0, phase, None, rng, 100)
    c_adv, c_rand = trajectory_cost(world, xs, us, phase), trajectory_cost(world, xr, ur, phase)
    assert 0 <= c_adv <= 0.5 * c_rand  # excess costs over inf c*, both >= 0


def test_config_errors_name_the_field():
    with pytest.raises(ConfigError, match="envs"):
        Config(envs=("Nope-v0",))
    with pytest.raises(ConfigError, match="methods"):
        Config(methods=("gail",))
    with pytest.raises(ConfigError, match="p0"):
        Config(p0=0.0)
    with pytest.raises(ConfigError, match="block"):
        Config(cost_hidden=(64, 64)).check_size(4545)
    Config(cost_hidden=(64, 64), cov_structure="block").check_size(4545)


def test_budget_precedence():
    assert Config(budgets=("Pendulum-v1=123",), total_env_steps=7).budget("Pendulum-v1", 50_000) == 123
    assert Config(budgets=("Pendulum-v1=123",), total_env_steps=7).budget("CartPole-v1", 50_000) == 7
    assert Config(budget_scale=0.1).budget("Pendulum-v1", 50_000) == 5000
    with pytest.raises(ConfigError, match="budgets"):
        Config(budgets=("Pendulum-v1=lots",))
