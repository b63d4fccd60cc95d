"""Smoke test: run() on a tiny config writes every metric the issue names."""

from __future__ import annotations

import math

from agentzoo.runs import Result
from agentzoo.systems import edge_caching
from agentzoo.systems.edge_caching.config import Config


def tiny(**changes: object) -> Config:
    base = Config.quick().replace(
        n_users=4, slots_per_episode=5, eval_episodes=1, heuristic_warmup_episodes=1,
        methods=("maasn_da", "maasn", "whole_model", "pb_lfu", "unicast", "random", "oracle_greedy"),
        total_env_steps=40, warmup_steps=15, batch_size=8, hidden=8, eval_every=20,
        curve_episodes=1, esn_units=10, esn_refit_every=20, esn_window=100, esn_washout=2,
    )
    return base.replace(**changes)


def test_run_tiny_writes_issue_metrics(tmp_path) -> None:
    config = tiny()
    result = edge_caching.run(config)
    for method in config.methods:
        assert result.metrics[f"delay_{method}"] > 0
    for key in ("delay_reduction_vs_whole_model", "delay_reduction_vs_popularity",
                "augmentation_sample_ratio"):
        assert key in result.metrics
    assert math.isclose(
        result.metrics["delay_reduction_vs_whole_model"],
        1 - result.metrics["delay_maasn_da"] / result.metrics["delay_whole_model"],
    )
    assert result.metrics["env_steps_per_s"] > 0
    assert {"method", "episode", "slot", "delay", "backhaul_bytes", "outages"} <= set(result.records.columns)
    assert set(result.records["method"]) == set(config.methods)
    assert result.artifacts["maasn_da.pt"]
    result.save(tmp_path / "run")
    loaded = Result.load(tmp_path / "run")
    figs = edge_caching.figures([loaded, result])
    assert [name for name, _ in figs] == ["edge_caching_delay", "edge_caching_curves", "edge_caching_cache"]
