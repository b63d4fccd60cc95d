"""Evaluate any method on the same evaluation episodes (common random numbers).

Every method sees identical request and channel traces; a row is written per slot and
every requesting user's delay is kept for the mean and the 95th percentile.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from agentzoo.seeding import rng as make_rng
from agentzoo.systems.edge_caching import world as W
from agentzoo.systems.edge_caching.baselines import (
    PBLFU,
    OracleGreedy,
    Policy,
    RandomFill,
    WholeModelLFU,
)
from agentzoo.systems.edge_caching.delivery import deliver, deliver_unicast


@dataclass
class MethodEval:
    """Per-slot rows and every user delay of one method."""

    method: str
    rows: list[dict[str, float | int | str]] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)
    caches: list[np.ndarray] = field(default_factory=list)
    """Cache bitmaps (K, units) at each slot of the first episode (for the cache picture)."""

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows)

    def summary(self) -> dict[str, float]:
        d = np.asarray(self.delays)
        f = self.frame()
        rec = max(float(f["receptions"].sum()), 1.0)
        return {
            "delay": float(d.mean()) if len(d) else 0.0,
            "p95": float(np.percentile(d, 95)) if len(d) else 0.0,
            "byte_hit_ratio": float(f["byte_hit_ratio"].mean()),
            "backhaul_gb": float(f["backhaul_bytes"].sum() / 1e9 / f["episode"].nunique()),
            "outage_rate": float(f["outages"].sum() / rec),
            "dedup_factor": float(f["dedup_factor"].mean()),
            "bf_fallbacks": float(f["bf_fallbacks"].sum()),
        }


def eval_episodes(scn: W.Scenario, n: int) -> list[tuple[str, W.Episode]]:
    return [(f"eval{i}", W.make_episode(scn, f"eval{i}")) for i in range(n)]


def warm_history(scn: W.Scenario, policy: PBLFU | WholeModelLFU, n: int) -> None:
    """Let an LFU heuristic count the requests of ``n`` history episodes."""
    for i in range(n):
        ep = W.make_episode(scn, f"history{i}")
        for req in ep.requests:
            policy.observe(req)


ActFn = Callable[[W.State, np.ndarray], tuple[np.ndarray, np.ndarray | None]]


def run_pb_policy(
    scn: W.Scenario,
    method: str,
    act: ActFn,
    episodes: list[tuple[str, W.Episode]],
    beamformer: str,
    observe: Callable[[np.ndarray], None] | None = None,
    unicast: bool = False,
    reset: Callable[[], None] | None = None,
) -> MethodEval:
    """Fine-grained caching: ``act(state, next_requests) -> (actions, priority)`` each slot."""
    out = MethodEval(method)
    cat = scn.catalogue
    for e, (key, ep) in enumerate(episodes):
        gen = make_rng(scn.config.seed, "beamforming", "eval", key)
        state = W.initial_state(scn)
        if reset is not None:
            reset()
        for t in range(len(ep.requests)):
            actions, priority = act(state, ep.requests[t])
            tr = W.apply_actions(scn, state.cache, actions, priority)
            if unicast:
                need = W.need_matrix(scn, ep.requests[t])
                res = deliver_unicast(cat.sizes, need, tr.cache, scn.geometry.cell,
                                      ep.h_hat[t], ep.h[t], scn.radio)
            else:
                res = W.deliver_slot(scn, tr.cache, ep.requests[t], ep.h_hat[t], ep.h[t],
                                     beamformer, gen)
            need = np.asarray(W.need_matrix(scn, ep.requests[t]).any(axis=1))
            # dedup factor: bytes whole-model storage needs for the same PBs (one copy per
            # model using each) over bytes stored
            stored = tr.cache.astype(float) @ cat.sizes
            dedup = (tr.cache.astype(float) @ (cat.sizes * cat.uses.sum(axis=0))) / np.maximum(stored, 1.0)
            _record(out, scn, method, e, t, res, tr.backhaul_s, tr.backhaul_bytes,
                    cat.sizes, need, np.asarray(tr.cache.any(axis=0)), float(dedup[stored > 0].mean())
                    if (stored > 0).any() else 1.0)
            if e == 0:
                out.caches.append(tr.cache.copy())
            state = W.advance(scn, state, tr.cache, ep.requests[t], ep.h_hat[t])
            if observe is not None:
                observe(ep.requests[t])
    return out


def run_whole_model(
    scn: W.Scenario, policy: WholeModelLFU, episodes: list[tuple[str, W.Episode]], beamformer: str
) -> MethodEval:
    """Coarse-grained caching: the broadcast units are whole models with their own copies."""
    out = MethodEval(policy.name)
    cat, c = scn.catalogue, scn.config
    msize = cat.model_sizes
    for e, (key, ep) in enumerate(episodes):
        gen = make_rng(c.seed, "beamforming", "eval", key)
        cache = np.zeros((scn.K, cat.n_models), bool)
        for t in range(len(ep.requests)):
            target = policy.target()
            added = target & ~cache
            bh_bytes = float((added.astype(float) @ msize).sum())
            bh_s = float(added.sum() * c.cloud_latency_s + 8 * bh_bytes / c.cloud_bps)
            cache = target
            req = ep.requests[t]
            groups = np.zeros((cat.n_models, len(req)), bool)
            asks = req >= 0
            groups[req[asks], np.flatnonzero(asks)] = True
            res = deliver(msize, groups, cache.T, ep.h_hat[t], ep.h[t], scn.radio, beamformer, gen)
            wanted = np.asarray(groups.any(axis=1))
            _record(out, scn, policy.name, e, t, res, bh_s, bh_bytes, msize, wanted,
                    np.asarray(cache.any(axis=0)), 1.0)
            if e == 0:
                out.caches.append(cache.copy())
            policy.observe(req)
    return out


def _record(out: MethodEval, scn: W.Scenario, method: str, e: int, t: int, res, bh_s: float,  # type: ignore[no-untyped-def]
            bh_bytes: float, sizes: np.ndarray, wanted: np.ndarray, cached: np.ndarray,
            dedup: float) -> None:
    hit = wanted & cached
    delays = res.delay[np.isfinite(res.delay)]
    out.delays.extend(delays.tolist())
    out.rows.append({
        "method": method, "seed": scn.config.seed, "episode": e, "slot": t,
        "delay": float(delays.mean()) if len(delays) else 0.0,
        "cost": W.slot_cost(scn, res.delay, bh_s),
        "n_requests": len(delays),
        "byte_hit_ratio": float(sizes[hit].sum() / sizes[wanted].sum()) if wanted.any() else 1.0,
        "backhaul_bytes": bh_bytes, "backhaul_s": bh_s,
        "outages": res.outages, "receptions": res.receptions,
        "cloud_misses": res.cloud_misses, "bf_fallbacks": res.bf_fallbacks,
        "dedup_factor": dedup,
    })


def evaluate_heuristic(
    scn: W.Scenario, method: str, episodes: list[tuple[str, W.Episode]], beamformer: str
) -> MethodEval:
    """Evaluate one heuristic baseline after its history warm-up."""
    c = scn.config
    if method == "whole_model":
        wm = WholeModelLFU(scn)
        warm_history(scn, wm, c.heuristic_warmup_episodes)
        return run_whole_model(scn, wm, episodes, beamformer)
    policy: Policy
    if method in ("pb_lfu", "unicast"):
        lfu = PBLFU(scn)
        warm_history(scn, lfu, c.heuristic_warmup_episodes)
        policy = lfu
    elif method == "random":
        policy = RandomFill(scn, make_rng(c.seed, "random-policy"))
    elif method == "oracle_greedy":
        policy = OracleGreedy(scn)
    else:
        raise ValueError(f"{method!r} is not a heuristic")
    return run_pb_policy(
        scn, method, lambda s, peek: (policy.act(s, peek), None), episodes, beamformer,
        observe=policy.observe, unicast=method == "unicast", reset=policy.reset,
    )
