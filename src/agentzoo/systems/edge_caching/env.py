"""``EdgeCachingEnv``: the multi-cell PB caching system as a PettingZoo ``ParallelEnv``.

One agent per EN (``en_0..en_{K-1}``). Each slot: the ENs' cache actions are applied
(proactive caching: before the slot's requests), then the slot's requests arrive and are
served by CoMP broadcast; every EN receives the shared reward r_t = −D̄_t / D_ref.
Episodes end by truncation after ``slots_per_episode`` slots.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from agentzoo.seeding import rng as make_rng
from agentzoo.systems.edge_caching import world as W
from agentzoo.systems.edge_caching.config import Config


class EdgeCachingEnv(ParallelEnv):
    """PB caching, eviction and migration by K edge nodes (see the module docstring).

    ``reset(seed=s)`` fixes the episode's request and channel traces (the scenario itself
    is fixed by ``config.seed``); ``options={"episode": Episode}`` injects a trace.
    ``strict=True`` makes an out-of-mask action a ``ValueError`` instead of a counted hold.
    """

    metadata = {"name": "edge_caching_v0", "render_modes": []}  # noqa: RUF012

    def __init__(
        self,
        config: Config | None = None,
        *,
        beamformer: str | None = None,
        strict: bool = False,
        scenario: W.Scenario | None = None,
    ) -> None:
        self.config = config or Config()
        self.scn = scenario or W.make_scenario(self.config)
        self.beamformer = beamformer or self.config.bf_train
        self.strict = strict
        self.possible_agents = [f"en_{k}" for k in range(self.scn.K)]
        self.agents: list[str] = []
        self.layout = W.layout(self.scn)
        B, A = self.scn.catalogue.n_blocks, self.scn.n_actions
        box = spaces.Box(-np.inf, np.inf, (self.layout.dim,), np.float32)
        if self.config.action_mode == "factored":
            act: spaces.Space[Any] = spaces.MultiDiscrete([A] * B)
            mask_shape: tuple[int, ...] = (B, A)
        else:
            act = spaces.Discrete(1 + B * (A - 1))
            mask_shape = (1 + B * (A - 1),)
        obs: spaces.Space[Any] = box
        if self.config.obs_mode == "dict":
            # gymnasium's MultiDiscrete.sample(mask=...) takes one mask per head, as a tuple.
            mask_space: spaces.Space[Any] = (
                spaces.Tuple([spaces.Box(0, 1, (A,), np.int8)] * B)
                if self.config.action_mode == "factored"
                else spaces.Box(0, 1, mask_shape, np.int8)
            )
            obs = spaces.Dict({"observation": box, "action_mask": mask_space})
        self._obs_spaces = {a: obs for a in self.possible_agents}
        self._act_spaces = {a: act for a in self.possible_agents}
        state_dim = self.scn.K * self.layout.dim + self.scn.K * self.scn.catalogue.n_models
        self.state_space = spaces.Box(-np.inf, np.inf, (state_dim,), np.float32)
        self._base_seed: int = 0
        self._count = 0
        self.s = W.initial_state(self.scn)
        self.episode: W.Episode | None = None
        self._bf_rng = make_rng(self.config.seed, "beamforming")

    # ------------------------------------------------------------------ spaces
    def observation_space(self, agent: str) -> spaces.Space[Any]:
        return self._obs_spaces[agent]

    def action_space(self, agent: str) -> spaces.Space[Any]:
        return self._act_spaces[agent]

    # ------------------------------------------------------------------ API
    def reset(
        self, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        if seed is not None:
            self._base_seed, self._count = int(seed), 0
        key = f"{self._base_seed}" if self._count == 0 else f"{self._base_seed}+{self._count}"
        self._count += 1
        options = options or {}
        self.episode = options.get("episode") or W.make_episode(self.scn, key)
        self._bf_rng = make_rng(self.config.seed, "beamforming", key)
        self.s = W.initial_state(self.scn)
        self.agents = list(self.possible_agents)
        return self._observations(), {a: {} for a in self.agents}

    def step(self, actions: dict[str, Any]) -> tuple[
        dict[str, Any], dict[str, float], dict[str, bool], dict[str, bool], dict[str, dict[str, Any]]
    ]:
        if not self.agents or self.episode is None:
            raise RuntimeError("step() called before reset() or after the episode ended")
        joint = self.decode(actions)
        tr = W.apply_actions(self.scn, self.s.cache, joint)
        t = self.s.t
        ep = self.episode
        out = W.deliver_slot(self.scn, tr.cache, ep.requests[t], ep.h_hat[t], ep.h[t],
                             self.beamformer, self._bf_rng)
        cost = W.slot_cost(self.scn, out.delay, tr.backhaul_s)
        reward = -cost / self.scn.d_ref
        need = W.need_matrix(self.scn, ep.requests[t])
        wanted = need.any(axis=1)
        hit = wanted & tr.cache.any(axis=0)
        sizes = self.scn.catalogue.sizes
        self.s = W.advance(self.scn, self.s, tr.cache, ep.requests[t], ep.h_hat[t])
        done = self.s.t >= len(ep.requests)
        obs = self._observations()
        base = {
            "slot": t,
            "delay": float(np.nanmean(out.delay)) if np.isfinite(out.delay).any() else 0.0,
            "cost": cost,
            "hits": int(hit.sum()),
            "requested_blocks": int(wanted.sum()),
            "byte_hit_ratio": float(sizes[hit].sum() / sizes[wanted].sum()) if wanted.any() else 1.0,
            "backhaul_bytes": tr.backhaul_bytes,
            "backhaul_s": tr.backhaul_s,
            "outages": out.outages,
            "receptions": out.receptions,
            "bf_fallbacks": out.bf_fallbacks,
            "cache_bytes": (tr.cache.astype(float) @ sizes).tolist(),
        }
        infos = {
            a: {**base, "invalid_actions": int(tr.invalid[k]), "rejected_fetches": int(tr.rejected[k])}
            for k, a in enumerate(self.agents)
        }
        rewards = dict.fromkeys(self.agents, float(reward))
        terms = dict.fromkeys(self.agents, False)
        truncs = dict.fromkeys(self.agents, bool(done))
        if done:
            self.agents = []
        return obs, rewards, terms, truncs, infos

    def state(self) -> np.ndarray:
        return W.global_state(self.scn, self.s)

    # ------------------------------------------------------------------ helpers
    def mask(self) -> np.ndarray:
        """Valid actions of every EN in the current state, bool (K, B, A)."""
        return W.action_mask(self.scn, self.s.cache)

    def decode(self, actions: dict[str, Any]) -> np.ndarray:
        """Agent actions -> joint (K, B) per-PB actions; missing agents hold."""
        K, B, A = self.scn.K, self.scn.catalogue.n_blocks, self.scn.n_actions
        joint = np.zeros((K, B), dtype=int)
        index = {a: k for k, a in enumerate(self.possible_agents)}
        for agent, act in actions.items():
            if agent not in index or agent not in self.agents:
                raise ValueError(f"unknown or finished agent {agent!r}; live agents: {self.agents}")
            k = index[agent]
            if self.config.action_mode == "factored":
                arr = np.asarray(act)
                if arr.shape != (B,):
                    raise ValueError(f"{agent}: action must have shape ({B},), got {arr.shape}")
                joint[k] = arr
            else:
                arr = np.asarray(act)
                if arr.shape not in ((), (1,)):
                    raise ValueError(f"{agent}: action must be one integer, got shape {arr.shape}")
                op = int(arr.reshape(-1)[0])
                if not 0 <= op <= B * (A - 1):
                    raise ValueError(f"{agent}: action {op} outside 0..{B * (A - 1)}")
                if op > 0:
                    joint[k, (op - 1) // (A - 1)] = (op - 1) % (A - 1) + 1
        if self.strict:
            mask = self.mask()
            in_range = (joint >= 0) & (joint < A)
            safe = np.where(in_range, joint, 0)
            ok = np.take_along_axis(mask, safe[..., None], axis=2)[..., 0] & in_range
            if not ok.all():
                k, b = map(int, np.argwhere(~ok)[0])
                raise ValueError(f"en_{k}: action {joint[k, b]} on PB {b} is masked out")
        return joint

    def _observations(self) -> dict[str, Any]:
        flat = W.observe(self.scn, self.s)
        if self.config.obs_mode == "flat":
            return {a: flat[k] for k, a in enumerate(self.agents)}
        mask = self.mask()
        out = {}
        for k, a in enumerate(self.agents):
            m: Any
            if self.config.action_mode == "factored":
                m = tuple(mask[k].astype(np.int8))
            else:
                m = np.concatenate([[1], mask[k, :, 1:].reshape(-1)]).astype(np.int8)
            out[a] = {"observation": flat[k], "action_mask": m}
        return out
