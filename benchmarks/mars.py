"""MARS on CPU with the embedded SmolLM2-135M: arms side by side, several seeds, held-out questions.

For each seed, one ``run()`` trains and evaluates every arm on the same held-out test
questions (warm start shared by the arms of one format). The summary reports, per arm, the
mean and 95% CI (Student t over seeds) of EM, reward, System-2 context tokens and System-1
calls, plus the issue's checks:

* held-out reward of MARS after GRPO minus the warm start's (target >= +0.15 within 30 steps);
* System-2 context tokens with summaries vs the single agent reading raw outputs (target <= 50%)
  with EM no worse;
* MARS vs single-agent GRPO vs frozen System 1 at equal step budgets;
* generation tokens/s and seconds per GRPO step (rollout and training separately).

    .venv/bin/python benchmarks/mars.py --seeds 0,1,2 --out runs/bench/mars

A seed whose run directory is complete is not rerun; a killed seed resumes from its per-arm
GRPO checkpoints (``--out``/seedN/checkpoints).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.runs import Result, execute, is_complete
from agentzoo.systems.mars import Config

ARMS = ("oracle", "closed_book", "warm_start", "mars", "single_agent_grpo", "frozen_sys1")


def bench_config(seed: int, steps: int, out: Path, threads: int) -> Config:
    """The benchmark setting: the ``cpu`` preset cut to fit a shared 2-core machine: the search tool
    only (1-hop and 2-hop questions), 8 episodes per step, short turns."""
    return Config.cpu().replace(
        seed=seed, steps=steps, prompts_per_step=2, group_size=4, max_turns=3, s2_max_new_tokens=32,
        s1_max_new_tokens=32, top_k_layers=6, lr=2e-5, tools=("search",), warm_start_examples=128,
        warm_start_epochs=3, warm_start_lr=2e-4, warm_start_types=("1hop", "2hop"), eval_types=("1hop", "2hop"),
        eval_questions=16, curriculum=("1hop", "mix"), eval_every=10, curve_questions=4, arms=ARMS,
        checkpoint_dir=str(out / f"seed{seed}" / "checkpoints"), threads=threads,
    )


def oracle_context(n: int, seed: int = 0) -> str:
    """The mechanism with perfect roles (the gold program), on many held-out questions: System-2
    context tokens with System-1 summaries vs raw outputs, and System-1 calls with FFD vs one call
    per output. Real token counts (the embedded model's tokenizer), no LLM calls."""
    from transformers import AutoTokenizer

    from agentzoo.llm.embedded import ensure_converted
    from agentzoo.rl.policy import ChatRenderer
    from agentzoo.systems.mars.episode import EpisodeSettings, run_episodes
    from agentzoo.systems.mars.train import build_setup

    config = Config.cpu().replace(model="scripted:gold", seed=seed)
    setup = build_setup(config, train=False)
    renderer = ChatRenderer(AutoTokenizer.from_pretrained(ensure_converted(), local_files_only=True))
    oracle = setup.oracle()
    oracle.count, oracle.renderer = renderer.count, renderer
    questions = [q for t in ("1hop", "2hop", "compute", "scholar") for q in setup.world.questions.held_out("test", t, n, seed)]
    lines = [f"gold program on {len(questions)} held-out questions ({n} per type), context cap {config.context_cap}:", "",
             "| setting | EM | S2 context tokens | S1 calls / search turn | cut observations / q |", "|---|---|---|---|---|"]
    for name, changes in [("MARS, FFD bins", {}), ("MARS, one call per output", {"packing": "per_item"}),
                          ("single agent, raw outputs", {"use_sys1": False})]:
        settings = EpisodeSettings.from_config(config, temperature=0.0, **changes)
        eps = run_episodes(questions, [q.id for q in questions], oracle, oracle, setup.world.tools, settings, "oracle")
        turns = sum(e.search_turns for e in eps)
        lines.append(f"| {name} | {np.mean([e.em for e in eps]):.3f} | {np.mean([e.context_tokens for e in eps]):.0f} | "
                     f"{sum(len(e.sys1) for e in eps) / max(turns, 1):.2f} | {np.mean([e.cut_observations for e in eps]):.2f} |")
    return "\n".join(lines) + "\n"


def ci95(values: list[float]) -> tuple[float, float]:
    """Mean and half-width of the 95% Student-t interval (0 for one value)."""
    from scipy import stats

    x = np.asarray([v for v in values if v == v], dtype=float)
    if len(x) == 0:
        return float("nan"), float("nan")
    if len(x) == 1:
        return float(x[0]), 0.0
    return float(x.mean()), float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))


def fmt(values: list[float], digits: int = 3) -> str:
    mean, half = ci95(values)
    return "–" if mean != mean else f"{mean:.{digits}f} ± {half:.{digits}f}"


