"""Data augmentation (DA) with an echo state network predicting demand (spec, "DA with an ESN").

Requests are exogenous, so the only unknown of a transition is the next slot's demand.
The ESN predicts each cell's request rates from the request history; a synthetic
transition takes a recent real state, an action from the current actors, the *exact* cache
transition, requests sampled from the ESN prediction, and a reward from the known delay
model with fresh small-scale fading (``da_reward="sim"``) or from a ridge readout
(``da_reward="esn"``). The synthetic share of a minibatch adapts:
ρ_t = ρ_max·clip(1 − e_t/e_pers, 0, 1), e_t the ESN's one-step total-variation error and
e_pers that of the persistence predictor, both on the last 200 real steps.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

import numpy as np

from agentzoo.seeding import torch_generator
from agentzoo.systems.edge_caching import world as W
from agentzoo.systems.edge_caching.channel import csi_error, rayleigh
from agentzoo.systems.edge_caching.esn import ESN

if TYPE_CHECKING:
    from agentzoo.systems.edge_caching.maasn import Learner, Replay

DA_WINDOW = 1_000
"""Synthetic transitions start from real states of the last this many steps."""
ERR_WINDOW = 200
"""ρ_t is set from the prediction errors of the last this many real steps."""


def tv_error(pred: np.ndarray, hist: np.ndarray) -> float:
    """Mean over cells with requests of the total-variation distance between the predicted
    and the realised request distribution."""
    errs = []
    for p, h in zip(pred, hist):
        if h.sum() <= 0:
            continue
        p = np.maximum(p, 0.0)
        p = p / p.sum() if p.sum() > 0 else np.full(len(p), 1 / len(p))
        errs.append(0.5 * np.abs(p - h / h.sum()).sum())
    return float(np.mean(errs)) if errs else 0.0


class Augmenter:
    def __init__(self, scn: W.Scenario, learner: Learner, gen: np.random.Generator) -> None:
        c = scn.config
        self.scn, self.learner, self.gen = scn, learner, gen
        self.K, self.M = scn.K, scn.catalogue.n_models
        n = self.K * self.M
        self.esn = ESN(n, n, c.esn_units, gen, c.esn_spectral_radius, c.esn_leak,
                       c.esn_input_scale, c.esn_density, c.esn_ridge, c.esn_washout)
        self.x = self.esn.zero_state()
        self.u_prev = np.zeros(n)
        self.seen = 0
        self.fit_data: deque[tuple[np.ndarray, np.ndarray, np.ndarray, int]] = deque(maxlen=c.esn_window)
        self.window: deque[tuple[W.State, np.ndarray, np.ndarray]] = deque(maxlen=DA_WINDOW)
        self.errs: deque[tuple[float, float]] = deque(maxlen=ERR_WINDOW)
        self.reward_data: deque[tuple[np.ndarray, float]] = deque(maxlen=c.esn_window)
        self.w_reward: np.ndarray | None = None
        self.ready = False
        self.rho = 0.0
        self.torch_gen = torch_generator(c.seed, "augment-gumbel")

    def rates(self, hist: np.ndarray) -> np.ndarray:
        """Requests per local user and model, flattened (K·M): the ESN's input and target."""
        return (hist / self.scn.n_local[:, None]).ravel()

    def predict(self, x: np.ndarray, u_prev: np.ndarray) -> np.ndarray:
        return np.maximum(self.esn.predict(x, u_prev).reshape(self.K, self.M), 0.0)

    def observe(self, raw: W.State, requests: np.ndarray, cache_after: np.ndarray,
                backhaul_s: float, cost: float) -> None:
        """Feed one real slot: (state before, its requests, the cache served from, its cost)."""
        hist = W.histogram(self.scn, requests)
        target = self.rates(hist)
        self.window.append((raw, self.x.copy(), self.u_prev.copy()))
        if self.ready:
            pred = self.predict(self.x, self.u_prev)
            self.errs.append((tv_error(pred, hist), tv_error(self.u_prev.reshape(hist.shape), hist)))
        self.fit_data.append((self.x.copy(), self.u_prev.copy(), target, self.seen))
        self.reward_data.append((self._reward_features(cache_after, hist, backhaul_s), cost))
        self.x = self.esn.step(self.x, target)
        self.u_prev = target
        self.seen += 1

    def refit(self) -> float:
        """Refit the readout on the recent window (after the washout); returns the new ρ_t."""
        rows = [r for r in self.fit_data if r[3] >= self.esn.washout]
        if len(rows) < 10:
            return self.rho
        states, inputs, targets = (np.stack([r[i] for r in rows]) for i in range(3))
        self.esn.fit(states, inputs, targets, skip_washout=False)
        if self.scn.config.da_reward == "esn":
            X = np.stack([f for f, _ in self.reward_data])
            y = np.array([v for _, v in self.reward_data])
            self.w_reward = np.linalg.solve(X.T @ X + self.esn.ridge * np.eye(X.shape[1]), X.T @ y)
        if self.errs:
            e_t = float(np.mean([e for e, _ in self.errs]))
            e_pers = float(np.mean([p for _, p in self.errs]))
            ratio = e_t / e_pers if e_pers > 0 else 1.0
            self.rho = self.scn.config.rho_max * float(np.clip(1 - ratio, 0.0, 1.0))
        self.ready = True
        return self.rho

    def _reward_features(self, cache: np.ndarray, hist: np.ndarray, backhaul_s: float) -> np.ndarray:
        demand = hist.sum(axis=0) @ self.scn.catalogue.uses.astype(float)  # requests needing b
        holders = cache.sum(axis=0) / self.K
        miss = ~cache.any(axis=0)
        return np.concatenate([[1.0, backhaul_s], demand * miss, demand * holders, demand])

    def generate(self, buffer: Replay, n: int) -> int:
        """Add ``n`` synthetic rollouts of ``syn_horizon`` steps to ``buffer``."""
        c = self.scn.config
        made = 0
        for i in self.gen.integers(len(self.window), size=n):
            raw, x, u_prev = self.window[int(i)]
            for _ in range(c.syn_horizon):
                made += self._one(buffer, raw, x, u_prev)
                if raw.t + 1 >= c.slots_per_episode:
                    break
                raw, x, u_prev = self._last
        return made

    def _one(self, buffer: Replay, raw: W.State, x: np.ndarray, u_prev: np.ndarray) -> int:
        scn, c = self.scn, self.scn.config
        obs = W.observe(scn, raw)
        act, prio = self.learner.policy(obs[None], greedy=False, generator=self.torch_gen)
        tr = W.apply_actions(scn, raw.cache, act[0], prio[0])
        from agentzoo.systems.edge_caching.maasn import executed_actions

        executed = executed_actions(act[0], raw.cache, tr.cache, scn)
        requests = self._sample_requests(self.predict(x, u_prev))
        h_hat = rayleigh(scn.geometry.gain, c.antennas, 1, self.gen)[0]
        hist = W.histogram(scn, requests)
        if c.da_reward == "esn" and self.w_reward is not None:
            cost = float(self._reward_features(tr.cache, hist, tr.backhaul_s) @ self.w_reward)
        else:
            h = h_hat + csi_error(h_hat, c.csi_error, self.gen)
            res = W.deliver_slot(scn, tr.cache, requests, h_hat, h, "mrt")
            cost = W.slot_cost(scn, res.delay, tr.backhaul_s)
        nxt = W.advance(scn, raw, tr.cache, requests, h_hat)
        done = nxt.t >= c.slots_per_episode
        buffer.add(obs, W.global_state(scn, raw, obs), executed, -cost / scn.d_ref,
                   W.observe(scn, nxt), W.global_state(scn, nxt), done)
        target = self.rates(hist)
        self._last: tuple[W.State, np.ndarray, np.ndarray] = (nxt, self.esn.step(x, target), target)
        return 1

    def _sample_requests(self, rates: np.ndarray) -> np.ndarray:
        """Each user asks with probability Σ_m λ_{k,m} (capped at 1) for m ∝ λ_{k,m}."""
        cell = self.scn.geometry.cell
        out = np.full(len(cell), -1)
        for u, k in enumerate(cell):
            lam = rates[k]
            total = float(lam.sum())
            if total <= 0 or self.gen.uniform() >= min(total, 1.0):
                continue
            out[u] = int(self.gen.choice(len(lam), p=lam / total))
        return out

    def readout(self) -> dict[str, Any]:
        """The ESN readout (for artifacts/)."""
        return {"W_out": self.esn.W_out.tolist(), "rho": self.rho, "seen": self.seen}
