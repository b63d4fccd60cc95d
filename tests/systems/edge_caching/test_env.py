"""The PettingZoo environment: API conformance, seeding, storage constraint, masks, errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pettingzoo.test import parallel_api_test, parallel_seed_test

from agentzoo.systems.edge_caching import world as W
from agentzoo.systems.edge_caching.config import Config
from agentzoo.systems.edge_caching.env import EdgeCachingEnv

SMALL = Config.quick().replace(slots_per_episode=5)


@pytest.mark.parametrize("obs_mode", ["flat", "dict"])
@pytest.mark.parametrize("action_mode", ["factored", "single"])
def test_parallel_api_and_seed_tests_pass(obs_mode: str, action_mode: str) -> None:
    config = SMALL.replace(obs_mode=obs_mode, action_mode=action_mode)
    parallel_api_test(EdgeCachingEnv(config), num_cycles=30)
    parallel_seed_test(lambda: EdgeCachingEnv(config))


def rollout(env: EdgeCachingEnv, seed: int, n: int) -> list[float]:
    env.reset(seed=seed)
    gen = np.random.default_rng(7)
    rewards = []
    for _ in range(n):
        if not env.agents:
            env.reset()
        mask = env.mask()
        acts = (gen.uniform(size=mask.shape) * mask).argmax(-1)
        _, r, _, _, _ = env.step(dict(zip(env.agents, acts)))
        rewards.append(r["en_0"])
    return rewards


def test_same_seed_same_trace_and_state_matches_space() -> None:
    a, b = EdgeCachingEnv(SMALL), EdgeCachingEnv(SMALL)
    assert rollout(a, 3, 12) == rollout(b, 3, 12)
    assert rollout(a, 4, 5) != rollout(b, 3, 5)
    assert a.state_space.contains(a.state())


def test_episode_truncates_and_agents_empty() -> None:
    env = EdgeCachingEnv(SMALL)
    env.reset(seed=0)
    for _ in range(SMALL.slots_per_episode):
        _, _, terms, truncs, infos = env.step({})
        assert set(infos["en_0"]) >= {"delay", "hits", "backhaul_bytes", "outages", "invalid_actions"}
    assert all(truncs.values()) and not any(terms.values()) and env.agents == []
    with pytest.raises(RuntimeError):
        env.step({})


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), n_steps=st.integers(5, 40))
def test_storage_never_exceeds_capacity_under_random_actions(seed: int, n_steps: int) -> None:
    """Any action sequence (masked or not) keeps Σ_b c_kb s_b ≤ C_k and honours the masks."""
    env = EdgeCachingEnv(SMALL)
    env.reset(seed=seed)
    sizes = env.scn.catalogue.sizes
    for _ in range(n_steps):
        if not env.agents:
            env.reset()
        before = env.s.cache.copy()
        mask = env.mask()
        acts = {a: env.action_space(a).sample() for a in env.agents}
        _, _, _, _, infos = env.step(acts)
        after = env.s.cache
        assert ((after.astype(float) @ sizes) <= env.scn.capacity + 1e-6).all()
        joint = np.stack([acts[a] for a in env.possible_agents])
        invalid = ~np.take_along_axis(mask, joint[..., None], axis=2)[..., 0]
        assert sum(i["invalid_actions"] for i in infos.values()) == invalid.sum()
        # an invalid action is a hold; an eviction removes; nothing appears without a fetch
        assert not (after & ~before & ((joint < W.FETCH_CLOUD) | invalid)).any()
        assert not (~after & before & ((joint != W.EVICT) | invalid)).any()


@pytest.mark.parametrize("n", [300, pytest.param(10_000, marks=pytest.mark.slow)])
def test_storage_over_many_random_steps(n: int) -> None:
    env = EdgeCachingEnv(SMALL)
    gen = np.random.default_rng(0)
    env.reset(seed=0)
    for _ in range(n):
        if not env.agents:
            env.reset()
        acts = gen.integers(0, env.scn.n_actions, size=(env.scn.K, env.scn.catalogue.n_blocks))
        env.step(dict(zip(env.agents, acts)))
        assert ((env.s.cache.astype(float) @ env.scn.catalogue.sizes) <= env.scn.capacity + 1e-6).all()


def test_bad_actions_raise_value_error() -> None:
    env = EdgeCachingEnv(SMALL)
    env.reset(seed=0)
    B = env.scn.catalogue.n_blocks
    with pytest.raises(ValueError, match="shape"):
        env.step({"en_0": np.zeros(B + 1, int)})
    with pytest.raises(ValueError, match="unknown"):
        env.step({"en_9": np.zeros(B, int)})
    strict = EdgeCachingEnv(SMALL, strict=True)
    strict.reset(seed=0)
    evict_uncached = np.full(B, W.EVICT)  # nothing is cached at reset
    with pytest.raises(ValueError, match="masked"):
        strict.step({"en_0": evict_uncached})
    _, _, _, _, infos = env.step({"en_0": evict_uncached})
    assert infos["en_0"]["invalid_actions"] == B


def test_single_action_mode_decodes_one_operation() -> None:
    env = EdgeCachingEnv(SMALL.replace(action_mode="single"))
    env.reset(seed=0)
    A = env.scn.n_actions
    b = 3
    op = 1 + b * (A - 1) + (W.FETCH_CLOUD - 1)  # fetch PB 3 from the cloud
    env.step({"en_1": op})
    assert env.s.cache[1, b] and env.s.cache.sum() == 1


def test_migration_from_a_neighbour_uses_the_backhaul() -> None:
    env = EdgeCachingEnv(SMALL)
    env.reset(seed=0)
    B = env.scn.catalogue.n_blocks
    a0 = np.zeros(B, int)
    a0[0] = W.FETCH_CLOUD
    _, _, _, _, info = env.step({"en_0": a0})
    cloud_s = info["en_0"]["backhaul_s"]
    a1 = np.zeros(B, int)
    a1[0] = 3  # en_1 fetches PB 0 from its first neighbour, en_0
    _, _, _, _, info = env.step({"en_1": a1})
    s0 = env.scn.catalogue.sizes[0]
    assert env.s.cache[1, 0]
    assert info["en_0"]["backhaul_s"] == pytest.approx(8 * s0 / SMALL.backhaul_bps)
    assert cloud_s == pytest.approx(SMALL.cloud_latency_s + 8 * s0 / SMALL.cloud_bps)