def summarise(results: list[Result], steps: int) -> tuple[str, dict[str, Any]]:
    arms = [a for a in ARMS if any(f"em_{a}" in r.metrics for r in results)]

    def col(key: str) -> list[float]:
        return [float(r.metrics.get(key, float("nan"))) for r in results]

    lines = [f"seeds: {[r.seed for r in results]}; GRPO steps per trained arm: {steps}", "",
             "| arm | EM | reward | format | S2 context tokens | S1 calls / search turn | generated tokens / q |",
             "|---|---|---|---|---|---|---|"]
    for arm in arms:
        lines.append(f"| {arm} | {fmt(col(f'em_{arm}'))} | {fmt(col(f'reward_{arm}'))} | "
                     f"{fmt(col(f'format_rate_{arm}'), 2)} | {fmt(col(f'context_tokens_{arm}'), 0)} | "
                     f"{fmt(col(f'sys1_calls_per_search_turn_{arm}'), 2)} | {fmt(col(f'generated_tokens_{arm}'), 0)} |")
    qtypes = sorted({k.rsplit("_", 1)[1] for r in results for k in r.metrics if k.startswith("em_mars_")})
    if qtypes:
        lines += ["", "| arm | " + " | ".join(f"EM {t}" for t in qtypes) + " |", "|---|" + "---|" * len(qtypes)]
        for arm in arms:
            lines.append(f"| {arm} | " + " | ".join(fmt(col(f"em_{arm}_{t}")) for t in qtypes) + " |")
    rise = [m - w for m, w in zip(col("reward_mars"), col("reward_warm_start"), strict=True)]
    ratio = [m / s for m, s in zip(col("context_tokens_mars"), col("context_tokens_single_agent_grpo"), strict=True)]
    em_gap = [m - s for m, s in zip(col("em_mars"), col("em_single_agent_grpo"), strict=True)]
    frozen_gap = [m - f for m, f in zip(col("reward_mars"), col("reward_frozen_sys1"), strict=True)]
    checks = {
        "reward_rise_mars_vs_warm_start": ci95(rise),
        "context_ratio_mars_vs_single": ci95(ratio),
        "em_mars_minus_single": ci95(em_gap),
        "reward_mars_minus_frozen_sys1": ci95(frozen_gap),
    }
    verdict = {
        "reward_rise >= 0.15": checks["reward_rise_mars_vs_warm_start"][0] >= 0.15,
        "context ratio <= 0.5": checks["context_ratio_mars_vs_single"][0] <= 0.5,
        "EM MARS >= EM single": checks["em_mars_minus_single"][0] >= 0.0,
    }
    lines += ["", "| check | mean ± 95% CI | target | met |", "|---|---|---|---|",
              f"| held-out reward, MARS − warm start | {fmt(rise)} | ≥ +0.15 | {verdict['reward_rise >= 0.15']} |",
              f"| S2 context tokens, MARS / single agent | {fmt(ratio)} | ≤ 0.50 | {verdict['context ratio <= 0.5']} |",
              f"| EM, MARS − single agent | {fmt(em_gap)} | ≥ 0 | {verdict['EM MARS >= EM single']} |",
              f"| reward, MARS − frozen System 1 | {fmt(frozen_gap)} | reported | – |"]
    speed = ["", "| arm | s / GRPO step | rollout s | train s | zero-variance groups |", "|---|---|---|---|---|"]
    for arm in ("mars", "single_agent_grpo", "frozen_sys1"):
        speed.append(f"| {arm} | {fmt(col(f'seconds_per_step_{arm}'), 1)} | {fmt(col(f'rollout_seconds_per_step_{arm}'), 1)} | "
                     f"{fmt(col(f'train_seconds_per_step_{arm}'), 1)} | {fmt(col(f'zero_variance_fraction_{arm}'), 2)} |")
    speed.append("")
    speed.append("generation tokens/s during greedy evaluation (batched, all arms): "
                 + fmt([v for r in results for k, v in r.metrics.items() if k.startswith("eval_tokens_per_second_")], 1))
    curves = ["", "held-out (dev) reward during GRPO, per arm (mean over seeds; steps where measured):"]
    for arm in ("mars", "single_agent_grpo", "frozen_sys1"):
        series = [r.metrics.get(f"curve_dev_reward_{arm}") for r in results]
        series = [s for s in series if isinstance(s, list)]
        if series:
            arr = np.array(series, dtype=float)
            points = [f"{i + 1}:{np.nanmean(arr[:, i]):.3f}" for i in range(arr.shape[1]) if not np.all(np.isnan(arr[:, i]))]
            curves.append(f"- {arm}: " + ", ".join(points))
    text = "\n".join(lines + speed + curves) + "\n"
    return text, {"checks": checks, "verdict": verdict}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("runs/bench/mars"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--oracle-only", action="store_true", help="only the gold-program context statistics")
    parser.add_argument("--oracle-questions", type=int, default=50, help="per question type")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    for noisy in ("agentzoo.tools", "bm25s", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args.out.mkdir(parents=True, exist_ok=True)
    oracle_path = args.out / "oracle_context.md"
    if not oracle_path.exists():
        oracle_path.write_text(oracle_context(args.oracle_questions))
    print(oracle_path.read_text())
    if args.oracle_only:
        return
    results = []
    for seed in (int(s) for s in args.seeds.split(",")):
        directory = args.out / f"seed{seed}"
        if not is_complete(directory):
            start = time.perf_counter()
            logging.info("seed %d (load %.1f)", seed, os.getloadavg()[0])
            execute("mars", bench_config(seed, args.steps, args.out, args.threads), directory)
            logging.info("seed %d done in %.0f s", seed, time.perf_counter() - start)
        results.append(Result.load(directory))
    if not results:
        return
    text, data = summarise(results, args.steps)
    (args.out / "summary.md").write_text(text)
    (args.out / "summary.json").write_text(json.dumps(data, indent=2, default=str))
    print(text)


if __name__ == "__main__":
    main()
