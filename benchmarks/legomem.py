"""LEGOMem quality: the placement x retrieval grid with the embedded model, on held-out tasks.

    .venv/bin/python benchmarks/legomem.py --suite officebench --seeds 0 --max-test 40 --threads 1 \\
        --out runs/bench/legomem_officebench
    .venv/bin/python benchmarks/legomem.py --suite generated --seeds 0,1,2 --out runs/bench/legomem_generated

Smaller runs: ``--max-test``, ``--conditions``, ``--retrievals``, ``--families``, ``--n-per-family``,
``--max-orchestrator-steps`` and ``--max-agent-steps`` override the preset (``docs/legomem.md`` gives the
exact commands behind its numbers).

``officebench`` is ``../shared/data/officebench/tasks`` (memory from the predicate-guided expert on
the train directories; the test directories are held out); ``generated`` is the ``cpu`` preset.
Each seed is one ``agentzoo`` run directory under ``--out``; ``summary.md``/``summary.json``
hold success per condition (mean over seeds, pooled 95% Wilson interval), by app count, the
retrieval precision, skipped counts and the targets: ``both`` >= ``none`` + 10 points and
``both`` > ``random``.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def build_config(args: argparse.Namespace, seed: int) -> Any:
    from agentzoo.systems.legomem import Config

    changes: dict[str, Any] = {"seed": seed, "model": args.model, "max_test_subtasks": args.max_test}
    if args.conditions:
        changes["conditions"] = tuple(args.conditions.split(","))
    if args.retrievals is not None:
        changes["retrievals"] = tuple(r for r in args.retrievals.split(",") if r)
    for name in ("max_orchestrator_steps", "max_agent_steps", "n_per_family"):
        if getattr(args, name):
            changes[name] = getattr(args, name)
    if args.families:
        changes["families"] = tuple(args.families.split(","))
    if args.suite == "generated":
        return Config.cpu().replace(**changes)
    suite = REPO.parent / "shared" / "data" / "officebench" / "tasks" if args.suite == "officebench" else Path(args.suite)
    return Config(suite=str(suite), **changes)


def summarise(results: list[Any], wall: float, load: tuple[float, ...]) -> tuple[dict[str, Any], str]:
    from agentzoo.systems.legomem.report import success_key, success_table, wilson

    records = pd.concat([r.records.assign(seed=r.seed) for r in results])
    conditions = list(dict.fromkeys(records["condition"]))
    summary: dict[str, Any] = {"seeds": [r.seed for r in results], "wall_seconds": wall, "load_average_start": load,
                               "load_average_end": os.getloadavg(), "conditions": {}}
    for condition in conditions:
        rows = records[records["condition"] == condition]
        per_seed = rows.groupby("seed")["passed"].mean()
        low, high = wilson(int(rows["passed"].sum()), len(rows))
        summary["conditions"][condition] = {
            "metric": success_key(condition), "success": float(per_seed.mean()), "per_seed": per_seed.tolist(),
            "ci95_pooled": [low, high], "n": len(rows),
            "by_apps": {int(a): float(g["passed"].mean()) for a, g in rows.groupby("n_apps")},
            "seconds_per_task": float(rows["seconds"].mean()), "llm_calls_per_task": float(rows["llm_calls"].mean())}
    keys = ("retrieval_precision_at_1", "tasks_evaluated", "tasks_skipped", "train_success_rate", "memory_task_units")
    summary["metrics"] = {k: [r.metrics.get(k) for r in results] for k in keys}
    summary["skipped"] = {k: v for k, v in results[0].metrics.items() if k.startswith("skipped_")}
    c = summary["conditions"]
    if "both" in c and "none" in c:
        summary["target_both_minus_none_pp"] = (c["both"]["success"] - c["none"]["success"]) * 100
        summary["target_met_both_ge_none_plus_10"] = summary["target_both_minus_none_pp"] >= 10
    if "both" in c and "random" in c:
        summary["target_both_minus_random_pp"] = (c["both"]["success"] - c["random"]["success"]) * 100
        summary["target_met_both_gt_random"] = summary["target_both_minus_random_pp"] > 0
    table = success_table(records, conditions)
    text = (f"{table}\n\nseeds {summary['seeds']}, wall {wall / 60:.1f} min, load average at start "
            f"{load[0]:.1f}\n\n```json\n{json.dumps({k: v for k, v in summary.items() if k != 'conditions'}, indent=2)}\n```\n")
    return summary, text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", default="officebench", help="officebench | generated | a folder of tasks")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--max-test", type=int, default=0, help="test subtasks per seed (0: all)")
    parser.add_argument("--model", default="local")
    parser.add_argument("--conditions", default="", help="comma-separated (default: all)")
    parser.add_argument("--retrievals", default=None, help="comma-separated (default: all)")
    parser.add_argument("--families", default="", help="generated families (default: the cpu preset's 12)")
    parser.add_argument("--n-per-family", type=int, default=0, help="generated tasks per family (0: preset)")
    parser.add_argument("--max-orchestrator-steps", type=int, default=0, help="delegation limit (0: config default)")
    parser.add_argument("--max-agent-steps", type=int, default=0, help="actions per delegation (0: config default)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (1 is fastest on a busy machine)")
    parser.add_argument("--out", type=Path, default=REPO / "runs" / "bench" / "legomem")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    from agentzoo.runs import Result, execute

    load = os.getloadavg()
    start = time.perf_counter()
    results = []
    for seed in (int(s) for s in args.seeds.split(",")):
        directory = args.out / f"seed{seed}"
        config = build_config(args, seed)
        results.append(execute("legomem", config, directory))
        print(f"seed {seed}: {json.dumps({k: v for k, v in results[-1].metrics.items() if k.startswith('success_') and 'ci95' not in k and 'apps' not in k})}", flush=True)
    results = [Result.load(args.out / f"seed{r.seed}") for r in results]
    summary, text = summarise(results, time.perf_counter() - start, load)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    (args.out / "summary.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
