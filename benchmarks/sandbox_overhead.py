"""Per-run overhead of agentzoo.tools.sandbox over a plain subprocess, C++ and Python, in one run.

    .venv/bin/python benchmarks/sandbox_overhead.py --runs 60

For each language the same hello-world program runs ``--runs`` times under each method,
interleaved (plain, sandbox, rlimit-only, plain, ...) so that machine load hits all methods
alike. Each call feeds a line on stdin and captures stdout and stderr. Reported: the median
wall time per call of each method, the overhead = median of the per-round differences
(sandbox - plain), and the mean CPU time per call (this process and its children: the
supervisor, bubblewrap, sandbox-init and the program), which a loaded machine does not
inflate the way it inflates wall time. Targets (issue #4): at most +15 ms (C++) and +40 ms
(Python) median overhead on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from agentzoo.tools import compile as cc
from agentzoo.tools import sandbox

CPP = '#include <cstdio>\nint main(){ char s[64]; if (scanf("%63s", s) == 1) printf("hello %s\\n", s); }\n'
PY = "print('hello', input())\n"
TARGET_MS = {"cpp": 15.0, "python": 40.0}


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(fn: Callable[[], bytes]) -> tuple[float, float]:
    cpu, start = _cpu(), time.perf_counter()
    out = fn()
    elapsed, cpu = time.perf_counter() - start, _cpu() - cpu
    if out != b"hello world\n":
        raise RuntimeError(f"unexpected output {out!r}")
    return elapsed, cpu


def measure(language: str, runs: int, scratch: Path) -> dict[str, object]:
    built = cc.compile_program(
        CPP if language == "cpp" else PY, "cpp20" if language == "cpp" else "python"
    )
    assert built.ok and built.program is not None, built.error
    program = built.program
    # the plain baseline runs the very same files from a directory of its own
    for name, content in program.files.items():
        target = scratch / name
        target.write_bytes(content if isinstance(content, bytes) else Path(content).read_bytes())
        target.chmod(0o755)
    argv = list(program.argv)
    methods: dict[str, Callable[[], bytes]] = {
        "plain": lambda: (
            subprocess.run(
                argv, input=b"world\n", capture_output=True, cwd=scratch, timeout=30
            ).stdout
        ),
        "sandbox": lambda: cc.run_program(program, stdin=b"world\n", time_limit_s=30).stdout,
        "rlimit": lambda: (
            cc.run_program(program, stdin=b"world\n", time_limit_s=30, mode="rlimit").stdout
        ),
    }
    for fn in methods.values():  # warm-up: caches, sandbox-init build, page cache
        _timed(fn)
    times: dict[str, list[float]] = {name: [] for name in methods}
    cpus: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(runs):
        for name, fn in methods.items():
            wall, cpu = _timed(fn)
            times[name].append(wall)
            cpus[name].append(cpu)
    median_ms = {name: 1000 * statistics.median(t) for name, t in times.items()}
    cpu_ms = {name: 1000 * statistics.mean(c) for name, c in cpus.items()}
    paired = {
        name: 1000
        * statistics.median(a - b for a, b in zip(times[name], times["plain"], strict=True))
        for name in ("sandbox", "rlimit")
    }
    return {
        "language": language,
        "runs": runs,
        "median_ms": median_ms,
        "cpu_ms": cpu_ms,
        "overhead_ms": paired,
        "target_ms": TARGET_MS[language],
        "met": paired["sandbox"] <= TARGET_MS[language],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=60, help="runs per method and language (>= 30)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.runs < 30:
        parser.error("--runs must be at least 30")
    mode = sandbox.resolve_mode("auto")
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        results = [measure(lang, args.runs, Path(tmp)) for lang in ("cpp", "python")]
    load_after = os.getloadavg()
    print(
        f"sandbox mode: {mode}; cpus: {os.cpu_count()}; load average before {load_before[0]:.2f}, after {load_after[0]:.2f}"
    )
    print(
        "| language | runs | plain ms (CPU) | sandbox ms (CPU) | rlimit-only ms (CPU) "
        "| sandbox overhead ms | target | met |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        m, c, o = r["median_ms"], r["cpu_ms"], r["overhead_ms"]
        assert isinstance(m, dict) and isinstance(c, dict) and isinstance(o, dict)
        cells = " | ".join(f"{m[k]:.1f} ({c[k]:.1f})" for k in ("plain", "sandbox", "rlimit"))
        print(
            f"| {r['language']} | {r['runs']} | {cells} "
            f"| +{o['sandbox']:.1f} | +{r['target_ms']:.0f} | {'yes' if r['met'] else 'NO'} |"
        )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"mode": mode, "load": [load_before, load_after], "results": results}, indent=1
            )
        )


if __name__ == "__main__":
    sys.exit(main())
