"""Experts and demonstrations: analytic controllers, an optional SB3 expert, the demo file.

Analytic experts (deterministic, instant, offline):

* CartPole-v1 — LQR on the model linearised about the upright equilibrium (discrete-time
  Riccati equation), the sign of the LQR force picks push-left / push-right.
* Pendulum-v1 — energy pumping (dE/dt = 3 u theta_dot, so u = 2 sign(theta_dot) until the
  upright energy is reached), then LQR balance near the top.
* MountainCarContinuous-v0 — push along the velocity.
* Acrobot-v1 — energy pumping: apply the elbow torque in the direction of the elbow's velocity.

:func:`accept_expert` checks the expert's mean return over 20 episodes against the
task threshold; :func:`collect_demos` records fixed-horizon episodes into :class:`Demos`,
which :func:`save_demos` / :func:`load_demos` store as ``.npz`` (validated on load).
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.linalg

from agentzoo.systems.rdirl.envs import AbsorbingFixedHorizon, env_spec, make_env

log = logging.getLogger(__name__)

Policy = Callable[[np.ndarray], Any]
"""Maps one observation to one action (int for discrete, array for continuous tasks)."""


class DemoFileError(ValueError):
    """A demonstration file that cannot be used (says which file and what is wrong)."""


@dataclass(frozen=True)
class Demos:
    """Expert demonstrations on a fixed horizon H.

    ``obs[e, t]`` is the state before step t (``obs[e, H]`` the last state reached), so the
    state reached by step t is ``obs[e, t + 1]``.
    """

    env_id: str
    obs: np.ndarray
    """(E, H + 1, obs_dim) float64 states."""
    actions: np.ndarray
    """(E, H) int for discrete tasks, (E, H, act_dim) float64 for continuous ones."""
    absorbing: np.ndarray
    """(E, H) bool: the step started in the absorbing state (episode already over)."""
    returns: np.ndarray
    """(E,) return of each episode on the true reward (standard, not fixed-horizon)."""

    @property
    def horizon(self) -> int:
        return int(self.actions.shape[1])

    @property
    def next_states(self) -> np.ndarray:
        """(E * H, obs_dim): every state reached, episode by episode."""
        return self.obs[:, 1:].reshape(-1, self.obs.shape[-1])


# ----------------------------------------------------------------------------- analytic experts
def _dlqr(A: np.ndarray, B: np.ndarray, Q: np.ndarray, R: np.ndarray) -> np.ndarray:
    """Discrete-time LQR gain K (u = -K x) from the Riccati equation."""
    X = scipy.linalg.solve_discrete_are(A, B, Q, R)
    K: np.ndarray = np.linalg.solve(R + B.T @ X @ B, B.T @ X @ A)
    return K


def _cartpole_accel(state: np.ndarray, force: float) -> np.ndarray:
    """Continuous-time CartPole dynamics of gymnasium (masses 1.0/0.1, half length 0.5)."""
    g, m_c, m_p, half = 9.8, 1.0, 0.1, 0.5
    total = m_c + m_p
    _, x_dot, th, th_dot = state
    temp = (force + m_p * half * th_dot**2 * np.sin(th)) / total
    th_acc = (g * np.sin(th) - np.cos(th) * temp) / (half * (4.0 / 3.0 - m_p * np.cos(th) ** 2 / total))
    x_acc = temp - m_p * half * th_acc * np.cos(th) / total
    return np.array([x_dot, x_acc, th_dot, th_acc])


def cartpole_expert() -> Policy:
    eps, tau = 1e-6, 0.02
    zero = np.zeros(4)
    A_c = np.stack([(_cartpole_accel(zero + eps * e, 0.0) - _cartpole_accel(zero - eps * e, 0.0)) / (2 * eps)
                    for e in np.eye(4)], axis=1)
    B_c = ((_cartpole_accel(zero, eps) - _cartpole_accel(zero, -eps)) / (2 * eps))[:, None]
    K = _dlqr(np.eye(4) + tau * A_c, tau * B_c, np.diag([1.0, 1.0, 10.0, 1.0]), np.array([[0.1]]))

    def act(obs: np.ndarray) -> int:
        return int(float(-(K @ np.asarray(obs, dtype=np.float64))[0]) > 0.0)

    return act


def pendulum_expert() -> Policy:
    dt, max_torque = 0.05, 2.0
    # Linearised about the top (theta = 0): theta_ddot = 15 theta + 3 u (gymnasium: g=10, m=l=1).
    K = _dlqr(np.array([[1.0, dt], [15.0 * dt, 1.0]]), np.array([[0.0], [3.0 * dt]]),
              np.diag([1.0, 0.1]), np.array([[0.01]]))

    def act(obs: np.ndarray) -> np.ndarray:
        cos_th, sin_th, th_dot = (float(v) for v in obs)
        th = np.arctan2(sin_th, cos_th)
        energy = 0.5 * th_dot**2 + 15.0 * (cos_th - 1.0)  # 0 at rest upright
        if cos_th > 0.85 and abs(energy) < 6.0:
            u = float(-(K @ np.array([th, th_dot]))[0])
        else:  # pump: dE/dt = 3 u theta_dot
            u = max_torque * np.sign(th_dot if abs(th_dot) > 1e-3 else 1.0) * np.sign(-energy)
        return np.array([np.clip(u, -max_torque, max_torque)], dtype=np.float32)

    return act


def mountaincar_expert() -> Policy:
    def act(obs: np.ndarray) -> np.ndarray:
        return np.array([1.0 if float(obs[1]) >= 0.0 else -1.0], dtype=np.float32)

    return act


def acrobot_expert() -> Policy:
    def act(obs: np.ndarray) -> int:
        th2_dot = float(obs[5])  # positive feedback on the elbow velocity pumps energy
        return 2 if th2_dot > 0.0 else 0

    return act


ANALYTIC_EXPERTS: dict[str, Callable[[], Policy]] = {
    "CartPole-v1": cartpole_expert,
    "Pendulum-v1": pendulum_expert,
    "MountainCarContinuous-v0": mountaincar_expert,
    "Acrobot-v1": acrobot_expert,
}


def sb3_expert(env_id: str, seed: int, cache_dir: Path | None) -> Policy:
    """Train (or load from ``cache_dir``) an SB3 expert: PPO (discrete) or SAC (continuous)."""
    from stable_baselines3 import PPO, SAC

    spec = env_spec(env_id)
    algo: Any = PPO if spec.discrete else SAC
    path = Path(cache_dir) / f"expert_{env_id}_{algo.__name__}_seed{seed}.zip" if cache_dir else None
    if path is not None and path.exists():
        model = algo.load(path, device="cpu")
    else:
        steps = 100_000 if spec.discrete else 20_000
        log.info("training an SB3 %s expert on %s for %d steps", algo.__name__, env_id, steps)
        model = algo("MlpPolicy", make_env(env_id), seed=seed, device="cpu", verbose=0)
        model.learn(steps)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            model.save(path)

    def act(obs: np.ndarray) -> Any:
        action, _ = model.predict(obs, deterministic=True)
        return int(action) if spec.discrete else action

    return act


# ----------------------------------------------------------------------------- evaluation and demos
def evaluate(env_id: str, policy: Policy | None, episodes: int, seed: int) -> np.ndarray:
    """Returns of ``episodes`` episodes on the standard env (``policy=None``: uniform random)."""
    env = make_env(env_id)
    env.action_space.seed(seed)
    returns = []
    for episode in range(episodes):
        obs, _ = env.reset(seed=seed + episode)
        total, done = 0.0, False
        while not done:
            action = env.action_space.sample() if policy is None else policy(obs)
            obs, reward, terminated, truncated, _ = env.step(action)
            total += float(reward)
            done = terminated or truncated
        returns.append(total)
    env.close()
    return np.asarray(returns)


def accept_expert(env_id: str, expert: str, seed: int, cache_dir: Path | None = None,
                  episodes: int = 20) -> tuple[Policy, float]:
    """The expert policy and its mean return; falls back to SB3 when a heuristic misses."""
    spec = env_spec(env_id)
    policy = ANALYTIC_EXPERTS[env_id]() if expert == "analytic" else sb3_expert(env_id, seed, cache_dir)
    mean = float(evaluate(env_id, policy, episodes, seed=10_000 + seed).mean())
    if mean < spec.threshold and expert == "analytic":
        log.warning("analytic %s expert returns %.1f < %.1f; switching to expert='sb3'",
                    env_id, mean, spec.threshold)
        return accept_expert(env_id, "sb3", seed, cache_dir, episodes)
    if mean < spec.threshold:
        raise RuntimeError(f"{expert} expert on {env_id} returns {mean:.1f} < threshold {spec.threshold}")
    return policy, mean


def collect_demos(env_id: str, policy: Policy, n_episodes: int, seed: int) -> Demos:
    """Roll the expert out for ``n_episodes`` fixed-horizon episodes (seeds ``seed + e``)."""
    spec = env_spec(env_id)
    H = spec.horizon
    env = AbsorbingFixedHorizon(make_env(env_id), H)
    obs_all, act_all, absorbing, returns = [], [], [], []
    for episode in range(n_episodes):
        obs, _ = env.reset(seed=seed + episode)
        states, actions, flags, total = [obs], [], [], 0.0
        for _ in range(H):
            action = policy(obs)
            obs, _, _, _, info = env.step(action)
            states.append(obs)
            actions.append(action)
            flags.append(info["absorbing"])
            total += info["true_reward"]
        obs_all.append(np.asarray(states, dtype=np.float64))
        act_all.append(np.asarray(actions, dtype=np.int64 if spec.discrete else np.float64))
        absorbing.append(flags)
        returns.append(total)
    env.close()
    return Demos(env_id, np.stack(obs_all), np.stack(act_all), np.asarray(absorbing, dtype=bool),
                 np.asarray(returns))


# ----------------------------------------------------------------------------- demo files
DEMO_KEYS = ("obs", "actions", "absorbing", "returns")


def save_demos(demos: Demos) -> bytes:
    """The demos as ``.npz`` bytes (keys ``env_id``, ``obs``, ``actions``, ``absorbing``, ``returns``)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, env_id=np.array(demos.env_id), obs=demos.obs, actions=demos.actions,
                        absorbing=demos.absorbing, returns=demos.returns)
    return buffer.getvalue()


