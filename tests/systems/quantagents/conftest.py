"""Shared fixtures: a tiny synthetic world and a scripted configuration that runs in seconds."""

from __future__ import annotations

import pytest

from agentzoo.systems.quantagents.config import Config
from agentzoo.systems.quantagents.world import World, synthetic


def tiny(**changes: object) -> Config:
    base = Config(model="scripted:quantagents", memory_embedder="hash", n_stocks=6, n_sectors=2, warmup_years=0.5,
                  test_weeks=3, sim_paths=16, sim_lookback_days=60, n_candidates=3, max_tokens_report=0,
                  variants=("full", "no_news"), baselines=("equal_weight", "reversal"))
    return base.replace(**changes)


@pytest.fixture(scope="session")
def tiny_cfg() -> Config:
    return tiny()


@pytest.fixture(scope="session")
def tiny_world(tiny_cfg: Config) -> World:
    return synthetic(tiny_cfg)
