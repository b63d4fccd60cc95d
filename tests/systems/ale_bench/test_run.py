"""run(): a tiny refinement run with the scripted model, the eval mode, the reference method."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agentzoo.config import ConfigError
from agentzoo.runs import execute
from agentzoo.systems.ale_bench import Config, figures, run
from agentzoo.systems.ale_bench.problem import get_problem


def tiny(**kw: object) -> Config:
    base: dict[str, object] = dict(model="scripted:ale_edit", problems=("stamp_art",), budget_programs=3,
                                   eval_seeds=2, iter_budget=100_000)
    return Config.quick().replace(**{**base, **kw})


def test_smoke_run_writes_the_issue_metrics(tmp_path: Path) -> None:
    result = execute("ale-bench", tiny(), tmp_path / "run")
    metrics = json.loads((tmp_path / "run" / "metrics.json").read_text())
    for key in ("stamp_art/score_initial", "stamp_art/score_final", "stamp_art/improvement", "mean_performance",
                "stamp_art/rank", "stamp_art/performance", "stamp_art/judge_overhead_per_case_s"):
        assert key in metrics, key
    assert metrics["stamp_art/score_final"] >= metrics["stamp_art/score_initial"] * 0.999
    assert metrics["mean_performance"] == metrics["stamp_art/performance"]
    assert (tmp_path / "run" / "artifacts" / "programs" / "stamp_art" / "0.cpp").is_file()
    assert (tmp_path / "run" / "artifacts" / "search_tree.json").is_file()
    assert (tmp_path / "run" / "artifacts" / "vis" / "stamp_art_best_seed0.svg").is_file()
    assert len(result.records) == 3 and set(result.records["problem"]) == {"stamp_art"}
    assert [name for name, _ in figures([result])] == ["score_vs_programs"]


def test_eval_mode_judges_one_file(tmp_path: Path) -> None:
    code = tmp_path / "greedy.cpp"
    code.write_text(get_problem("stamp_art").solution("greedy.cpp").read_text())
    result = run(tiny(mode="eval", problem="stamp_art", code=code, lang="cpp20"))
    assert result.metrics["public_verdict"] == "ACCEPTED" and result.metrics["public_score"] > 900_000


def test_reference_method_reports_the_pseudo_entrants() -> None:
    result = run(tiny(method="reference", problems=("depot_routes", "line_plan")))
    assert result.metrics["depot_routes/entrants"] == 15
    assert set(result.records["entrant"]) >= {"trivial.cpp", "annealing.cpp@100%"}


def test_bad_config_fails_at_once() -> None:
    with pytest.raises(ConfigError, match="budget_programs"):
        Config(budget_programs=0)
    with pytest.raises(ConfigError, match="problem"):
        Config(mode="eval")