def load_demos(path: str | Path, env_id: str) -> Demos:
    """Read and validate a demo file for ``env_id``; every problem is a :class:`DemoFileError`."""
    path = Path(path)
    if not path.is_file():
        raise DemoFileError(f"demo file {path} does not exist")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DemoFileError(f"demo file {path} is not a readable .npz archive ({exc})") from exc
    missing = [key for key in DEMO_KEYS if key not in arrays]
    if missing:
        raise DemoFileError(f"demo file {path} lacks the arrays {missing}; needs {list(DEMO_KEYS)}")
    spec = env_spec(env_id)
    file_env = str(arrays["env_id"]) if "env_id" in arrays else env_id
    if file_env != env_id:
        raise DemoFileError(f"demo file {path} holds {file_env} demos, not {env_id}")
    obs, actions = arrays["obs"], arrays["actions"]
    env = make_env(env_id)
    obs_dim = int(np.prod(env.observation_space.shape))
    env.close()
    if obs.ndim != 3 or obs.shape[-1] != obs_dim:
        raise DemoFileError(f"demo file {path}: obs must have shape (episodes, H+1, {obs_dim}) "
                            f"for {env_id}, got {obs.shape}")
    E, H1 = obs.shape[:2]
    if E < 1 or H1 < 2:
        raise DemoFileError(f"demo file {path} holds no complete step (obs shape {obs.shape})")
    if actions.shape[:2] != (E, H1 - 1):
        raise DemoFileError(f"demo file {path}: actions have shape {actions.shape}, expected ({E}, {H1 - 1}, ...)")
    if arrays["absorbing"].shape != (E, H1 - 1) or arrays["returns"].shape != (E,):
        raise DemoFileError(f"demo file {path}: absorbing must be ({E}, {H1 - 1}) and returns ({E},)")
    if not (np.isfinite(obs).all() and np.isfinite(actions.astype(np.float64)).all()):
        raise DemoFileError(f"demo file {path} contains NaN or infinite values")
    if H1 - 1 != spec.horizon:
        log.warning("demo file %s has horizon %d; the %s default is %d", path, H1 - 1, env_id, spec.horizon)
    return Demos(env_id, obs.astype(np.float64), actions if spec.discrete else actions.astype(np.float64),
                 arrays["absorbing"].astype(bool), arrays["returns"].astype(np.float64))
