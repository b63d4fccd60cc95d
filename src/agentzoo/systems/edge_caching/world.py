"""The system model as pure functions: scenario, request/channel traces, cache transition,
observations, and the per-slot delay objective. The PettingZoo env (:mod:`.env`), the
heuristics and the data-augmentation model all step through these.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from agentzoo.seeding import rng as make_rng
from agentzoo.systems.edge_caching.catalogue import Catalogue, make_catalogue
from agentzoo.systems.edge_caching.channel import (
    Geometry,
    csi_error,
    dbm_to_watt,
    make_geometry,
    noise_power_w,
    rayleigh,
)
from agentzoo.systems.edge_caching.config import Config
from agentzoo.systems.edge_caching.delivery import Radio, SlotDelivery, deliver

HOLD, EVICT, FETCH_CLOUD = 0, 1, 2
EWMA_ETA = 0.2
"""Weight of the newest slot in the EWMA of local requests an EN observes."""


@dataclass(frozen=True)
class Scenario:
    """Everything fixed by ``config.seed``: catalogue, geometry, radio, base popularity."""

    config: Config
    catalogue: Catalogue
    geometry: Geometry
    radio: Radio
    capacity: np.ndarray
    """C_k in bytes, shape (K,)."""
    base_rank: np.ndarray
    """base_rank[k, m]: popularity rank (0 = most popular) of model m in cell k, shape (K, M)."""
    zipf: np.ndarray
    """Zipf(α) probability of each rank, shape (M,)."""
    d_ref: float
    """D_ref: delay of a mean-size model at 20 dB SNR (reward scale, s)."""

    @property
    def K(self) -> int:
        return self.config.n_edges

    @property
    def n_actions(self) -> int:
        """3 own actions + one fetch per neighbour (every other EN of the CoMP cluster)."""
        return 3 + self.K - 1

    def neighbours(self, k: int) -> np.ndarray:
        return np.array([j for j in range(self.K) if j != k], dtype=int)

    @property
    def n_local(self) -> np.ndarray:
        return np.maximum(np.bincount(self.geometry.cell, minlength=self.K), 1)


def make_scenario(config: Config) -> Scenario:
    cat = make_catalogue(
        config.catalogue, config.n_backbones, config.tasks_per_backbone, config.catalogue_file
    )
    gen = make_rng(config.seed, "scenario")
    noise = noise_power_w(config.noise_dbm_hz, config.bandwidth_hz, config.noise_figure_db)
    geo = make_geometry(config.n_edges, config.n_users, config.isd_m, config.shadowing_db, noise, gen)
    P = np.full(config.n_edges, dbm_to_watt(config.p_tx_dbm))
    radio = Radio(
        config.bandwidth_hz, P, config.cloud_bps, config.cloud_latency_s, config.backhaul_bps,
        config.csi_error, config.schedule,
    )
    M = cat.n_models
    base_rank = np.stack([gen.permutation(M) for _ in range(config.n_edges)])
    zipf = np.arange(1, M + 1, dtype=float) ** -config.zipf_alpha
    d_ref = 8 * cat.model_sizes.mean() / (config.bandwidth_hz * np.log2(1 + 100.0))
    capacity = np.full(config.n_edges, config.capacity_frac * cat.dedup_bytes)
    return Scenario(config, cat, geo, radio, capacity, base_rank, zipf / zipf.sum(), float(d_ref))


@dataclass(frozen=True)
class Episode:
    """Exogenous traces of one episode (common random numbers across methods)."""

    requests: np.ndarray
    """m_u(t), −1 for no request, shape (T, U)."""
    h_hat: np.ndarray
    """Estimated channels ĥ, shape (T, U, K, N_t)."""
    h: np.ndarray
    """True channels h = ĥ + e, shape (T, U, K, N_t)."""
    popularity: np.ndarray
    """Request distribution of each cell in each slot, shape (T, K, M)."""


def popularity_trace(scn: Scenario, T: int, gen: np.random.Generator) -> np.ndarray:
    """Per-cell Zipf popularity; every ``drift_every`` slots two ranks swap in each cell."""
    rank = scn.base_rank.copy()
    out = np.empty((T, scn.K, scn.catalogue.n_models))
    every = scn.config.drift_every
    for t in range(T):
        if every and t > 0 and t % every == 0:
            for k in range(scn.K):
                a, b = gen.choice(rank.shape[1], 2, replace=False)
                rank[k, [a, b]] = rank[k, [b, a]]
        out[t] = scn.zipf[rank]
    return out


def sample_requests(scn: Scenario, popularity: np.ndarray, gen: np.random.Generator) -> np.ndarray:
    """One slot's requests: each user asks with p_req for a model drawn from its cell's distribution."""
    cell = scn.geometry.cell
    p = popularity[cell]  # (U, M)
    draws = (p.cumsum(axis=1) < gen.uniform(size=(len(cell), 1))).sum(axis=1)
    draws = np.minimum(draws, p.shape[1] - 1)
    return np.where(gen.uniform(size=len(cell)) < scn.config.p_request, draws, -1)


def make_episode(scn: Scenario, seed: int | str, T: int | None = None) -> Episode:
    c = scn.config
    T = T or c.slots_per_episode
    pop = popularity_trace(scn, T, make_rng(c.seed, "popularity", seed))
    req_gen = make_rng(c.seed, "requests", seed)
    requests = np.stack([sample_requests(scn, pop[t], req_gen) for t in range(T)])
    h_hat = rayleigh(scn.geometry.gain, c.antennas, T, make_rng(c.seed, "fading", seed))
    h = h_hat + csi_error(h_hat, c.csi_error, make_rng(c.seed, "csi", seed))
    return Episode(requests, h_hat, h, pop)


# ----------------------------------------------------------------------- cache dynamics
@dataclass(frozen=True)
class State:
    """What the ENs know at the start of a slot (before its requests)."""

    cache: np.ndarray
    """c_{k,b}, bool, shape (K, B)."""
    ewma: np.ndarray
    """EWMA of local requests per model, shape (K, M)."""
    t: int
    """Slot index within the episode."""
    gain_db: np.ndarray
    """Mean estimated channel gain (dB over noise) to local users in the last slot, shape (K,)."""
    hist: np.ndarray
    """Last slot's request histogram per cell, shape (K, M)."""


