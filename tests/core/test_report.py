"""Reports: mean and 95% CI over seeds, figures embedded, incomplete runs listed."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from agentzoo.report import load_runs, mean_ci, summarize, write_report
from agentzoo.runs import Result, mark_status


def test_mean_ci_hand_computed():
    mean, low, high = mean_ci([1.0, 2.0, 3.0])
    # t_{0.975, 2} = 4.302652729911275; sd = 1; half width = 4.3027 / sqrt(3)
    assert mean == 2.0
    assert high - mean == pytest.approx(4.302652729911275 / math.sqrt(3), rel=1e-9)
    assert low == pytest.approx(2 * mean - high)
    single = mean_ci([5.0])
    assert single[0] == 5.0 and math.isnan(single[1])


def _runs(tmp_path: Path) -> list[Path]:
    dirs = []
    for seed, acc in enumerate([0.5, 0.7, 0.9]):
        result = Result.create("llm-check", {"seed": seed, "model": "scripted:echo"},
                               {"accuracy": acc, "curve": [0.0, acc, 2 * acc]},
                               records=pd.DataFrame({"x": [seed]}))
        dirs.append(result.save(tmp_path / f"seed{seed}"))
    broken = tmp_path / "broken"
    broken.mkdir()
    mark_status(broken, "running", system="llm-check")
    return dirs


def test_report_aggregates_and_lists_skipped(tmp_path: Path):
    _runs(tmp_path)
    runs = load_runs([tmp_path])
    assert len(runs.by_system["llm-check"]) == 3
    assert [p.name for p, _ in runs.skipped] == ["broken"]
    summary = summarize(runs.by_system["llm-check"]).set_index("metric")
    assert summary.loc["accuracy", "mean"] == pytest.approx(0.7)
    assert summary.loc["accuracy", "n"] == 3
    md = write_report([tmp_path], tmp_path / "report")
    text = md.read_text()
    assert "## llm-check" in text and "| accuracy | 3 | 0.7 |" in text and "broken" in text
    page = (tmp_path / "report" / "report.html").read_text()
    assert page.count("data:image/png;base64,") >= 2  # metric dots + the curve
    assert "http://" not in page and "https://" not in page  # self-contained
    assert (tmp_path / "report" / "figures" / "llm-check-curve.png").stat().st_size > 1000


def test_missing_path_is_an_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        write_report([tmp_path / "nope"], tmp_path / "out")
