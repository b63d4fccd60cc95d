"""MATPO rollout speed: workers of all trees batched into one generation per turn vs tree by tree.

The same questions are rolled out greedily (so both modes generate the same tokens) with the
warm-started embedded model: once as one batch (every planner turn and every worker turn of all trees
is one ``generate`` call), once one tree at a time. Reported: generated tokens, seconds per role and
tokens/s; the target is >= 3x the throughput when batched. Both modes run in one process, one after
the other, repeated ``--repeats`` times (alternating) to be robust to load.

    .venv/bin/python benchmarks/matpo_speed.py --questions 16 --repeats 2 --out runs/bench/matpo_speed
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.seeding import rng
from agentzoo.systems.matpo import Config
from agentzoo.systems.matpo.baselines import ARM_SETTINGS
from agentzoo.systems.matpo.episode import run_episodes
from agentzoo.systems.matpo.train import build_setup, episode_settings, warm_start


def rollout(setup: Any, questions: list[Any], batched: bool) -> dict[str, float]:
    settings = episode_settings(setup.config, ARM_SETTINGS["matpo"], greedy=True)
    engine = setup.policy.engine
    before = engine.generated_tokens
    timer: dict[str, float] = {}
    start = time.perf_counter()
    groups = [questions] if batched else [[q] for q in questions]
    workers = 0
    for group in groups:
        episodes = run_episodes(group, [q.id for q in group], setup.policy, setup.tools(0.0), settings, "speed",
                                timer=timer)
        workers += sum(len(e.workers) for e in episodes)
    seconds = time.perf_counter() - start
    tokens = engine.generated_tokens - before
    return {"seconds": seconds, "tokens": float(tokens), "tokens_per_second": tokens / seconds,
            "planner_seconds": timer.get("planner", 0.0), "worker_seconds": timer.get("worker", 0.0),
            "workers": float(workers)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--preset", default="quick", help="Config preset whose warm start is used (cached)")
    parser.add_argument("--out", type=Path, default=Path("runs/bench/matpo_speed"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    for noisy in ("agentzoo.tools", "bm25s", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    config: Config = Config.preset(args.preset)
    setup = build_setup(config, train=True)
    state, _ = warm_start(setup, single=False, cache=config.warm_start_cache)
    setup.trainer.load_trainable_state(state)
    setup.weights_changed()
    questions = setup.world.questions.sample("train", config.question_types, args.questions, rng(0, "speed"))
    runs: dict[str, list[dict[str, float]]] = {"batched": [], "tree_by_tree": []}
    load = [os.getloadavg()[0]]
    for r in range(args.repeats):
        for mode in (("batched", "tree_by_tree") if r % 2 == 0 else ("tree_by_tree", "batched")):
            runs[mode].append(rollout(setup, questions, mode == "batched"))
            load.append(os.getloadavg()[0])
            logging.info("%s: %s", mode, runs[mode][-1])
    summary = {mode: {k: float(np.mean([x[k] for x in values])) for k in values[0]} for mode, values in runs.items()}
    ratio = summary["batched"]["tokens_per_second"] / summary["tree_by_tree"]["tokens_per_second"]
    summary["throughput_ratio"] = {"batched_over_tree_by_tree": ratio, "target": 3.0, "met": float(ratio >= 3.0)}
    summary["conditions"] = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
                             "load_average_1min": float(np.mean(load)), "questions": args.questions,
                             "repeats": args.repeats, "preset": args.preset}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "speed.json").write_text(json.dumps(summary, indent=2))
    lines = ["| mode | generated tokens | seconds | planner s | worker s | tokens/s |", "|---|---|---|---|---|---|"]
    for mode in ("batched", "tree_by_tree"):
        s = summary[mode]
        lines.append(f"| {mode} | {s['tokens']:.0f} | {s['seconds']:.1f} | {s['planner_seconds']:.1f} | "
                     f"{s['worker_seconds']:.1f} | {s['tokens_per_second']:.1f} |")
    lines.append(f"\nbatched / tree-by-tree throughput: {ratio:.2f}x (target >= 3x: {'met' if ratio >= 3 else 'MISSED'});"
                 f" mean 1-min load {np.mean(load):.1f} on {os.cpu_count()} cores")
    text = "\n".join(lines) + "\n"
    (args.out / "speed.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
