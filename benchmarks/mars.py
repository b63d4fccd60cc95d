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

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.rl import bench
from agentzoo.rl.bench import Columns, ci95, pm
from agentzoo.runs import Result
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


def summarise(results: Sequence[Result], steps: int) -> tuple[str, dict[str, Any]]:
    arms = [a for a in ARMS if any(f"em_{a}" in r.metrics for r in results)]

    col = Columns(results)

    lines = [f"seeds: {[r.seed for r in results]}; GRPO steps per trained arm: {steps}", "",
             "| arm | EM | reward | format | S2 context tokens | S1 calls / search turn | generated tokens / q |",
             "|---|---|---|---|---|---|---|"]
    for arm in arms:
        lines.append(f"| {arm} | {pm(col(f'em_{arm}'))} | {pm(col(f'reward_{arm}'))} | "
                     f"{pm(col(f'format_rate_{arm}'), 2)} | {pm(col(f'context_tokens_{arm}'), 0)} | "
                     f"{pm(col(f'sys1_calls_per_search_turn_{arm}'), 2)} | {pm(col(f'generated_tokens_{arm}'), 0)} |")
    lines += col.em_by_type(arms, "mars")
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
              f"| held-out reward, MARS − warm start | {pm(rise)} | ≥ +0.15 | {verdict['reward_rise >= 0.15']} |",
              f"| S2 context tokens, MARS / single agent | {pm(ratio)} | ≤ 0.50 | {verdict['context ratio <= 0.5']} |",
              f"| EM, MARS − single agent | {pm(em_gap)} | ≥ 0 | {verdict['EM MARS >= EM single']} |",
              f"| reward, MARS − frozen System 1 | {pm(frozen_gap)} | reported | – |"]
    speed = ["", "| arm | s / GRPO step | rollout s | train s | zero-variance groups |", "|---|---|---|---|---|"]
    for arm in ("mars", "single_agent_grpo", "frozen_sys1"):
        speed.append(f"| {arm} | {pm(col(f'seconds_per_step_{arm}'), 1)} | {pm(col(f'rollout_seconds_per_step_{arm}'), 1)} | "
                     f"{pm(col(f'train_seconds_per_step_{arm}'), 1)} | {pm(col(f'zero_variance_fraction_{arm}'), 2)} |")
    speed.append("")
    speed.append("generation tokens/s during greedy evaluation (batched, all arms): "
                 + pm([v for r in results for k, v in r.metrics.items() if k.startswith("eval_tokens_per_second_")], 1))
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
    parser = bench.seeds_parser(__doc__, steps=30, out="runs/bench/mars")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--oracle-only", action="store_true", help="only the gold-program context statistics")
    parser.add_argument("--oracle-questions", type=int, default=50, help="per question type")
    args = parser.parse_args()
    bench.setup_logging()
    args.out.mkdir(parents=True, exist_ok=True)
    oracle_path = args.out / "oracle_context.md"
    if not oracle_path.exists():
        oracle_path.write_text(oracle_context(args.oracle_questions))
    print(oracle_path.read_text())
    if args.oracle_only:
        return
    results = bench.run_seeds("mars", bench.seeds(args),
                        lambda seed: bench_config(seed, args.steps, args.out, args.threads), args.out)
    print(bench.write_summary(args.out, results, lambda rs: summarise(rs, args.steps)))


if __name__ == "__main__":
    main()
