"""Smoke tests of run(): the whole pipeline on a tiny random model (seconds), scripted policies, the
issue's metric keys, and resuming a killed run."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from agentzoo.rl.testing import killed_and_resumed
from agentzoo.systems.matpo import Config, figures, run

KEYS = ("matpo_accuracy", "single_agent_accuracy", "matpo_accuracy_noisy", "single_agent_accuracy_noisy",
        "relative_improvement")


def _tiny(model_dir: Path, **changes: Any) -> Config:
    base = dict(
        model=f"local:{model_dir}", top_k_layers=1, steps=1, prompts_per_step=1, group_size=2, planner_max_turns=2,
        worker_max_turns=1, max_workers_per_episode=1, planner_max_new_tokens=8, worker_max_new_tokens=8,
        worker_return_max_tokens=24, single_agent_max_turns=2, warm_start_examples=3, warm_start_epochs=1,
        question_types=("1hop",), eval_questions=2, eval_every=0, curve_questions=0, world_people=6,
        world_companies=3, world_cities=3, world_papers=3, warm_start_cache=False,
        arms=("oracle", "warm_start", "matpo", "single_agent_grpo", "planner_only"),
    )
    base.update(changes)
    return Config(**base)  # type: ignore[arg-type]


def test_run_writes_the_issue_metrics(tiny_model_dir: Path, tmp_path: Path) -> None:
    result = run(_tiny(tiny_model_dir))
    for key in KEYS[:4]:
        assert isinstance(result.metrics[key], float) and 0.0 <= result.metrics[key] <= 1.0, key
    assert "relative_improvement" in result.metrics
    assert result.metrics["em_oracle"] == 1.0
    assert set(result.records["arm"]) == {"oracle", "warm_start", "matpo", "single_agent_grpo", "planner_only"}
    assert set(result.records["noise"]) == {0.0, 0.3}
    assert len(result.records) == 5 * 2 * result.metrics["test_questions"]
    assert len(result.metrics["curve_reward_matpo"]) == 1
    assert result.metrics["warm_examples_matpo"] >= 1 and result.metrics["warm_examples_single"] >= 1
    assert not math.isnan(result.metrics["loss_normalizer_matpo"])
    assert "rows_worker" in result.artifacts["curves.json"]["matpo"][0] or result.metrics["curve_rows_planner_matpo"]
    assert "[matpo, noise 0]" in result.artifacts["trees.txt"]
    result.save(tmp_path / "run")
    saved = json.loads((tmp_path / "run" / "metrics.json").read_text())
    assert all(key in saved for key in KEYS)
    assert [name for name, _ in figures([result])] == ["matpo_reward_curves", "matpo_em_by_noise"]


def test_seq_mean_mode_normalises_by_planner_rows(tiny_model_dir: Path) -> None:
    result = run(_tiny(tiny_model_dir, loss_agg="seq-mean-token-mean", arms=("matpo",), warm_start="none"))
    assert result.metrics["curve_loss_normalizer_matpo"] == [2.0]  # 1 prompt x group 2 planner rows


def test_scripted_gold_and_random() -> None:
    cfg = Config.quick().replace(model="scripted:gold", arms=("zero_shot", "oracle_single_agent"), eval_questions=3,
                                 question_types=("1hop", "2hop"), planner_max_turns=4)
    gold = run(cfg)
    assert gold.metrics["em_zero_shot"] == 1.0 and gold.metrics["workers_per_episode_zero_shot"] > 1.0
    assert gold.metrics["em_oracle_single_agent_1hop"] == 1.0
    rand = run(cfg.replace(model="scripted:random", arms=("zero_shot",)))
    assert rand.metrics["parse_failures_planner_zero_shot"] > 0 and rand.metrics["format_rate_zero_shot"] < 1.0


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_metrics(tiny_model_dir: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = _tiny(tiny_model_dir, arms=("matpo",), steps=2)
    full, resumed = killed_and_resumed(run, cfg, tmp_path, monkeypatch)
    assert resumed == full
