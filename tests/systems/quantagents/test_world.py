"""The testbed: deterministic synthetic worlds, real arch data, and strict panel files."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from agentzoo.markets.data import DataError
from agentzoo.systems.quantagents.config import Config
from agentzoo.systems.quantagents.world import arch_indices, company_names, load_panel, synthetic


def test_synthetic_world_is_deterministic_and_sane(tiny_cfg) -> None:
    a, b = synthetic(tiny_cfg), synthetic(tiny_cfg)
    assert np.array_equal(a.bars.close, b.bars.close) and a.events.equals(b.events)
    bars = a.bars
    assert (bars.low <= np.minimum(bars.open, bars.close)).all() and (bars.high >= np.maximum(bars.open, bars.close)).all()
    assert (bars.volume > 0).all()
    assert a.test_start > 100 and bool(a.test_start < a.T)
    assert set(a.events["kind"]) == {"earnings", "sector", "macro"}
    assert len(set(a.tickers)) == a.N and all(name for name in a.names.values())
    assert not np.array_equal(synthetic(tiny_cfg.replace(seed=1)).bars.close, bars.close)


def test_event_gap_and_drift_are_where_the_config_puts_them() -> None:
    cfg = Config(n_stocks=4, n_sectors=2, warmup_years=0.5, test_weeks=2, event_sizes=(0.5, 0.0, 0.0),
                 post_event_drift_frac=0.5, drift_days=10)
    ref = synthetic(cfg.replace(event_sizes=(0.0, 0.0, 0.0)))
    w = synthetic(cfg)
    ev = w.events[(w.events["kind"] == "earnings") & (w.events["day"] > 5) & (w.events["day"] < w.T - 12)].iloc[0]
    j, t0, A = int(ev["stock"]), int(ev["day"]), 0.5 * float(ev["J"])
    log_gap = np.log(w.bars.open[t0, j] / ref.bars.open[t0, j]) - np.log(w.bars.close[t0 - 1, j] / ref.bars.close[t0 - 1, j])
    assert log_gap == pytest.approx(0.5 * A)  # (1 - f) A in the open gap of t0
    total = np.log(w.bars.close[t0 + 10, j] / ref.bars.close[t0 + 10, j]) - np.log(w.bars.close[t0 - 1, j] / ref.bars.close[t0 - 1, j])
    assert total == pytest.approx(A, abs=1e-9)  # all of it after drift_days (no other event of this stock)


def test_company_names_are_unique() -> None:
    tickers, names = company_names(200, seed=3)
    assert len(set(tickers)) == 200 and len(names) == 200


def test_arch_indices_two_assets() -> None:
    world = arch_indices(Config(market="arch:indices", test_weeks=10, warmup_years=1.0))
    assert world.N == 2 and world.tickers == ["SP500", "NASDAQ"]
    assert world.T - world.test_start >= 45 and not world.has_news


def _panel(path, drop=None, sector=True):
    dates = pd.bdate_range("2023-01-02", periods=140)
    rows = []
    for k, tk in enumerate(("AAA", "BBB")):
        price = 50 + k + np.arange(len(dates)) * 0.1
        for d, p in zip(dates, price, strict=True):
            if drop and tk == drop[0] and d in drop[1]:
                continue
            rows.append({"date": d, "ticker": tk, "open": p, "high": p + 1, "low": p - 1, "close": p, "volume": 1e6,
                         **({"sector": "Tech"} if sector else {})})
    pd.DataFrame(rows).to_csv(path, index=False)
    return dates


def test_panel_missing_dates_are_named(tmp_path) -> None:
    path = tmp_path / "panel.csv"
    dates = _panel(path, drop=("BBB", [pd.Timestamp("2023-02-01"), pd.Timestamp("2023-02-02")]))
    with pytest.raises(DataError, match=r"ticker BBB has no bar on 2 date\(s\): 2023-02-01, 2023-02-02"):
        load_panel(path)
    assert len(dates) == 140


def test_panel_without_sector_gets_one_sector(tmp_path, caplog) -> None:
    path = tmp_path / "panel.csv"
    _panel(path, sector=False)
    with caplog.at_level(logging.WARNING):
        bars = load_panel(path)
    assert bars.N == 2 and set(bars.assets["sector"]) == {"all"}
    assert "no sector column" in caplog.text


def test_corrupt_panel_is_a_data_error(tmp_path) -> None:
    path = tmp_path / "panel.parquet"
    path.write_bytes(b"not parquet")
    with pytest.raises(DataError, match="cannot read panel"):
        load_panel(path)