def initial_state(scn: Scenario) -> State:
    K, M, B = scn.K, scn.catalogue.n_models, scn.catalogue.n_blocks
    prior = (scn.n_local * scn.config.p_request / M)[:, None] * np.ones((K, M))
    gain_db = np.array([10 * np.log10(scn.geometry.gain[scn.geometry.cell == k, k].mean())
                        if (scn.geometry.cell == k).any() else 0.0 for k in range(K)])
    return State(np.zeros((K, B), bool), prior, 0, gain_db, np.zeros((K, M)))


def action_mask(scn: Scenario, cache: np.ndarray) -> np.ndarray:
    """Valid actions, bool (K, B, A): evict iff cached; fetch iff not; from j iff j caches b."""
    K, B = cache.shape
    mask = np.zeros((K, B, scn.n_actions), bool)
    mask[:, :, HOLD] = True
    mask[:, :, EVICT] = cache
    mask[:, :, FETCH_CLOUD] = ~cache
    for k in range(K):
        for i, j in enumerate(scn.neighbours(k)):
            mask[k, :, 3 + i] = ~cache[k] & cache[j]
    return mask


@dataclass(frozen=True)
class Transition:
    cache: np.ndarray
    backhaul_s: float
    """Sum of the transfer times of all cache updates (s)."""
    backhaul_bytes: float
    invalid: np.ndarray
    """Out-of-mask actions turned into holds, per EN, shape (K,)."""
    rejected: np.ndarray
    """Fetches dropped by the capacity projection, per EN, shape (K,)."""


def apply_actions(
    scn: Scenario, cache: np.ndarray, actions: np.ndarray, priority: np.ndarray | None = None
) -> Transition:
    """The exact cache transition with capacity projection (spec: evictions first, then
    fetches in descending ``priority`` until C_k is full; rejected fetches become holds)."""
    sizes = scn.catalogue.sizes
    K, B = cache.shape
    actions = np.asarray(actions, dtype=int)
    if actions.shape != (K, B):
        raise ValueError(f"actions must have shape {(K, B)}, got {actions.shape}")
    in_range = (actions >= 0) & (actions < scn.n_actions)
    safe = np.where(in_range, actions, HOLD)
    valid = np.take_along_axis(action_mask(scn, cache), safe[..., None], axis=2)[..., 0] & in_range
    acts = np.where(valid, actions, HOLD)
    new = cache & ~(acts == EVICT)
    prio = -np.arange(B, dtype=float)[None].repeat(K, 0) if priority is None else priority
    bh_s = bh_bytes = 0.0
    rejected = np.zeros(K, int)
    c = scn.config
    for k in range(K):
        used = float(sizes[new[k]].sum())
        fetches = np.flatnonzero(acts[k] >= FETCH_CLOUD)
        for b in fetches[np.argsort(-prio[k, fetches], kind="stable")]:
            if used + sizes[b] > scn.capacity[k] + 1e-6:
                rejected[k] += 1
                continue
            new[k, b] = True
            used += sizes[b]
            bh_bytes += sizes[b]
            if acts[k, b] == FETCH_CLOUD:
                bh_s += c.cloud_latency_s + 8 * sizes[b] / c.cloud_bps
            else:
                bh_s += 8 * sizes[b] / c.backhaul_bps
    return Transition(new, bh_s, bh_bytes, (~valid).sum(axis=1), rejected)


