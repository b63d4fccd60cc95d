"""Adversarial IRL (Fu, Luo, Levine 2018, arXiv 1710.11248), state-only reward.

f(s, s') = g(s) + gamma h(s') - h(s);  D(s, a, s') = e^f / (e^f + pi(a|s))
so the discriminator's logit is f - log pi(a|s). Each round: ``updates`` Adam steps of the
logistic loss on the round's sampler transitions (label 0) against as many expert transitions
(label 1), log pi taken under the current policy. The generator's reward is
log D - log(1 - D) = f - log pi (not GAIL's -log(1 - D): the bug the CAIL authors reported in
the codebase the RDIRL authors built on). g(s) is the recovered reward.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import numpy as np

from agentzoo.systems.rdirl.experts import Demos
from agentzoo.systems.rdirl.methods import IRLMethod, LogProb, RoundBatch


def _mlp(sizes: list[int], generator: Any) -> Any:
    import torch

    layers: list[Any] = []
    for i, (a, b) in enumerate(itertools.pairwise(sizes)):
        layers.append(torch.nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    net = torch.nn.Sequential(*layers).double()
    with torch.no_grad():
        for layer in net:
            if isinstance(layer, torch.nn.Linear):
                bound = 1.0 / np.sqrt(layer.in_features)
                layer.weight.copy_((torch.rand(layer.weight.shape, generator=generator) * 2 - 1) * bound)
                layer.bias.copy_((torch.rand(layer.bias.shape, generator=generator) * 2 - 1) * bound)
    return net


class AIRL(IRLMethod):
    name = "airl"

    def __init__(self, demos: Demos, *, hidden: tuple[int, ...], mean: np.ndarray, std: np.ndarray,
                 gamma: float, lr: float, updates: int = 2, seed: int = 0) -> None:
        import torch

        generator = torch.Generator().manual_seed(seed)
        d = demos.obs.shape[-1]
        self.g = _mlp([d, *hidden, 1], generator)  # state-only reward g(s)
        self.h = _mlp([d, 32, 32, 1], generator)  # shaping potential h(s)
        self.optimiser = torch.optim.Adam([*self.g.parameters(), *self.h.parameters()], lr=lr)
        self.mean, self.std = torch.as_tensor(mean), torch.as_tensor(std)
        self.demos, self.gamma, self.updates = demos, gamma, updates
        self.expert_obs = demos.obs[:, :-1].reshape(-1, d)
        self.expert_next = demos.obs[:, 1:].reshape(-1, d)
        self.expert_actions = demos.actions.reshape(self.expert_obs.shape[0], *demos.actions.shape[2:])
        self.rng = np.random.default_rng(seed)
        self.n_updates, self.update_seconds, self.update_cpu_seconds = 0, 0.0, 0.0
        self.last_loss = float("nan")

    def _f(self, obs: Any, next_obs: Any) -> Any:
        x, x_next = (obs - self.mean) / self.std, (next_obs - self.mean) / self.std
        return (self.g(x) + self.gamma * self.h(x_next) - self.h(x))[:, 0]  # f = g(s) + gamma h(s') - h(s)

    def end_round(self, batch: RoundBatch, log_prob: LogProb | None) -> None:
        import torch
        import torch.nn.functional as F

        if log_prob is None:
            return
        start, cpu = time.perf_counter(), time.thread_time()
        T = len(batch.obs)
        pick = self.rng.integers(0, len(self.expert_obs), size=T)
        obs = np.concatenate([batch.obs, self.expert_obs[pick]])
        next_obs = np.concatenate([batch.next_obs, self.expert_next[pick]])
        actions = np.concatenate([batch.actions, self.expert_actions[pick]])
        log_pi = torch.as_tensor(log_prob(obs, actions))
        labels = torch.cat([torch.zeros(T), torch.ones(T)]).double()  # expert = 1
        o, n = torch.as_tensor(obs, dtype=torch.float64), torch.as_tensor(next_obs, dtype=torch.float64)
        for _ in range(self.updates):
            self.optimiser.zero_grad()
            logits = self._f(o, n) - log_pi  # log D - log(1 - D)
            loss = F.binary_cross_entropy_with_logits(logits, labels)
            loss.backward()
            self.optimiser.step()
            self.n_updates += 1
        self.last_loss = float(loss.detach())
        self.update_seconds += time.perf_counter() - start
        self.update_cpu_seconds += time.thread_time() - cpu

    def reward(self, obs: np.ndarray, actions: np.ndarray, next_obs: np.ndarray,
               log_prob: LogProb | None) -> np.ndarray:
        import torch

        with torch.no_grad():
            f = self._f(torch.as_tensor(obs, dtype=torch.float64), torch.as_tensor(next_obs, dtype=torch.float64))
        log_pi = log_prob(obs, actions) if log_prob is not None else 0.0
        return np.asarray(f.numpy() - log_pi, dtype=np.float64)  # f - log pi

    def state_reward(self, states: np.ndarray) -> np.ndarray:
        import torch

        with torch.no_grad():
            x = (torch.as_tensor(states, dtype=torch.float64) - self.mean) / self.std
            return np.asarray(self.g(x)[:, 0].numpy(), dtype=np.float64)

    def finite(self) -> bool:
        return all(bool(p.isfinite().all()) for p in [*self.g.parameters(), *self.h.parameters()])

    def stats(self) -> dict[str, Any]:
        return {"n_updates": self.n_updates, "update_seconds": self.update_seconds,
                "update_cpu_seconds": self.update_cpu_seconds, "last_loss": self.last_loss}

    def arrays(self) -> dict[str, np.ndarray]:
        out = {f"g.{k}": v.detach().numpy().copy() for k, v in self.g.state_dict().items()}
        out.update({f"h.{k}": v.detach().numpy().copy() for k, v in self.h.state_dict().items()})
        return out
