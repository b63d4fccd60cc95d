"""End to end: a tiny run in seconds, the issue's metric keys, determinism, resume."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from agentzoo.systems import timi
from agentzoo.systems.timi.config import Config

KEYS = ("timi_sharpe", "best_baseline_sharpe", "walk_forward_win_fraction", "deploy_llm_calls", "max_drawdown")
TIMING = ["latency_p50_us", "latency_p99_us"]


def tiny(**changes) -> Config:
    base = Config(model="scripted:timi", n_pairs=2, asset_classes=("index_future", "crypto_major"), days=14,
                  bar_minutes=15, n_folds=1, train_days=5, val_days=2, test_days=2, gap_days=1, holdout_days=2,
                  baseline_grid_size=4, max_reflect_iters=1)
    return base.replace(**changes)


@pytest.fixture(scope="module")
def result():
    return timi.run(tiny())


def test_smoke_metrics_and_records(result):
    m = result.metrics
    for k in KEYS:
        assert k in m
    assert m["deploy_llm_calls"] == 0
    assert 0.0 <= m["walk_forward_win_fraction"] <= 1.0
    rec = result.records
    methods = set(rec["method"])
    assert {"timi", "best_baseline", "buy_and_hold", "grid", "sma_cross", "rsi_reversion",
            "no_sa", "no_reflection", "text_reflection"} <= methods
    assert set(rec["world"]) == {"planted", "no_edge"} and "holdout" in set(rec["fold"])
    assert "suspect_leak" in m and "noedge_positive_share_timi" in m
    assert any(k.startswith("bots/") and k.endswith("strategy.py") for k in result.artifacts)
    json.dumps(result.metrics, default=str)


def test_tables_and_figures(result):
    text = result.artifacts["tables.md"]
    assert "### planted / index_future / walk-forward folds" in text and "| timi |" in text
    figs = timi.figures([result])
    assert {name for name, _ in figs} == {"timi_equity_curves", "timi_per_pair_sharpe", "timi_sharpe_distribution"}


def test_same_seed_same_records(result):
    again = timi.run(tiny())
    a, b = (r.records.drop(columns=TIMING) for r in (result, again))
    pd.testing.assert_frame_equal(a, b)


def test_resume_skips_finished_units(tmp_path):
    cfg = tiny(checkpoint_dir=tmp_path, ablations=(), run_no_edge_control=False)
    first = timi.run(cfg)
    assert len(list(tmp_path.glob("*.json"))) == 4  # 2 classes x (1 fold + holdout)
    (tmp_path / sorted(p.name for p in tmp_path.glob("*.json"))[0]).unlink()  # as if killed during that unit
    second = timi.run(cfg)
    assert second.metrics["llm_calls_offline"] < first.metrics["llm_calls_offline"]
    pd.testing.assert_frame_equal(first.records.drop(columns=TIMING), second.records.drop(columns=TIMING))


def test_bad_config_names_the_field():
    from agentzoo.config import ConfigError

    with pytest.raises(ConfigError, match="asset_classes"):
        Config(asset_classes=("bonds",))
    with pytest.raises(ConfigError, match="fee_bps"):
        Config(fee_bps=(1.0, 2.0))  # neither one value nor one per known class
    with pytest.raises(ValueError, match="sessions"):
        timi.run(tiny(days=8))


@pytest.mark.slow
def test_cli_quick_preset_writes_metrics(tmp_path):
    from agentzoo.cli import main

    out = tmp_path / "run"
    assert main(["run", "timi", "--preset", "quick", "--model", "scripted:timi", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    for k in KEYS:
        assert k in metrics


@pytest.mark.llm
@pytest.mark.slow
def test_embedded_model_tiny_run():
    res = timi.run(tiny(model="local", ablations=()))
    assert res.metrics["deploy_llm_calls"] == 0 and res.metrics["llm_calls_offline"] > 0


@pytest.mark.slow
def test_code_mode_end_to_end_in_the_sandbox():
    """scripted:echo hands the template files back as 'its' code: checked, validated on val in the
    sandbox, then deployed there (one bar per decision over a pipe)."""
    res = timi.run(tiny(model="scripted:echo", bot_mode="code", ablations=(), run_no_edge_control=False))
    rows = res.records[res.records["method"] == "timi"]
    assert set(rows["deploy_mode"]) <= {"sandbox", "flat"} and "sandbox" in set(rows["deploy_mode"])
    assert (rows["deploy_error"] == "").all() and res.metrics["deploy_llm_calls"] == 0
