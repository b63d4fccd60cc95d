"""Smoke test of run(), the records, the artifacts, the report figures and the CLI."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from agentzoo import registry
from agentzoo.runs import Result
from agentzoo.systems.fair_matching import Config, figures, run

REQUIRED = ("greedy_ratio_median", "greedy_ratio_min", "exact_solved_fraction", "exact_seconds_max")


def tiny_config() -> Config:
    return Config(sizes=(3, 3, 4, 5), n_instances=3, utility=("uniform", "correlated"), time_limit_s=5.0,
                  anytime_sizes=(3, 3), anytime_instances=2, spectrum_size=(4, 6), spectrum_instances=2)


def test_run_smoke(tmp_path: Path) -> None:
    result = run(tiny_config())
    metrics = result.metrics
    for key in REQUIRED:
        assert key in metrics
    assert metrics["n_instances"] == 12
    assert metrics["exact_solved_fraction"] == 1.0  # n <= 4 solves at once
    assert 0 < metrics["greedy_ratio_min"] <= metrics["greedy_ratio_median"] <= 1.0 + 1e-12
    assert metrics["anytime_instances"] == 2 and metrics["anytime_exists_count"] + metrics["anytime_nonexistent_count"] == 2
    assert metrics["paper_algorithms"] == "not yet implemented"
    grid = result.records[result.records["suite"] == "grid"]
    assert len(grid) == 12 * len(Config().algorithms)
    assert (grid["ratio"] <= 1 + 1e-9).all()
    assert set(result.records["suite"]) == {"grid", "anytime", "spectrum"}

    # every recorded value can be re-verified from the artifacts
    for key, summary in ((k, v) for k, v in result.artifacts.items() if k.startswith("schedules/")):
        assert isinstance(summary, dict)
        name = key.removeprefix("schedules/").removesuffix(".json")
        raw = result.artifacts[f"instances/{name}.npy"]
        assert isinstance(raw, bytes)
        u = np.load(io.BytesIO(raw))
        for algorithm, schedule in summary["schedules"].items():
            M = np.array(schedule["matchings"])
            value = u[np.arange(u.shape[0])[None, :], M].sum(axis=0).min()
            recorded = grid[(grid["instance"] == name) & (grid["algorithm"] == algorithm)]["value"].item()
            assert value == pytest.approx(recorded)

    result.save(tmp_path / "run")
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert all(key in saved for key in REQUIRED)
    loaded = Result.load(tmp_path / "run")
    made = figures([loaded])
    titles = [title for title, _ in made]
    assert any("Ratio" in t for t in titles) and any("solve time" in t for t in titles)
    assert any("Anytime" in t for t in titles) and any("Guarantees" in t for t in titles)
    assert any("Spectrum" in t for t in titles)
    import matplotlib.pyplot as plt

    for _, figure in made:
        assert figure.axes
        plt.close(figure)


def test_run_on_a_utility_file(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text("3,0,1\n0,3,1\n1,1,1\n")
    config = Config(utility=("file",), utility_file=path, sizes=(3, 2), anytime_sizes=(), spectrum_size=())
    result = run(config)
    assert result.metrics["n_instances"] == 1 and result.metrics["exact_solved_fraction"] == 1.0
    exact = result.records[result.records["algorithm"] == "exact"]
    assert exact["value"].item() == 2.0  # agent 2 gets 1 per round whatever it gets: OPT = 2
    path.write_text("3,0,1\n0,x,1\n1,1,1\n")
    with pytest.raises(ValueError, match=r"data row 2, column 2: 'x' is not a number"):
        run(config)


def test_registry_loads_the_system() -> None:
    system = registry.load("fair-matching")
    assert system.Config is Config and system.figures is figures
    assert Config.quick().size_pairs == [(5, 5), (5, 16), (10, 10), (10, 31)]
    quick = Config.quick()
    assert len(quick.utility) * len(quick.size_pairs) * quick.n_instances >= 50


@pytest.mark.slow
def test_cli_quick_preset_writes_the_issue_metrics(tmp_path: Path) -> None:
    out = tmp_path / "quick"
    subprocess.run([sys.executable, "-m", "agentzoo", "run", "fair-matching", "--preset", "quick", "--out", str(out)],
                   check=True, capture_output=True, timeout=900)
    metrics = json.loads((out / "metrics.json").read_text())
    assert all(key in metrics for key in REQUIRED)
    assert metrics["n_instances"] >= 50
