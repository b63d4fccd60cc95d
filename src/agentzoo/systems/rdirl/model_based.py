"""The model-based sampler: MPPI planning on the current learned cost (authors' IRL_Radar style).

The learner is an MPPI controller over the known Pendulum dynamics that plans with c_theta.
Each of its episodes starts from the initial state of the current demo episode; after every
step the online method updates on (s^E_t, s_t). Evaluation runs the same controller, planning
on the frozen learned cost, in the standard environment from fresh starts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from agentzoo.systems.rdirl.envs import make_env
from agentzoo.systems.rdirl.experts import Demos
from agentzoo.systems.rdirl.learners import TrainOutcome
from agentzoo.systems.rdirl.methods import CostMethod
from agentzoo.systems.rdirl.mppi import (
    MPPI,
    PENDULUM_MAX_TORQUE,
    pendulum_dynamics,
    pendulum_obs,
    pendulum_state,
)
from agentzoo.systems.rdirl.recursive import DivergedError

log = logging.getLogger(__name__)

MODELS = ("Pendulum-v1",)
"""Tasks for which agentzoo has the dynamics model."""


def pendulum_planner(cost: Callable[[np.ndarray], np.ndarray], *, horizon: int, samples: int,
                     iters: int, gamma: float) -> MPPI:
    """MPPI on Pendulum with a state cost c(obs) (no action term: the learned cost is state-only)."""
    def mppi_cost(X: np.ndarray, U: np.ndarray, t0: int) -> np.ndarray:
        K, H, _ = X.shape
        return cost(pendulum_obs(X.reshape(K * H, 2))).reshape(K, H)

    return MPPI(pendulum_dynamics, mppi_cost, du=1, u_max=PENDULUM_MAX_TORQUE, horizon=horizon,
                samples=samples, iters=iters, gamma=gamma, sigma=1.0)


def evaluate_planner(env_id: str, make_planner: Callable[[], MPPI], episodes: int, seed: int,
                     rng: np.random.Generator) -> float:
    """Mean true return of MPPI (a fresh planner per episode) on the standard env."""
    env = make_env(env_id)
    total = 0.0
    for episode in range(episodes):
        obs, _ = env.reset(seed=seed + episode)
        planner = make_planner()
        done, t = False, 0
        while not done:
            u = planner.act(pendulum_state(obs), t, rng)
            obs, reward, terminated, truncated, _ = env.step(u.astype(np.float32))
            total += float(reward)
            done, t = terminated or truncated, t + 1
    env.close()
    return total / episodes


def train_mppi(env_id: str, method: CostMethod, demos: Demos, *, budget: int, eval_every: int,
               eval_episodes: int, seed: int, horizon: int, samples: int, iters: int, gamma: float,
               rng: np.random.Generator, on_eval: Callable[[int, float], None] | None = None) -> TrainOutcome:
    """Online IRL with an MPPI learner for ``budget`` environment steps."""
    if env_id not in MODELS:
        raise ValueError(f"no dynamics model for {env_id}; MPPI sampler supports {', '.join(MODELS)}")
    outcome = TrainOutcome()
    E, H = len(demos.returns), demos.horizon

    def make() -> MPPI:
        return pendulum_planner(method.net.cost, horizon=horizon, samples=samples, iters=iters, gamma=gamma)

    def evaluate(step: int) -> None:
        value = evaluate_planner(env_id, make, eval_episodes, 1_000_000 + 1000 * seed, rng)
        outcome.steps.append(step)
        outcome.returns.append(value)
        outcome.checkpoint = method.arrays()
        if on_eval is not None:
            on_eval(step, value)

    evaluate(0)
    steps, episode = 0, 0
    try:
        while steps < budget:
            demo = demos.obs[episode % E]
            x, planner = pendulum_state(demo[0]), make()  # same start as the demo episode
            for t in range(H):
                u = planner.act(x, t, rng)
                x = pendulum_dynamics(x[None], u[None])[0]
                method.observe(demo[t % H + 1], pendulum_obs(x)[0])  # pair (s^E_t, s_t)
                steps += 1
                if not method.finite():
                    raise DivergedError(f"{method.name} parameters became non-finite")
                if steps % (E * H) == 0:
                    method.end_epoch()
                if steps % eval_every == 0:
                    evaluate(steps)
                if steps >= budget:
                    break
            episode += 1
    except DivergedError as exc:
        outcome.diverged_at_step = steps
        log.warning("%s on %s diverged at step %d: %s", method.name, env_id, steps, exc)
    else:
        if outcome.steps[-1] < steps:
            evaluate(steps)
    return outcome
