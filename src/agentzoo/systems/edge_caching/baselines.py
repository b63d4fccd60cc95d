"""Heuristic caching policies (spec, "Baselines").

* ``pb_lfu``: per EN, a greedy knapsack of PBs by local request frequency per byte
  (LFU counts over the EN's history), no migration, CoMP broadcast delivery;
  ``unicast`` is the same caching delivered by per-EN ZF unicast (see :mod:`.evaluate`).
* ``whole_model``: coarse-grained LFU over whole models, each with its own backbone copy.
* ``random``: a random PB fill at the start of each episode, then hold.
* ``oracle_greedy``: clairvoyant on the next slot's requests; greedy knapsack on the
  EN's share of the delay saved per byte, cheapest sourcing (neighbour before cloud).
"""

from __future__ import annotations

import numpy as np

from agentzoo.systems.edge_caching import world as W


def knapsack_fill(value: np.ndarray, sizes: np.ndarray, capacity: float) -> np.ndarray:
    """Greedy knapsack: take items by value/size (positive values only) while they fit."""
    take = np.zeros(len(sizes), bool)
    used = 0.0
    for i in np.argsort(-value / sizes, kind="stable"):
        if value[i] <= 0:
            break
        if used + sizes[i] <= capacity + 1e-6:
            take[i] = True
            used += sizes[i]
    return take


def to_actions(scn: W.Scenario, cache: np.ndarray, target: np.ndarray, migrate: bool) -> np.ndarray:
    """Per-PB actions that turn ``cache`` into ``target`` (evict, then fetch from a neighbour
    that caches the PB when ``migrate``, else from the cloud)."""
    acts = np.full(cache.shape, W.HOLD, dtype=int)
    acts[cache & ~target] = W.EVICT
    for k in range(scn.K):
        for b in np.flatnonzero(~cache[k] & target[k]):
            acts[k, b] = W.FETCH_CLOUD
            if migrate:
                for i, j in enumerate(scn.neighbours(k)):
                    if cache[j, b]:
                        acts[k, b] = 3 + i
                        break
    return acts


class Policy:
    """A caching policy: ``act`` gives per-PB actions (K, B) for the coming slot."""

    name = "policy"

    def reset(self) -> None:
        """Start of an episode."""

    def act(self, state: W.State, peek: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def observe(self, requests: np.ndarray) -> None:
        """The slot's requests, once served."""


class PBLFU(Policy):
    """Popularity (LFU) knapsack over PBs per EN, no migration."""

    name = "pb_lfu"

    def __init__(self, scn: W.Scenario) -> None:
        self.scn = scn
        self.counts = np.zeros((scn.K, scn.catalogue.n_models))

    def act(self, state: W.State, peek: np.ndarray | None = None) -> np.ndarray:
        cat = self.scn.catalogue
        pb_value = self.counts @ cat.uses.astype(float)  # requests that needed each PB
        target = np.stack([
            knapsack_fill(pb_value[k] + 1e-9 * cat.uses.sum(axis=0), cat.sizes, self.scn.capacity[k])
            for k in range(self.scn.K)
        ])
        return to_actions(self.scn, state.cache, target, migrate=False)

    def observe(self, requests: np.ndarray) -> None:
        self.counts += W.histogram(self.scn, requests)


class RandomFill(Policy):
    """Random PBs until full at the start of each episode, then hold."""

    name = "random"

    def __init__(self, scn: W.Scenario, gen: np.random.Generator) -> None:
        self.scn, self.gen = scn, gen

    def act(self, state: W.State, peek: np.ndarray | None = None) -> np.ndarray:
        if state.t > 0:
            return np.zeros_like(state.cache, dtype=int)
        sizes = self.scn.catalogue.sizes
        target = np.stack([
            knapsack_fill(self.gen.uniform(size=len(sizes)) * sizes, sizes, self.scn.capacity[k])
            for k in range(self.scn.K)
        ])
        return to_actions(self.scn, state.cache, target, migrate=True)


class OracleGreedy(Policy):
    """Knows the next slot's requests. Every EN runs the same greedy knapsack over the needed
    PBs by |G_b|/s_b (a PB held by all ENs is broadcast with full CoMP; a PB held by one EN
    must reach far users of other cells alone). Sourcing is cheapest first (neighbour, then
    cloud). A reference, not a bound: it ignores the rates and the cloud link."""

    name = "oracle_greedy"

    def __init__(self, scn: W.Scenario) -> None:
        self.scn = scn

    def act(self, state: W.State, peek: np.ndarray | None = None) -> np.ndarray:
        if peek is None:
            raise ValueError("oracle_greedy needs the next slot's requests")
        n_g = W.need_matrix(self.scn, peek).sum(axis=1).astype(float)  # |G_b|
        sizes = self.scn.catalogue.sizes
        target = np.stack([
            knapsack_fill(n_g + 1e-6 * state.cache[k], sizes, self.scn.capacity[k])
            for k in range(self.scn.K)
        ])
        return to_actions(self.scn, state.cache, target, migrate=True)


class WholeModelLFU:
    """Coarse-grained caching: LFU over whole models (own backbone copies), no migration."""

    name = "whole_model"

    def __init__(self, scn: W.Scenario) -> None:
        self.scn = scn
        self.counts = np.zeros((scn.K, scn.catalogue.n_models))

    def target(self) -> np.ndarray:
        sizes = self.scn.catalogue.model_sizes
        tiny = 1e-9 * np.arange(len(sizes), 0, -1)  # deterministic order before any history
        return np.stack([
            knapsack_fill(self.counts[k] + tiny, sizes, self.scn.capacity[k]) for k in range(self.scn.K)
        ])

    def observe(self, requests: np.ndarray) -> None:
        self.counts += W.histogram(self.scn, requests)
