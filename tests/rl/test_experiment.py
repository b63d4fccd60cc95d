"""Known answers for the run harness shared by the LLM-RL systems (agentzoo.rl.experiment, .bench)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from agentzoo.rl.bench import Columns, ci95, pm
from agentzoo.rl.experiment import (
    Arms,
    Curriculum,
    FromConfig,
    cached_state,
    cell,
    config_key,
    curve_metrics,
    grouped,
)


def test_config_key_is_the_sha256_of_the_sorted_json() -> None:
    config = SimpleNamespace(a=1, b=(2, 3), c="ignored")
    # sha256(json.dumps({"a": 1, "b": [2, 3], "single": true, "version": 1}, sort_keys=True))[:16]
    assert config_key(config, ("a", "b"), single=True, version=1) == "1e097833237e1221"
    assert config_key(config, ("a", "b"), version=1, single=True) == "1e097833237e1221"  # order-free
    assert config_key(config, ("a",), single=True, version=1) != "1e097833237e1221"


def test_cached_state_computes_once(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    calls: list[int] = []

    def compute() -> tuple[dict[str, Any], dict[str, float]]:
        calls.append(1)
        return {"w": [1.0, 2.0]}, {"warm_rows": 3.0}

    path = tmp_path / "sys" / "warm-k.pt"
    assert cached_state(path, True, compute) == ({"w": [1.0, 2.0]}, {"warm_rows": 3.0})
    assert cached_state(path, True, compute) == ({"w": [1.0, 2.0]}, {"warm_rows": 3.0})
    assert len(calls) == 1 and path.exists()
    cached_state(tmp_path / "other.pt", False, compute)
    assert len(calls) == 2 and not (tmp_path / "other.pt").exists()


def test_grouped_repeats_each_task_g_times() -> None:
    copies, groups = grouped(["q1", "q2"], 3, "arm/4")
    assert copies == ["q1"] * 3 + ["q2"] * 3
    assert groups == ["arm/4/0"] * 3 + ["arm/4/1"] * 3


def test_curriculum_moves_on_when_dev_em_reaches_the_gate() -> None:
    scores = {"a": 0.2, "b": 0.9}
    evaluated: list[tuple[str, int]] = []

    def evaluate(tasks: Any, t: int) -> list[Any]:
        evaluated.append((tasks[0], t))
        return [SimpleNamespace(em=scores[tasks[0]], reward=0.5)]

    c = Curriculum([("1hop",), ("1hop", "2hop")], [["a"], ["b"]], evaluate, gate=0.5, eval_every=2,
                   dev_questions=1, steps=5)
    history = []
    for t in range(5):
        metrics: dict[str, Any] = {"step": t}
        c.on_step(metrics)
        history.append(metrics)
    assert [m["stage"] for m in history] == [0] * 5  # dev EM 0.2 < 0.5: stay
    assert history[1]["dev_em"] == 0.2 and "dev_em" not in history[2]
    assert evaluated == [("a", 1), ("a", 3), ("a", 4)]  # every 2 steps and the last one
    up = Curriculum([("1hop",), ("2hop",)], [["b"], ["a"]], evaluate, gate=0.5, eval_every=1, dev_questions=1,
                    steps=3)
    metrics = {"step": 0}
    up.on_step(metrics)  # dev EM 0.9 >= 0.5: the next step samples stage 1
    assert metrics["stage"] == 0 and metrics["next_stage"] == 1 and up.tasks == ("2hop",)
    metrics = {"step": 1}
    up.on_step(metrics)  # the last stage has no successor
    assert metrics["stage"] == 1 and metrics["next_stage"] == 1 and metrics["dev_em"] == 0.2
    up.on_resume([{"next_stage": 0}])
    assert up.stage == 0 and up.tasks == ("1hop",)
    silent = Curriculum([("x",)], [[]], evaluate, gate=0.5, eval_every=2, dev_questions=0, steps=2)
    metrics = {"step": 1}
    silent.on_step(metrics)
    assert "dev_em" not in metrics and metrics["next_stage"] == 0


def test_curve_metrics_means_and_curves() -> None:
    histories = {"arm": [
        {"reward": 0.5, "rollout_seconds": 2.0, "train_seconds": 1.0, "zero_variance_fraction": 0.0},
        {"reward": 1.0, "rollout_seconds": 4.0, "train_seconds": 3.0, "zero_variance_fraction": 0.5, "dev_em": 1.0},
    ]}
    out = curve_metrics(histories, ("reward", "dev_em", "missing"), ("rollout_seconds",),
                        ("zero_variance_fraction", "loss_normalizer"))
    assert out["curve_reward_arm"] == [0.5, 1.0]
    assert math.isnan(out["curve_dev_em_arm"][0]) and out["curve_dev_em_arm"][1] == 1.0
    assert "curve_missing_arm" not in out
    assert out["rollout_seconds_per_step_arm"] == 3.0 and out["seconds_per_step_arm"] == 5.0
    assert out["zero_variance_fraction_arm"] == 0.25 and math.isnan(out["loss_normalizer_arm"])


def test_from_config_takes_fields_of_the_same_name() -> None:
    @dataclass(frozen=True)
    class Settings(FromConfig):
        turns: int = 1
        temperature: float = 1.0

    s = Settings.from_config(SimpleNamespace(turns=4, temperature=0.7, other=3), temperature=0.0)
    assert s == Settings(turns=4, temperature=0.0)


def test_arms_without_weights_and_the_oracle() -> None:
    setup = SimpleNamespace(trainer=None, oracle=lambda: "gold", weights_changed=lambda: None)
    arms = Arms(setup, lambda fmt: ({}, {}), warm=True, steps=3, checkpoint_dir="", metrics={}, timings={})
    assert arms.prepare("oracle", oracle=True, fmt="x", warm=False, trained=False, train=_never) == "gold"
    assert arms.prepare("a", oracle=False, fmt="x", warm=True, trained=True, train=_never) is None
    assert arms.histories == {} and arms.checkpoints() == {}


def _never(*args: Any) -> list[dict[str, Any]]:
    raise AssertionError("no training without local weights")


def test_arms_warm_start_once_per_format(tmp_path: Path) -> None:
    loaded: list[dict[str, Any]] = []
    trainer = SimpleNamespace(trainable_state=lambda: {"w": 0}, load_trainable_state=loaded.append)
    setup = SimpleNamespace(trainer=trainer, oracle=lambda: None, weights_changed=lambda: None)
    warm_calls: list[str] = []

    def warm_start(fmt: str) -> tuple[dict[str, Any], dict[str, float]]:
        warm_calls.append(fmt)
        return {"w": fmt}, {"warm_rows": 2.0}

    metrics: dict[str, Any] = {}
    arms = Arms.from_config(setup, SimpleNamespace(warm_start="sft", steps=2, checkpoint_dir=str(tmp_path)),
                            warm_start, metrics)
    trained = arms.prepare("m", oracle=False, fmt="multi", warm=True, trained=True,
                           train=lambda start, ckpt: [{"start": start["w"], "ckpt": ckpt}])
    arms.prepare("w", oracle=False, fmt="multi", warm=True, trained=False, train=_never)
    arms.prepare("z", oracle=False, fmt="multi", warm=False, trained=False, train=_never)
    assert trained is None and warm_calls == ["multi"]
    assert arms.histories == {"m": [{"start": "multi", "ckpt": tmp_path / "m.pt"}]}
    assert loaded == [{"w": 0}, {"w": "multi"}, {"w": "multi"}, {"w": 0}]  # base before the warm start
    assert metrics == {"warm_rows_multi": 2.0} and "warm_start_multi_seconds" in arms.timings
    assert arms.checkpoints() == {"m": str(tmp_path / "m.pt")}


def test_bench_statistics() -> None:
    pytest.importorskip("scipy")
    mean, half = ci95([1.0, 2.0, 3.0, float("nan")])
    assert mean == 2.0 and half == pytest.approx(4.302653 * 1.0 / math.sqrt(3), rel=1e-5)  # t(0.975, 2)
    assert ci95([5.0]) == (5.0, 0.0) and all(math.isnan(v) for v in ci95([]))
    assert pm([1.0, 1.0]) == "1.000 ± 0.000" and pm([]) == "–"
    results = [SimpleNamespace(metrics={"em_a_1hop": 1.0, "em_b_1hop": 0.0, "x": 2.0, "em_a_noisy": 0.0,
                                        "em_a_noise0.3": 0.0}),
               SimpleNamespace(metrics={"em_a_1hop": 0.0, "em_b_1hop": 0.0})]
    col = Columns(results)  # type: ignore[arg-type]
    assert col.diff("em_a_1hop", "em_b_1hop") == [1.0, 0.0] and math.isnan(col("x")[1])
    assert col.em_by_type(["a"], "a")[1:] == ["| arm | EM 1hop |", "|---|---|", "| a | 0.500 ± 6.353 |"]
    assert cell(None) == "–" and cell(float("nan")) == "–" and cell(0.12345, 2) == "0.12"
