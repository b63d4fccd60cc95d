"""MATPO vs single-agent GRPO on CPU with the embedded SmolLM2-135M: 3 seeds, held-out questions, every
context capped at 512 tokens, clean and noisy tools, all arms side by side in one run per seed.

For each seed, one ``run()`` warm-starts both formats on gold trajectories, trains every GRPO arm for
the same number of steps with the same prompts per step and group size, and evaluates every arm on
the same held-out test questions at tool-noise levels 0 and 0.3. The summary gives, per arm, the mean
and 95% CI (Student t over seeds) and the checks:

* the issue's target: MATPO accuracy − single-agent accuracy >= 0.05 (clean tools; noisy reported);
* spec 7a: 2-hop EM of MATPO − single agent >= 0.05, with the ratio of generated tokens;
* spec 7b: noise-robustness ratio EM(0.3)/EM(0) of MATPO >= the single agent's;
* spec 7c: held-out reward of ``inherit`` (matpo) >= ``planner_only``.

    .venv/bin/python benchmarks/matpo.py --seeds 0,1,2 --out runs/bench/matpo          # seeds in sequence
    .venv/bin/python benchmarks/matpo.py --seeds 1 --out runs/bench/matpo              # one seed (run in parallel)
    .venv/bin/python benchmarks/matpo.py --seeds 0,1,2 --out runs/bench/matpo --summary-only

A seed whose run directory is complete is not rerun; a killed seed resumes from its per-arm GRPO
checkpoints (``--out``/seedN/checkpoints).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.rl import bench
from agentzoo.rl.bench import Columns, ci95, pm
from agentzoo.runs import Result
from agentzoo.systems.matpo import Config

ARMS = ("oracle", "oracle_single_agent", "warm_start", "single_agent_warm_start", "matpo", "single_agent_grpo",
        "planner_only")
TRAINED = ("matpo", "single_agent_grpo", "planner_only", "pooled")


def bench_config(seed: int, steps: int, out: Path, arms: tuple[str, ...]) -> Config:
    """The ``cpu`` preset cut to fit a shared 2-core machine (fewer steps, prompts and test questions)."""
    return Config.cpu().replace(
        seed=seed, steps=steps, prompts_per_step=2, group_size=4, lr=5e-5, question_types=("1hop", "2hop"),
        warm_start_examples=96, warm_start_epochs=2, eval_questions=16, eval_every=0, curve_questions=0,
        curriculum_gate=0.0, arms=arms, checkpoint_dir=str(out / f"seed{seed}" / "checkpoints"),
    )


def summarise(results: Sequence[Result], steps: int) -> tuple[str, dict[str, Any]]:
    arms = [a for a in (*ARMS, "pooled") if any(f"em_{a}" in r.metrics for r in results)]

    col = Columns(results)
    diff = col.diff

    lines = [f"seeds: {[r.seed for r in results]}; GRPO steps per trained arm: {steps}; "
             f"test questions per seed: {results[0].metrics.get('test_questions')}", "",
             "| arm | EM clean | EM noise 0.3 | robustness EM(0.3)/EM(0) | reward | planner format | worker format | "
             "workers / ep | context tokens | generated planner / worker / single |", "|---|" + "---|" * 9]
    for arm in arms:
        lines.append(
            f"| {arm} | {pm(col(f'em_{arm}'))} | {pm(col(f'em_{arm}_noisy'))} | {pm(col(f'robustness_{arm}'), 2)} | "
            f"{pm(col(f'reward_{arm}'))} | {pm(col(f'format_rate_{arm}'), 2)} | "
            f"{pm(col(f'worker_format_rate_{arm}'), 2)} | {pm(col(f'workers_per_episode_{arm}'), 2)} | "
            f"{pm(col(f'context_tokens_{arm}'), 0)} | {pm(col(f'generated_planner_{arm}'), 0)} / "
            f"{pm(col(f'generated_worker_{arm}'), 0)} / {pm(col(f'generated_single_{arm}'), 0)} |")
    lines += col.em_by_type(arms, "matpo")
    tokens = [m / s if s else float("nan") for m, s in zip(col("generated_tokens_matpo"),
                                                         col("generated_tokens_single_agent_grpo"), strict=True)]
    checks = {
        "matpo_minus_single_accuracy_clean": diff("matpo_accuracy", "single_agent_accuracy"),
        "matpo_minus_single_accuracy_noisy": diff("matpo_accuracy_noisy", "single_agent_accuracy_noisy"),
        "matpo_minus_single_em_2hop": diff("em_matpo_2hop", "em_single_agent_grpo_2hop"),
        "generated_tokens_ratio_matpo_over_single": tokens,
        "robustness_matpo_minus_single": diff("robustness_matpo", "robustness_single_agent_grpo"),
        "reward_inherit_minus_planner_only": diff("reward_matpo", "reward_planner_only"),
        "relative_improvement": col("relative_improvement"),
    }
    means = {k: ci95(vs)[0] for k, vs in checks.items()}
    verdict = {
        "issue: accuracy gain >= +0.05 (clean)": means["matpo_minus_single_accuracy_clean"] >= 0.05,
        "7a: 2-hop EM gain >= +0.05": means["matpo_minus_single_em_2hop"] >= 0.05,
        "7b: robustness MATPO >= single": means["robustness_matpo_minus_single"] >= 0.0,
        "7c: reward inherit >= planner_only": means["reward_inherit_minus_planner_only"] >= 0.0,
    }
    lines += ["", "| check | mean ± 95% CI | target | met |", "|---|---|---|---|",
              f"| accuracy, MATPO − single agent (clean) | {pm(checks['matpo_minus_single_accuracy_clean'])} | ≥ +0.05 | "
              f"{'yes' if verdict['issue: accuracy gain >= +0.05 (clean)'] else 'MISSED'} |",
              f"| accuracy, MATPO − single agent (noise 0.3) | {pm(checks['matpo_minus_single_accuracy_noisy'])} | "
              "reported | – |",
              f"| 2-hop EM, MATPO − single agent | {pm(checks['matpo_minus_single_em_2hop'])} | ≥ +0.05 | "
              f"{'yes' if verdict['7a: 2-hop EM gain >= +0.05'] else 'MISSED'} |",
              f"| generated tokens / question, MATPO / single agent | "
              f"{pm(checks['generated_tokens_ratio_matpo_over_single'], 2)} | reported | – |",
              f"| robustness ratio, MATPO − single agent | {pm(checks['robustness_matpo_minus_single'], 2)} | ≥ 0 | "
              f"{'yes' if verdict['7b: robustness MATPO >= single'] else 'MISSED'} |",
              f"| held-out reward, inherit − planner_only | {pm(checks['reward_inherit_minus_planner_only'])} | ≥ 0 | "
              f"{'yes' if verdict['7c: reward inherit >= planner_only'] else 'MISSED'} |",
              f"| relative improvement (MATPO − single) / single, clean | {pm(checks['relative_improvement'], 2)} | "
              "reported (paper: +18.38%, self-reported) | – |"]
    speed = ["", "| arm | s / GRPO step | planner rollout s | worker rollout s | train s | zero-variance groups | "
             "loss normaliser |", "|---|---|---|---|---|---|---|"]
    for arm in (a for a in TRAINED if a in arms):
        speed.append(f"| {arm} | {pm(col(f'seconds_per_step_{arm}'), 1)} | "
                     f"{pm(col(f'planner_seconds_per_step_{arm}'), 1)} | {pm(col(f'worker_seconds_per_step_{arm}'), 1)} | "
                     f"{pm(col(f'train_seconds_per_step_{arm}'), 1)} | {pm(col(f'zero_variance_fraction_{arm}'), 2)} | "
                     f"{pm(col(f'loss_normalizer_{arm}'), 0)} |")
    curves = ["", "training reward per GRPO step (mean over seeds):"]
    for arm in (a for a in TRAINED if a in arms):
        series = [r.metrics.get(f"curve_reward_{arm}") for r in results]
        arrays = [s for s in series if isinstance(s, list) and s]
        if arrays:
            width = min(len(s) for s in arrays)
            mean = np.nanmean(np.array([s[:width] for s in arrays], dtype=float), axis=0)
            curves.append(f"- {arm}: " + ", ".join(f"{v:.3f}" for v in mean))
    text = "\n".join(lines + speed + curves) + "\n"
    return text, {"checks": {k: vs for k, vs in checks.items()}, "means": means, "verdict": verdict}


def main() -> None:
    parser = bench.seeds_parser(__doc__, steps=10, out="runs/bench/matpo")
    parser.add_argument("--arms", default=",".join(ARMS))
    parser.add_argument("--summary-only", action="store_true", help="summarise the complete seeds, run nothing")
    args = parser.parse_args()
    bench.setup_logging()
    arms = tuple(a for a in args.arms.split(",") if a)
    results = bench.run_seeds("matpo", bench.seeds(args),
                        lambda seed: bench_config(seed, args.steps, args.out, arms), args.out,
                        run_missing=not args.summary_only)
    print(bench.write_summary(args.out, results, lambda rs: summarise(rs, args.steps)))


if __name__ == "__main__":
    main()
