"""ALE-Bench reference solutions: all AC at the full time limit, and the tiers are ordered.

Runs trivial, greedy and annealing in C++ and Python on the public seeds at time-limit scale 1
(the programs use their clocks, not iteration budgets) and reports, per problem and language:
verdict counts, the share of seeds where annealing >= greedy and greedy >= trivial (in the
problem's direction), and the mean scores. Spec targets: all AC; annealing >= greedy on >= 80 %
of seeds and in mean; greedy >= trivial on >= 95 %.

    python benchmarks/ale_bench_references.py --seeds 50 --clock cpu
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from agentzoo.systems.ale_bench.judge import Judge, Verdict
from agentzoo.systems.ale_bench.problem import get_problem, problem_ids


def better_or_equal(a: int, b: int, maximize: bool) -> bool:
    return a >= b if maximize else a <= b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--clock", choices=("wall", "cpu"), default="cpu")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--problems", default=",".join(problem_ids()))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/ale_bench_references.json"))
    args = parser.parse_args()
    report: dict[str, object] = {"load_before": Path("/proc/loadavg").read_text().strip(), "clock": args.clock}
    for pid in args.problems.split(","):
        problem = get_problem(pid)
        judge = Judge(problem, num_workers=args.workers, tle_clock=args.clock, keep_io=False)
        cases = [(s, problem.generate(s)) for s in problem.public_seeds()[: args.seeds]]
        for ext, language in (("cpp", "cpp20"), ("py", "python")):
            scores, verdicts = {}, {}
            for tier in ("trivial", "greedy", "annealing"):
                result = judge.evaluate(problem.solution(f"{tier}.{ext}").read_text(), language, cases)
                scores[tier] = [c.absolute_score if c.judge_result is Verdict.ACCEPTED else None for c in result.case_results]
                verdicts[tier] = result.verdict_counts
            pairs = {}
            for hi, lo in (("annealing", "greedy"), ("greedy", "trivial")):
                ok = [better_or_equal(a, b, problem.maximize) for a, b in zip(scores[hi], scores[lo])
                      if a is not None and b is not None]
                pairs[f"{hi}>={lo}"] = sum(ok) / max(1, len(ok))
            means = {t: statistics.mean(s for s in v if s is not None) if any(s is not None for s in v) else None
                     for t, v in scores.items()}
            report[f"{pid}/{ext}"] = {"verdicts": verdicts, "win_rates": pairs, "means": means}
            print(pid, ext, json.dumps(verdicts), json.dumps(pairs), json.dumps(means), flush=True)
    report["load_after"] = Path("/proc/loadavg").read_text().strip()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
