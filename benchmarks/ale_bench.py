"""ALE-Bench quality benchmark: refinement vs one-shot vs non-LLM search, side by side in one run.

For every problem and method the same budget of judged programs (default 10) runs in typed mode
from ``skeleton.cpp`` with ``AGENTZOO_ITER_BUDGET`` set (deterministic, machine-independent SA
effort). Methods:

* ``refine`` with the named model (default: the embedded SmolLM2-135M, ``local``);
* ``refine`` with ``scripted:ale_edit`` (a fixed coordinate-search policy) as a reference;
* ``repeated_sampling`` (one-shot: k programs without feedback) with the named model;
* ``param_search`` (random search + successive halving, no LLM);
* the pseudo-entrants (reference solutions) as context.

Target (issue): refine raises the start program's public score by >= 20 % within 10 programs on
>= 4 of 6 problems, with the named model. Results print as Markdown and go to a JSON file.

    python benchmarks/ale_bench.py --model local --budget 10 --out benchmarks/results/ale_bench.json
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import time
from pathlib import Path

from agentzoo.systems.ale_bench import Config, run
from agentzoo.systems.ale_bench.config import OUR_PROBLEMS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="local")
    parser.add_argument("--problems", default=",".join(OUR_PROBLEMS))
    parser.add_argument("--budget", type=int, default=10)
    parser.add_argument("--eval-seeds", type=int, default=3)
    parser.add_argument("--iter-budget", type=int, default=300_000)
    parser.add_argument("--methods", default="refine,param_search,repeated_sampling,refine_scripted,reference")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/ale_bench.json"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    os.environ.setdefault("AGENTZOO_PROGRESS", "0")
    problems = tuple(p for p in args.problems.split(",") if p)
    base = Config(problems=problems, lite=True, budget_programs=args.budget, eval_seeds=args.eval_seeds,
                  iter_budget=args.iter_budget, tle_clock="cpu", num_workers=args.workers, seed=args.seed,
                  edit_mode="typed", beam_width=4, children_per_node=2)
    variants = {
        "refine": base.replace(method="refine", model=args.model),
        "refine_scripted": base.replace(method="refine", model="scripted:ale_edit"),
        "repeated_sampling": base.replace(method="repeated_sampling", model=args.model),
        "param_search": base.replace(method="param_search"),
        "reference": base.replace(method="reference"),
    }
    rows: dict[str, dict[str, object]] = {}
    started_all = time.perf_counter()
    report: dict[str, object] = {"model": args.model, "budget_programs": args.budget, "eval_seeds": args.eval_seeds,
                                 "iter_budget": args.iter_budget, "problems": problems, "methods": rows}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for name in args.methods.split(","):
        started = time.perf_counter()
        result = run(variants[name])
        rows[name] = {"metrics": result.metrics, "seconds": time.perf_counter() - started}
        logging.info("%s done in %.0f s", name, rows[name]["seconds"])
        report.update(seconds=time.perf_counter() - started_all, uptime=Path("/proc/loadavg").read_text().strip())
        args.out.write_text(json.dumps(report, indent=1, default=str))  # saved after every method
    print(markdown(report))


def _fmt(value: object, digits: int = 3) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.{digits}g}" if abs(value) < 1e4 else f"{value:.0f}"
    return str(value)


def markdown(report: dict) -> str:  # type: ignore[type-arg]
    lines = [f"model `{report['model']}`, {report['budget_programs']} programs per problem and method, "
             f"{report['eval_seeds']} eval seeds, AGENTZOO_ITER_BUDGET={report['iter_budget']}, lite seeds; "
             f"load {report['uptime']}", ""]
    lines.append("| problem | method | start score | final score | improvement | private | pseudo rank | pseudo perf | programs | CE/RE/TLE | judge overhead/case (s) |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    improved: dict[str, int] = {}
    for problem in report["problems"]:
        for name, row in report["methods"].items():
            m = row["metrics"]
            if name == "reference":
                lines.append(f"| {problem} | best pseudo-entrant ({m.get(f'{problem}/best_entrant')}) | | | | | | "
                             f"{_fmt(m.get(f'{problem}/performance'))} | | | |")
                continue
            imp = m.get(f"{problem}/improvement", math.nan)
            improved[name] = improved.get(name, 0) + (isinstance(imp, float) and imp >= 0.2)
            lines.append(
                f"| {problem} | {name} | {_fmt(m.get(f'{problem}/score_initial'))} | {_fmt(m.get(f'{problem}/score_final'))} "
                f"| {_fmt(imp)} | {_fmt(m.get(f'{problem}/private_score'))} | {_fmt(m.get(f'{problem}/rank'))} "
                f"| {_fmt(m.get(f'{problem}/performance'))} | {m.get(f'{problem}/programs')} "
                f"| {m.get(f'{problem}/compile_errors')}/{m.get(f'{problem}/runtime_errors')}/{m.get(f'{problem}/tle')} "
                f"| {_fmt(m.get(f'{problem}/judge_overhead_per_case_s'))} |")
    lines.append("")
    for name, count in improved.items():
        mean_perf = report["methods"][name]["metrics"].get("mean_performance")
        lines.append(f"- {name}: >= 20 % improvement on {count} of {len(report['problems'])} problems; "
                     f"mean pseudo performance {_fmt(mean_perf)}; {report['methods'][name]['seconds']:.0f} s")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
