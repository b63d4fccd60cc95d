"""One run: every method of ``config.methods`` on one scenario (one seed), evaluated on the
same request and channel traces; learners trained first, each for ``total_env_steps``."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

import numpy as np
import pandas as pd

from agentzoo.runs import Result
from agentzoo.systems.edge_caching import world as W
from agentzoo.systems.edge_caching.config import LEARNERS, Config
from agentzoo.systems.edge_caching.evaluate import (
    MethodEval,
    eval_episodes,
    evaluate_heuristic,
    run_pb_policy,
)

log = logging.getLogger(__name__)
PRIMARY = "maasn_da"


def run(config: Config) -> Result:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small networks: one thread is faster, and leaves a core free
    try:
        return _run(config)
    finally:
        torch.set_num_threads(threads)


def _run(config: Config) -> Result:
    from agentzoo.systems.edge_caching.maasn import Learner

    start = time.perf_counter()
    scn = W.make_scenario(config)
    episodes = eval_episodes(scn, config.eval_episodes)
    curve_eps = [(f"curve{i}", W.make_episode(scn, f"curve{i}")) for i in range(config.curve_episodes)]
    evals: dict[str, MethodEval] = {}
    artifacts: dict[str, Any] = {}
    metrics: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for method in config.methods:  # heuristics first: their results stand whatever the learners do
        if method in LEARNERS:
            continue
        t0 = time.perf_counter()
        evals[method] = evaluate_heuristic(scn, method, episodes, config.bf_eval)
        timings[f"{method}_s"] = time.perf_counter() - t0
        log.info("%s: mean delay %.3f s", method, evals[method].summary()["delay"])
    curves: dict[str, list[tuple[int, float]]] = {}
    rho_curves: dict[str, list[tuple[int, float]]] = {}
    train_rows = []
    for method in config.learners:
        t0 = time.perf_counter()
        learner = Learner(scn, method, config.seed)
        tlog = learner.train(config.total_env_steps, curve_eps)
        evals[method] = run_pb_policy(scn, method, learner.act_fn, episodes, config.bf_eval)
        timings[f"{method}_s"] = time.perf_counter() - t0
        curves[method], rho_curves[method] = tlog.curve, tlog.rho
        train_rows += tlog.rows
        artifacts[f"{method}.pt"] = tlog.checkpoint
        if tlog.esn_readout is not None:
            artifacts[f"esn_readout_{method}.json"] = tlog.esn_readout
        metrics[f"train_steps_per_s_{method}"] = tlog.steps_per_s
        metrics[f"learner_failed_{method}"] = int(tlog.failed is not None)
        metrics[f"synthetic_transitions_{method}"] = tlog.synthetic
        if tlog.rho:
            metrics[f"rho_final_{method}"] = tlog.rho[-1][1]
        log.info("%s: mean delay %.3f s (%.1f train steps/s)", method,
                 evals[method].summary()["delay"], tlog.steps_per_s)
    for method in config.methods:
        for key, value in evals[method].summary().items():
            metrics[f"{key}_{method}"] = value
    primary = PRIMARY if PRIMARY in evals else next(iter(config.learners), None)
    for ref, name in (("whole_model", "whole_model"), ("pb_lfu", "popularity")):
        metrics[f"delay_reduction_vs_{name}"] = (
            reduction(evals[primary].summary()["delay"], evals[ref].summary()["delay"])
            if primary and ref in evals else math.nan
        )
    for ref in ("qmix", "vdn", "iql", "maasn"):
        if primary and ref in evals and ref != primary:
            metrics[f"delay_reduction_vs_{ref}"] = reduction(
                evals[primary].summary()["delay"], evals[ref].summary()["delay"])
    if "unicast" in evals and "pb_lfu" in evals:
        metrics["delay_reduction_pb_lfu_vs_unicast"] = reduction(
            evals["pb_lfu"].summary()["delay"], evals["unicast"].summary()["delay"])
    if "maasn_da" in curves and "maasn" in curves:
        metrics["augmentation_sample_ratio"], metrics["augmentation_auc_ratio"] = sample_ratio(
            curves["maasn_da"], curves["maasn"])
    else:
        metrics["augmentation_sample_ratio"] = math.nan
    metrics["env_steps_per_s"] = env_throughput(config)
    metrics["wall_seconds"] = time.perf_counter() - start
    records = pd.concat([e.frame() for e in evals.values()], ignore_index=True)
    artifacts["curves.json"] = {"curves": curves, "rho": rho_curves}
    artifacts["cache_content.json"] = cache_content(scn, evals)
    if train_rows:
        artifacts["training.parquet"] = pd.DataFrame(train_rows)
    return Result.create("edge-caching", config, metrics, records=records, artifacts=artifacts,
                         timings=timings)


def reduction(delay: float, reference: float) -> float:
    """Fractional delay reduction 1 − D/D_ref (0.3 = 30% lower)."""
    return 1.0 - delay / reference if reference > 0 else math.nan


def steps_to_reach(curve: list[tuple[int, float]], threshold: float) -> int:
    """First real-step count whose eval return is ≥ threshold (the last step if never)."""
    for step, ret in curve:
        if ret >= threshold:
            return step
    return curve[-1][0]


def sample_ratio(with_da: list[tuple[int, float]], without: list[tuple[int, float]]
                 ) -> tuple[float, float]:
    """(steps to 95% of the no-DA run's improvement, DA over no-DA; AUC ratio).

    Returns are negative, so "95% of final return" is read as 95% of the way from the
    untrained policy's return R_0 to no-DA's final return R_f (mean of its last two points).
    NaN when the no-DA run did not improve on R_0.
    """
    r0 = without[0][1]
    rf = float(np.mean([r for _, r in without[-2:]]))
    if rf <= r0:
        return math.nan, math.nan
    threshold = r0 + 0.95 * (rf - r0)
    steps_da, steps_no = steps_to_reach(with_da, threshold), steps_to_reach(without, threshold)
    auc_da = float(np.mean([r - r0 for _, r in with_da]))
    auc_no = float(np.mean([r - r0 for _, r in without]))
    ratio = steps_da / steps_no if steps_no > 0 else math.nan
    return ratio, (auc_da / auc_no if auc_no > 0 else math.nan)


def env_throughput(config: Config, steps: int = 200) -> float:
    """Random masked steps per second of one EdgeCachingEnv (MRT), measured here."""
    from agentzoo.seeding import rng as make_rng
    from agentzoo.systems.edge_caching.env import EdgeCachingEnv

    env = EdgeCachingEnv(config.replace(obs_mode="flat", action_mode="factored"), beamformer="mrt")
    gen = make_rng(config.seed, "throughput")
    env.reset(seed=0)
    t0 = time.perf_counter()
    for _ in range(steps):
        if not env.agents:
            env.reset()
        mask = env.mask()
        acts = (gen.uniform(size=mask.shape) * mask).argmax(-1)
        env.step(dict(zip(env.agents, acts)))
    return steps / (time.perf_counter() - t0)


def cache_content(scn: W.Scenario, evals: dict[str, MethodEval]) -> dict[str, Any]:
    """The cache (K × units) of each method at the last slot of the first eval episode."""
    out: dict[str, Any] = {"blocks": list(scn.catalogue.names),
                           "models": list(scn.catalogue.model_names), "methods": {}}
    for method, ev in evals.items():
        if ev.caches:
            out["methods"][method] = ev.caches[-1].astype(int).tolist()
    return out