def deliver_slot(
    scn: Scenario,
    cache: np.ndarray,
    requests: np.ndarray,
    h_hat: np.ndarray,
    h: np.ndarray,
    beamformer: str,
    gen: np.random.Generator | None = None,
) -> SlotDelivery:
    """Fine-grained delivery: the units are PBs, G_b = {u : b ∈ B_{m_u}}."""
    need = need_matrix(scn, requests)
    return deliver(scn.catalogue.sizes, need, cache.T, h_hat, h, scn.radio, beamformer, gen)


def need_matrix(scn: Scenario, requests: np.ndarray) -> np.ndarray:
    """need[b, u] = b ∈ B_{m_u}, shape (B, U)."""
    asks = requests >= 0
    need = np.zeros((scn.catalogue.n_blocks, len(requests)), bool)
    need[:, asks] = scn.catalogue.uses[requests[asks]].T
    return need


def slot_cost(scn: Scenario, delay: np.ndarray, backhaul_s: float) -> float:
    """D̄_t = mean_u D_u + λ_bh·(backhaul time of the cache updates)."""
    mean = float(np.nanmean(delay)) if np.isfinite(delay).any() else 0.0
    return mean + scn.config.lambda_bh * backhaul_s


def histogram(scn: Scenario, requests: np.ndarray) -> np.ndarray:
    """Requests per cell and model, shape (K, M)."""
    hist = np.zeros((scn.K, scn.catalogue.n_models))
    asks = requests >= 0
    np.add.at(hist, (scn.geometry.cell[asks], requests[asks]), 1.0)
    return hist


def advance(scn: Scenario, state: State, cache: np.ndarray, requests: np.ndarray,
            h_hat: np.ndarray) -> State:
    """The next state after a slot whose requests and channels were observed."""
    hist = histogram(scn, requests)
    cell = scn.geometry.cell
    g = (np.abs(h_hat) ** 2).sum(axis=2)[np.arange(len(cell)), cell]  # (U,) to serving EN
    gain_db = np.array([10 * np.log10(g[cell == k].mean()) if (cell == k).any() else 0.0
                        for k in range(scn.K)])
    ewma = (1 - EWMA_ETA) * state.ewma + EWMA_ETA * hist
    return replace(state, cache=cache, ewma=ewma, t=state.t + 1, gain_db=gain_db, hist=hist)


# ----------------------------------------------------------------------- observations
@dataclass(frozen=True)
class ObsLayout:
    """Layout of an EN's flat observation: [self | neighbour 1 | ... | neighbour K−1]."""

    B: int
    M: int
    n_nb: int

    @property
    def self_dim(self) -> int:  # cache(B), free(1), ewma(M), demand(B), gain(1), phase(1)
        return 2 * self.B + self.M + 3

    @property
    def nb_dim(self) -> int:  # cache_j(B), R_bh(1), demand_j(B)
        return 2 * self.B + 1

    @property
    def dim(self) -> int:
        return self.self_dim + self.n_nb * self.nb_dim


def layout(scn: Scenario) -> ObsLayout:
    return ObsLayout(scn.catalogue.n_blocks, scn.catalogue.n_models, scn.K - 1)


def observe(scn: Scenario, state: State) -> np.ndarray:
    """Flat observations of every EN, shape (K, dim) float32."""
    cat, c = scn.catalogue, scn.config
    n_local = scn.n_local[:, None]
    ewma = state.ewma / n_local
    demand = ewma @ cat.uses.astype(float)  # per-PB demand implied by the model EWMA
    free = 1 - (state.cache.astype(float) @ cat.sizes) / scn.capacity
    phase = state.t / c.slots_per_episode
    own = np.concatenate(
        [state.cache, free[:, None], ewma, demand, state.gain_db[:, None] / 100.0,
         np.full((scn.K, 1), phase)], axis=1,
    )
    rows = []
    for k in range(scn.K):
        parts = [own[k]]
        for j in scn.neighbours(k):
            parts += [state.cache[j], [c.backhaul_bps / 1e9], demand[j]]
        rows.append(np.concatenate(parts))
    return np.asarray(rows, dtype=np.float32)


def global_state(scn: Scenario, state: State, obs: np.ndarray | None = None) -> np.ndarray:
    """The critic's state: every EN's observation plus the true last request histogram."""
    obs = observe(scn, state) if obs is None else obs
    hist = state.hist / scn.n_local[:, None]
    return np.concatenate([obs.ravel(), hist.ravel()]).astype(np.float32)
