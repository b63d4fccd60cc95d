"""Smoke tests of run(): the whole pipeline on a tiny random model (seconds), scripted
policies, and resuming a killed run."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from agentzoo.rl.testing import killed_and_resumed
from agentzoo.systems.mars import Config, figures, run

KEYS = ("accuracy_before", "accuracy_after", "accuracy_single_agent", "accuracy_frozen_system1",
        "context_tokens_raw", "context_tokens_mars")


def _tiny(model_dir: Path, **changes: Any) -> Config:
    base = dict(
        model=f"local:{model_dir}", top_k_layers=1, steps=1, prompts_per_step=1, group_size=2, max_turns=2,
        s2_max_new_tokens=10, s1_max_new_tokens=6, warm_start_examples=3, warm_start_epochs=1,
        warm_start_types=("1hop",), eval_questions=2, eval_types=("1hop",), curriculum=("1hop",), eval_every=0,
        curve_questions=0, world_people=6, world_companies=3, world_cities=3, world_papers=3, context_cap=400,
        bin_capacity=128, warm_start_cache=False,
        arms=("oracle", "warm_start", "mars", "single_agent_grpo", "frozen_sys1"),
    )
    base.update(changes)
    return Config(**base)  # type: ignore[arg-type]


def test_run_writes_the_issue_metrics(tiny_model_dir: Path, tmp_path: Path) -> None:
    result = run(_tiny(tiny_model_dir))
    for key in KEYS:
        assert key in result.metrics
        assert isinstance(result.metrics[key], float) and not math.isnan(result.metrics[key]), key
    assert result.metrics["em_oracle"] == 1.0
    assert set(result.records["arm"]) == {"oracle", "warm_start", "mars", "single_agent_grpo", "frozen_sys1"}
    assert len(result.metrics["curve_reward_mars"]) == 1
    assert "arms.md" in result.artifacts and "trajectories.txt" in result.artifacts
    result.save(tmp_path / "run")
    assert (tmp_path / "run" / "metrics.json").exists()
    names = [name for name, _ in figures([result])]
    assert names == ["mars_reward_curves", "mars_accuracy_and_context"]


def test_scripted_gold_and_random() -> None:
    cfg = Config.quick().replace(model="scripted:gold", arms=("zero_shot", "closed_book"), eval_questions=3,
                                 eval_types=("1hop", "2hop"), max_turns=4)  # a two-hop plan takes 3 turns
    gold = run(cfg)
    assert gold.metrics["em_zero_shot"] == 1.0 and gold.metrics["em_closed_book"] == 0.0
    rand = run(cfg.replace(model="scripted:random", arms=("zero_shot",)))
    assert rand.metrics["invalid_actions_zero_shot"] > 0 and rand.metrics["format_rate_zero_shot"] < 1.0


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_metrics(tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = _tiny(tiny_model_dir, arms=("mars",), steps=2)
    full, resumed = killed_and_resumed(run, cfg, tmp_path, monkeypatch)
    assert resumed == full
