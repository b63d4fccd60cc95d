"""The sampler: stable-baselines3 PPO (discrete) or SAC (continuous) trained on the learned reward.

The policy is updated online under the current cost. One environment step = one sampler
transition; for online methods (``rdirl``, ``first_order``) it is also one cost update on the
pair (s^E_t, s_t): the learner's state reached at step t of its episode against the state at
index t of the current demo episode (demo episodes are cycled; indices wrap modulo H).
Batch methods (``gcl``, ``airl``) learn at the end of each round (a PPO rollout, or one
episode of SAC).

Termination (spec pitfall "termination bias"): learned rewards -c <= 0 make an early end
attractive. ``absorbing="value"`` (default) ends the episode where the task ends and adds the
value of staying in the terminal state forever, gamma / (1 - gamma) * r(s_T), to the last
reward: the infinite-horizon absorbing-state formulation, computed exactly. ``"padded"``
instead pads episodes to H steps with the frozen terminal state (:class:`AbsorbingFixedHorizon`);
measured here, PPO on padded CartPole collapses even with the ideal reward because its value
net must represent the jump between the last live state and the absorbing one. ``"none"`` keeps
the plain termination (biased; for ablations).

Stale rewards (spec pitfall): SB3 computes PPO returns before ``on_rollout_end``, so the
callback relabels the rollout with the *current* learned reward and recomputes returns and
advantages (keeping SB3's time-limit bootstrap term); SAC's replay buffer relabels every
sampled batch with the current reward.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agentzoo.systems.rdirl.envs import (
    AbsorbingFixedHorizon,
    LearnedRewardWrapper,
    env_spec,
    make_env,
)
from agentzoo.systems.rdirl.experts import Demos
from agentzoo.systems.rdirl.methods import IRLMethod, LogProb, RoundBatch
from agentzoo.systems.rdirl.recursive import DivergedError

log = logging.getLogger(__name__)


def _linear(start: float) -> Callable[[float], float]:
    return lambda progress_remaining: progress_remaining * start


def sampler_kwargs(algo: str, discrete: bool) -> dict[str, Any]:
    """Sampler hyperparameters (rl-baselines3-zoo's tuned CartPole PPO and Pendulum SAC)."""
    if algo == "ppo":
        return {"n_steps": 32, "batch_size": 256, "gae_lambda": 0.8, "gamma": 0.98, "n_epochs": 20,
                "ent_coef": 0.0, "learning_rate": _linear(1e-3), "clip_range": _linear(0.2)}
    # rl-zoo's Pendulum SAC with (64, 64) nets instead of (256, 256): half the CPU per step here.
    return {"learning_rate": 1e-3, "gamma": 0.99, "learning_starts": 100,
            "policy_kwargs": {"net_arch": [64, 64]}}


N_ENVS = {"ppo": 8, "sac": 1}


@dataclass
class TrainOutcome:
    """What one (env, method, seed) training run produced."""

    steps: list[int] = field(default_factory=list)
    """Environment steps at each evaluation."""
    returns: list[float] = field(default_factory=list)
    """Mean true return over the evaluation episodes at each evaluation."""
    diverged_at_step: int | None = None
    checkpoint: dict[str, np.ndarray] = field(default_factory=dict)
    """The method's arrays at the last evaluation with finite parameters."""


def evaluate_policy(env_id: str, act: Callable[[np.ndarray], Any], episodes: int, seed: int) -> float:
    """Mean true return of ``act`` on the standard env (seeds ``seed .. seed + episodes - 1``)."""
    env = make_env(env_id)
    total = 0.0
    for episode in range(episodes):
        obs, _ = env.reset(seed=seed + episode)
        done = False
        while not done:
            obs, reward, terminated, truncated, _ = env.step(act(obs))
            total += float(reward)
            done = terminated or truncated
    env.close()
    return total / episodes


def _relabel_buffer_class() -> Any:
    from stable_baselines3.common.buffers import ReplayBuffer

    class RelabelReplayBuffer(ReplayBuffer):
        """A replay buffer whose sampled rewards come from the current learned reward."""

        relabel: Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray] | None = None

        def _get_samples(self, batch_inds: np.ndarray, env: Any = None) -> Any:
            samples = super()._get_samples(batch_inds, env)
            if self.relabel is None:
                return samples
            rewards = self.relabel(samples.observations.numpy(), samples.actions.numpy(),
                                   samples.next_observations.numpy(), samples.dones.numpy())
            return samples._replace(rewards=self.to_torch(rewards.reshape(-1, 1).astype(np.float32)))

    return RelabelReplayBuffer


