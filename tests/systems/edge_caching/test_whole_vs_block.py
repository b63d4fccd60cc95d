"""Whole-model caching and block caching agree when no PBs are shared."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from agentzoo.systems.edge_caching import world as W
from agentzoo.systems.edge_caching.config import Config
from agentzoo.systems.edge_caching.delivery import deliver


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_no_shared_pbs_gives_identical_delays(seed: int) -> None:
    config = Config(n_edges=3, antennas=2, n_users=6, n_backbones=3, tasks_per_backbone=1,
                    capacity_frac=0.6, csi_error=0.0, seed=seed)
    scn = W.make_scenario(config)
    cat = scn.catalogue
    assert not cat.shared.any()
    gen = np.random.default_rng(seed)
    ep = W.make_episode(scn, "t")
    # requests with distinct multiplicities per model, so both schedules order models alike
    requests = np.array([0, 1, 1, 2, 2, 2])
    gen.shuffle(requests)
    model_cache = np.zeros((scn.K, cat.n_models), bool)
    for k in range(scn.K):  # every requested model cached somewhere, at random ENs
        model_cache[k, gen.choice(cat.n_models, size=1, replace=False)] = True
    model_cache[0, (~model_cache.any(axis=0)).nonzero()[0]] = True
    pb_cache = (model_cache.astype(int) @ cat.uses.astype(int)) > 0
    groups = np.zeros((cat.n_models, len(requests)), bool)
    groups[requests, np.arange(len(requests))] = True
    whole = deliver(cat.model_sizes, groups, model_cache.T, ep.h_hat[0], ep.h[0], scn.radio)
    block = W.deliver_slot(scn, pb_cache, requests, ep.h_hat[0], ep.h[0], "mrt")
    assert block.delay == pytest.approx(whole.delay, rel=1e-9)
    # storage: the same bytes when nothing is shared
    assert (pb_cache.astype(float) @ cat.sizes) == pytest.approx(model_cache.astype(float) @ cat.model_sizes)


def test_block_caching_never_slower_on_cloud_misses() -> None:
    """With nothing cached, PB misses pipeline (fetch the next PB while one is on air)."""
    config = Config(n_backbones=2, tasks_per_backbone=1, csi_error=0.0)
    scn = W.make_scenario(config)
    scn = dataclasses.replace(scn)
    ep = W.make_episode(scn, "m")
    cat = scn.catalogue
    requests = np.array([0] * 7 + [1] * 5)
    groups = np.zeros((cat.n_models, len(requests)), bool)
    groups[requests, np.arange(len(requests))] = True
    whole = deliver(cat.model_sizes, groups, np.zeros((cat.n_models, scn.K), bool),
                    ep.h_hat[0], ep.h[0], scn.radio)
    block = W.deliver_slot(scn, np.zeros((scn.K, cat.n_blocks), bool), requests,
                           ep.h_hat[0], ep.h[0], "mrt")
    assert (block.delay <= whole.delay + 1e-9).all()
