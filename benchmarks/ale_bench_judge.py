"""ALE-Bench judge speed: sandbox overhead per case vs a plain subprocess, compile cache, generators.

Side by side in one run (ratios are robust to load; the load average is printed):

* per-case overhead of the judge (bubblewrap + rlimits + scoring) over a plain ``subprocess.run``
  of the same echo program, C++ and Python, median of ``--repeats`` (spec target: <= 15 ms C++,
  <= 40 ms Python);
* a repeated submission of the same source compiles 0 times;
* time to generate 50 inputs per problem (spec: < 1 s);
* time to a TLE verdict for an infinite loop (TL + 0.3 s plus start-up expected).

    python benchmarks/ale_bench_judge.py --repeats 30
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from agentzoo.systems.ale_bench.judge import Judge, Verdict
from agentzoo.systems.ale_bench.problem import get_problem, problem_ids
from agentzoo.tools import compile as cc

ECHO_CPP = '#include <cstdio>\nint main(){int c; while((c=getchar())!=EOF) putchar(c); return 0;}\n'
ECHO_PY = "import sys\nsys.stdout.write(sys.stdin.read())\n"


def overhead(language: str, source: str, repeats: int) -> dict[str, float]:
    """Median wall seconds of the same echo program: a plain subprocess, the sandbox alone
    (bubblewrap + rlimits), and the judge's full case (sandbox + limits + scoring)."""
    problem = get_problem("stamp_art")
    judge = Judge(problem, tle_clock="cpu")
    built = judge.compile(source, language)
    assert built.ok and built.program is not None
    program = built.program
    stdin = "0\n"  # echoed back: a valid stamp_art answer (no stamps)
    case_input = problem.generate(0)
    if language == "python":
        argv = [sys.executable, "-B", "-s", "-c", source]
    else:
        argv = [str(program.files["main"])]
    plain, boxed, judged = [], [], []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run(argv, input=stdin.encode(), capture_output=True, check=True)
        plain.append(time.perf_counter() - t)
        t = time.perf_counter()
        cc.run_program(program, stdin=stdin, time_limit_s=2.3, memory_limit_mb=1024)
        boxed.append(time.perf_counter() - t)
        t = time.perf_counter()
        judge.run_case(program, case_input + "0\n", time_limit=2.0, memory_limit_mib=1024)
        judged.append(time.perf_counter() - t)
    med = statistics.median
    return {"plain_median_s": med(plain), "sandbox_median_s": med(boxed), "judge_case_median_s": med(judged),
            "sandbox_overhead_ms": 1000 * (med(boxed) - med(plain)),
            "judge_overhead_ms": 1000 * (med(judged) - med(plain))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/ale_bench_judge.json"))
    args = parser.parse_args()
    report: dict[str, object] = {"load": Path("/proc/loadavg").read_text().strip()}
    report["cpp20"] = overhead("cpp20", ECHO_CPP, args.repeats)
    report["python"] = overhead("python", ECHO_PY, args.repeats)
    judge = Judge(get_problem("stamp_art"), tle_clock="wall", time_limit_scale=0.5)
    judge.compile(ECHO_CPP + "// repeat\n", "cpp20")  # the first submission (compiled unless cached)
    before = judge.stats["compiles"]
    for _ in range(3):
        judge.compile(ECHO_CPP + "// repeat\n", "cpp20")
    report["compiles_for_3_repeated_submissions"] = judge.stats["compiles"] - before
    gen = {}
    for pid in problem_ids():
        p = get_problem(pid)
        t = time.perf_counter()
        for seed in range(50):
            p.generate(seed)
        gen[pid] = time.perf_counter() - t
    report["generate_50_inputs_s"] = gen
    loop = "int main(){volatile unsigned long x=0; for(;;) x++;}\n"
    built = cc.compile_program(loop, "cpp20")
    assert built.program is not None
    t = time.perf_counter()
    case = judge.run_case(built.program, "x", time_limit=1.0, memory_limit_mib=1024)
    report["tle"] = {"verdict": case.judge_result.value, "time_limit_s": 1.0,
                     "seconds_to_verdict": time.perf_counter() - t, "ok": case.judge_result is Verdict.TIME_LIMIT_EXCEEDED}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