def _log_prob_fn(model: Any, algo: str, discrete: bool) -> LogProb:
    import torch

    policy = model.policy

    def log_prob(obs: np.ndarray, actions: np.ndarray) -> np.ndarray:
        obs_t = torch.as_tensor(np.asarray(obs), dtype=torch.float32)
        with torch.no_grad():
            if algo == "ppo":
                act = torch.as_tensor(np.asarray(actions).reshape(len(obs_t), -1)[:, 0] if discrete
                                      else np.asarray(actions, dtype=np.float32).reshape(len(obs_t), -1))
                _, lp, _ = policy.evaluate_actions(obs_t, act.long() if discrete else act)
            else:
                scaled = np.clip(policy.scale_action(np.asarray(actions).reshape(len(obs_t), -1)), -1 + 1e-6, 1 - 1e-6)
                mean, log_std, _ = policy.actor.get_action_dist_params(obs_t)
                dist = policy.actor.action_dist.proba_distribution(mean, log_std)
                lp = dist.log_prob(torch.as_tensor(scaled, dtype=torch.float32))
        return np.asarray(lp.numpy(), dtype=np.float64).reshape(-1)

    return log_prob


def train_sampler(env_id: str, method: IRLMethod, demos: Demos, *, algo: str, budget: int,
                  eval_every: int, eval_episodes: int, seed: int, absorbing: str = "value",
                  on_eval: Callable[[int, float], None] | None = None) -> TrainOutcome:
    """Train the sampler for ``budget`` env steps on ``method``'s reward, evaluating as it goes."""
    from stable_baselines3 import PPO, SAC
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.vec_env import DummyVecEnv

    spec = env_spec(env_id)
    H = demos.horizon
    n_envs = N_ENVS[algo]
    outcome = TrainOutcome()

    def make() -> Any:
        env = make_env(env_id)
        if absorbing == "padded":
            env = AbsorbingFixedHorizon(env, H)
        return LearnedRewardWrapper(env, method.state_reward)

    venv = DummyVecEnv([make for _ in range(n_envs)])
    venv.seed(seed)
    kwargs = sampler_kwargs(algo, spec.discrete)
    gamma = float(kwargs["gamma"])

    def learned_reward(obs: np.ndarray, actions: np.ndarray, next_obs: np.ndarray,
                       terminal: np.ndarray) -> np.ndarray:
        reward = method.reward(obs, actions, next_obs, log_prob)
        if absorbing == "value" and terminal.any():  # + gamma/(1-gamma) r(s_T): stay absorbed forever
            reward = reward + terminal * gamma / (1.0 - gamma) * method.state_reward(next_obs)
        return reward

    model: Any
    if algo == "ppo":
        model = PPO("MlpPolicy", venv, seed=seed, device="cpu", verbose=0, **kwargs)
    else:
        model = SAC("MlpPolicy", venv, seed=seed, device="cpu", verbose=0,
                    replay_buffer_class=_relabel_buffer_class(), **kwargs)
    log_prob = _log_prob_fn(model, algo, spec.discrete)
    if algo == "sac":
        def relabel(obs: np.ndarray, scaled: np.ndarray, next_obs: np.ndarray, dones: np.ndarray) -> np.ndarray:
            actions = model.policy.unscale_action(scaled)
            return learned_reward(obs.astype(np.float64), actions, next_obs.astype(np.float64),
                                  dones.reshape(-1).astype(np.float64))

        model.replay_buffer.relabel = relabel

    def act(obs: np.ndarray) -> Any:
        action, _ = model.predict(obs, deterministic=True)
        return int(action) if spec.discrete else action

    def evaluate(step: int) -> None:
        value = evaluate_policy(env_id, act, eval_episodes, seed=1_000_000 + 1000 * seed)
        outcome.steps.append(step)
        outcome.returns.append(value)
        outcome.checkpoint = method.arrays()
        if on_eval is not None:
            on_eval(step, value)

    class IRLCallback(BaseCallback):
        def __init__(self) -> None:
            super().__init__()
            self.t = np.zeros(n_envs, dtype=np.int64)
            self.episode = np.arange(n_envs)
            self.next_episode = n_envs
            self.observed = 0
            self.next_eval = eval_every
            self.round: dict[str, list[Any]] = {k: [] for k in ("obs", "actions", "next_obs", "t", "absorbing",
                                                                 "episode", "done", "wrapper_reward", "terminal")}

        def _on_step(self) -> bool:
            new_obs, dones, infos = self.locals["new_obs"], self.locals["dones"], self.locals["infos"]
            actions = np.asarray(self.locals["actions"])
            last_obs: Any = self.model._last_obs
            rewards = np.asarray(self.locals["rewards"], dtype=np.float64)
            for i in range(n_envs):
                s_next = np.asarray(infos[i]["terminal_observation"] if dones[i] else new_obs[i], dtype=np.float64)
                t = int(self.t[i])
                if method.online:
                    k = int(self.episode[i]) % len(demos.returns)
                    method.observe(demos.obs[k, t % H + 1], s_next)  # pair (s^E_t, s_t)
                    self.observed += 1
                    if self.observed % (len(demos.returns) * H) == 0:
                        method.end_epoch()
                self.round["obs"].append(np.asarray(last_obs[i], dtype=np.float64))
                self.round["actions"].append(actions[i])
                self.round["next_obs"].append(s_next)
                self.round["t"].append(t)
                self.round["absorbing"].append(bool(infos[i].get("absorbing", False)))
                self.round["episode"].append(int(self.episode[i]))
                self.round["done"].append(bool(dones[i]))
                self.round["wrapper_reward"].append(rewards[i])
                self.round["terminal"].append(bool(dones[i]) and not infos[i].get("TimeLimit.truncated", False))
                self.t[i] += 1
                if dones[i]:
                    self.t[i] = 0
                    self.episode[i] = self.next_episode
                    self.next_episode += 1
            if not method.finite():
                raise DivergedError(f"{method.name} parameters became non-finite")
            if algo == "sac" and len(self.round["t"]) >= H:
                self._end_round()
            if self.num_timesteps >= self.next_eval:
                evaluate(self.num_timesteps)
                self.next_eval += eval_every
            return True

        def _end_round(self) -> tuple[RoundBatch, np.ndarray, np.ndarray]:
            """Hand the round to the method; returns it with its wrapper rewards and terminal flags."""
            batch = RoundBatch(*(np.asarray(self.round[k]) for k in ("obs", "actions", "next_obs", "t",
                                                                     "absorbing", "episode", "done")))
            wrapper_reward = np.asarray(self.round["wrapper_reward"], dtype=np.float64)
            terminal = np.asarray(self.round["terminal"], dtype=np.float64)
            for values in self.round.values():
                values.clear()
            method.end_round(batch, log_prob)
            if not method.finite():
                raise DivergedError(f"{method.name} parameters became non-finite")
            return batch, wrapper_reward, terminal

        def _on_rollout_end(self) -> None:
            if algo != "ppo" or not self.round["t"]:
                return
            batch, wrapper_reward, terminal = self._end_round()
            new = learned_reward(batch.obs, batch.actions, batch.next_obs, terminal)
            buffer: Any = model.rollout_buffer
            buffer.rewards += (new - wrapper_reward).reshape(buffer.rewards.shape).astype(np.float32)
            buffer.compute_returns_and_advantage(last_values=self.locals["values"], dones=self.locals["dones"])

    evaluate(0)
    try:
        model.learn(total_timesteps=budget, callback=IRLCallback())
    except DivergedError as exc:
        outcome.diverged_at_step = int(model.num_timesteps)
        log.warning("%s on %s diverged at step %d: %s", method.name, env_id, model.num_timesteps, exc)
    else:
        if not outcome.steps or outcome.steps[-1] < model.num_timesteps:
            evaluate(int(model.num_timesteps))
    venv.close()
    return outcome
