"""Guided Cost Learning (Finn, Levine, Abbeel 2016, arXiv 1603.00448) with importance weights.

Per round with at least one new complete sampler episode: ``episodes`` demo episodes and the
``episodes`` latest complete sampler episodes form the background set (GCL adds the demos to
it); ``steps`` Adam steps on L_GCL (:func:`..surrogate.gcl_loss`). The sampling density is the
mixture q = 1/2 pi_current + 1/2 pi_BC, pi_BC a behaviour-cloning policy fitted once on the
demos (our choice, in the spirit of GCL's mixture of policies); log q(tau) = sum_t log q(a_t|s_t)
over non-absorbing steps. Same cost net and Adam learning rate as the first-order ablation.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Any

import numpy as np

from agentzoo.systems.rdirl.cost import CostNet
from agentzoo.systems.rdirl.experts import Demos
from agentzoo.systems.rdirl.methods import CostMethod, LogProb, RoundBatch
from agentzoo.systems.rdirl.surrogate import gcl_loss


class BCPolicy:
    """A behaviour-cloning policy on the demos: categorical (discrete) or Gaussian (continuous)."""

    def __init__(self, demos: Demos, discrete: bool, n_actions: int, action_low: np.ndarray | None,
                 action_high: np.ndarray | None, seed: int, steps: int = 300) -> None:
        import torch

        self.discrete = discrete
        self.low, self.high = action_low, action_high
        keep = ~demos.absorbing.reshape(-1)
        obs = torch.as_tensor(demos.obs[:, :-1].reshape(-1, demos.obs.shape[-1])[keep], dtype=torch.float32)
        actions = demos.actions.reshape(len(keep), -1)[keep]
        generator = torch.Generator().manual_seed(seed)
        out = n_actions if discrete else actions.shape[1]
        self.mean, self.std = obs.mean(0), obs.std(0).clamp_min(1e-3)
        self.model = torch.nn.Sequential(torch.nn.Linear(obs.shape[1], 64), torch.nn.Tanh(),
                                         torch.nn.Linear(64, 64), torch.nn.Tanh(), torch.nn.Linear(64, out))
        with torch.no_grad():
            for p in self.model.parameters():
                p.copy_(torch.randn(p.shape, generator=generator) * 0.1)
        self.log_std = torch.nn.Parameter(torch.zeros(out))
        optimiser = torch.optim.Adam([*self.model.parameters(), self.log_std], lr=3e-3)
        target = torch.as_tensor(actions[:, 0] if discrete else self._scale(actions),
                                 dtype=torch.long if discrete else torch.float32)
        x = (obs - self.mean) / self.std
        for _ in range(steps):
            optimiser.zero_grad()
            loss = -self._log_prob(x, target).mean()
            loss.backward()
            optimiser.step()

    def _scale(self, actions: np.ndarray) -> np.ndarray:
        assert self.low is not None and self.high is not None
        return 2.0 * (np.asarray(actions, dtype=np.float64) - self.low) / (self.high - self.low) - 1.0

    def _log_prob(self, x: Any, target: Any) -> Any:
        import torch

        out = self.model(x)
        if self.discrete:
            return torch.distributions.Categorical(logits=out).log_prob(target)
        return torch.distributions.Normal(out, self.log_std.exp()).log_prob(target).sum(-1)

    def log_prob(self, obs: np.ndarray, actions: np.ndarray) -> np.ndarray:
        import torch

        with torch.no_grad():
            x = (torch.as_tensor(obs, dtype=torch.float32) - self.mean) / self.std
            target = torch.as_tensor(
                np.asarray(actions).reshape(-1) if self.discrete else self._scale(actions).reshape(len(obs), -1),
                dtype=torch.long if self.discrete else torch.float32)
            return np.asarray(self._log_prob(x, target).numpy(), dtype=np.float64)


class GCL(CostMethod):
    name = "gcl"

    def __init__(self, net: CostNet, demos: Demos, bc: BCPolicy, *, lr: float, episodes: int = 5,
                 steps: int = 5, lcr: float = 0.0, seed: int = 0) -> None:
        import torch

        super().__init__(net)
        self.demos, self.bc = demos, bc
        self.episodes, self.steps, self.lcr = episodes, steps, lcr
        self.theta = torch.nn.Parameter(torch.as_tensor(net.theta.copy()))
        self.optimiser = torch.optim.Adam([self.theta], lr=lr)
        self.rng = np.random.default_rng(seed)
        self.recent: deque[dict[str, np.ndarray]] = deque(maxlen=episodes)
        self._open: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray, bool]]] = {}
        self.last_loss = float("nan")

    def _collect(self, batch: RoundBatch) -> int:
        """Append the round's steps to open episodes; move finished ones to ``recent``.

        An episode that ended before H steps (termination) is padded to H with its terminal state
        held as an absorbing state, so every trajectory cost C(tau) covers the same horizon.
        """
        H = self.demos.horizon
        new = 0
        for i, ep in enumerate(batch.episode):
            steps = self._open.setdefault(int(ep), [])
            steps.append((batch.obs[i], batch.actions[i], batch.next_obs[i], bool(batch.absorbing[i])))
            if not batch.done[i]:
                continue
            del self._open[int(ep)]
            obs, actions, next_obs, absorbing = (np.asarray(x) for x in zip(*steps[:H]))
            pad = H - len(obs)
            if pad > 0:  # absorbing: stay in the terminal state for the rest of the horizon
                next_obs = np.concatenate([next_obs, np.repeat(next_obs[-1:], pad, axis=0)])
            self.recent.append({"obs": obs, "actions": actions, "next_obs": next_obs, "absorbing": absorbing})
            new += 1
        return new

    def _log_q(self, obs: np.ndarray, actions: np.ndarray, absorbing: np.ndarray, log_prob: LogProb) -> float:
        keep = ~absorbing
        if not keep.any():
            return 0.0
        lp_cur = float(log_prob(obs[keep], actions[keep]).sum())
        lp_bc = float(self.bc.log_prob(obs[keep], actions[keep]).sum())
        return float(np.logaddexp(lp_cur, lp_bc) - np.log(2.0))  # q = 1/2 pi_current + 1/2 pi_BC

    def end_round(self, batch: RoundBatch, log_prob: LogProb | None) -> None:
        import torch

        if self._collect(batch) == 0 or log_prob is None:
            return
        start, cpu = time.perf_counter(), time.thread_time()
        picks = self.rng.choice(len(self.demos.returns), size=min(self.episodes, len(self.demos.returns)),
                                replace=False)
        demo_obs = self.demos.obs[picks]
        demo_states = demo_obs[:, 1:]
        log_q = [self._log_q(demo_obs[k, :-1], self.demos.actions[picks[k]], self.demos.absorbing[picks[k]],
                             log_prob) for k in range(len(picks))]
        sample_states = np.stack([ep["next_obs"] for ep in self.recent])
        log_q += [self._log_q(ep["obs"], ep["actions"], ep["absorbing"], log_prob) for ep in self.recent]
        D = torch.as_tensor(demo_states)
        S = torch.as_tensor(sample_states)
        lq = torch.as_tensor(np.asarray(log_q))
        for _ in range(self.steps):
            self.optimiser.zero_grad()
            loss = gcl_loss(self.net, self.theta, D, S, lq, self.lcr)
            loss.backward()
            self.optimiser.step()
            self.n_updates += 1
        self.last_loss = float(loss.detach())
        self.net.theta[:] = self.theta.detach().numpy()
        self.update_seconds += time.perf_counter() - start
        self.update_cpu_seconds += time.thread_time() - cpu

    def stats(self) -> dict[str, Any]:
        return {**super().stats(), "last_loss": self.last_loss}
