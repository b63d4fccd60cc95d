"""Multi-seed benchmarks of the LLM-RL systems (``benchmarks/mars.py``, ``benchmarks/matpo.py``).

One run per seed under ``OUT/seedN`` (:func:`run_seeds`: a complete run is not rerun, a killed
one resumes from its GRPO checkpoints), then a summary of means with 95% Student-t intervals
over the seeds (:func:`ci95`, :func:`pm`, :class:`Columns`) written as Markdown and JSON
(:func:`write_summary`).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from agentzoo.report import mean_ci
from agentzoo.runs import Result, execute, is_complete

log = logging.getLogger(__name__)


def seeds_parser(description: str | None, *, steps: int, out: str) -> argparse.ArgumentParser:
    """The arguments every such benchmark takes: ``--seeds 0,1,2``, ``--steps`` (GRPO steps per trained
    arm) and ``--out`` (the runs and the summary); :func:`seeds` reads ``--seeds``."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--steps", type=int, default=steps)
    parser.add_argument("--out", type=Path, default=Path(out))
    return parser


def seeds(args: argparse.Namespace) -> list[int]:
    return [int(s) for s in args.seeds.split(",") if s]


def setup_logging() -> None:
    """INFO logs with times, without the chatter of the tools, the search index and HTTP clients."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    for noisy in ("agentzoo.tools", "bm25s", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def run_seeds(system: str, seeds: Iterable[int], config: Callable[[int], Any], out: Path, *,
              run_missing: bool = True) -> list[Result]:
    """The result of ``system`` with ``config(seed)`` for every seed, from ``out/seedN`` (run there when
    not complete, unless ``run_missing`` is False: then only the complete seeds)."""
    results = []
    for seed in seeds:
        directory = out / f"seed{seed}"
        if not is_complete(directory):
            if not run_missing:
                continue
            start = time.perf_counter()
            log.info("seed %d (load %.1f)", seed, os.getloadavg()[0])
            execute(system, config(seed), directory)
            log.info("seed %d done in %.0f s", seed, time.perf_counter() - start)
        results.append(Result.load(directory))
    return results


def write_summary(out: Path, results: Sequence[Result],
                  summarise: Callable[[Sequence[Result]], tuple[str, dict[str, Any]]]) -> str:
    """``summarise(results)`` (Markdown and data) written to ``out/summary.md`` and ``out/summary.json``;
    the Markdown ("" without results)."""
    if not results:
        return ""
    text, data = summarise(results)
    (out / "summary.md").write_text(text)
    (out / "summary.json").write_text(json.dumps(data, indent=2, default=str))
    return text


def ci95(values: Sequence[float]) -> tuple[float, float]:
    """Mean and half-width of the 95% Student-t interval over the finite values (half-width 0 for one
    value; NaN, NaN for none)."""
    mean, low, high = mean_ci(values)
    return mean, (high - low) / 2 if high == high else (0.0 if mean == mean else float("nan"))


def pm(values: Sequence[float], digits: int = 3) -> str:
    """``mean ± half-width`` of :func:`ci95` ("–" without values)."""
    mean, half = ci95(values)
    return "–" if mean != mean else f"{mean:.{digits}f} ± {half:.{digits}f}"


class Columns:
    """A metric across the runs of several seeds."""

    def __init__(self, results: Sequence[Result]) -> None:
        self.results = results

    def __call__(self, key: str) -> list[float]:
        """The values of metric ``key`` (NaN where a run lacks it)."""
        return [float(r.metrics.get(key, float("nan"))) for r in self.results]

    def diff(self, a: str, b: str) -> list[float]:
        """Per seed, metric ``a`` minus metric ``b``."""
        return [x - y for x, y in zip(self(a), self(b), strict=True)]

    def em_by_type(self, arms: Sequence[str], reference: str) -> list[str]:
        """A Markdown table of EM per question type (the types of ``em_{reference}_TYPE``; noise levels are
        not types) per arm."""
        qtypes = sorted({k.rsplit("_", 1)[1] for r in self.results for k in r.metrics
                         if k.startswith(f"em_{reference}_") and "noise" not in k and not k.endswith("_noisy")})
        if not qtypes:
            return []
        lines = ["", "| arm | " + " | ".join(f"EM {t}" for t in qtypes) + " |", "|---|" + "---|" * len(qtypes)]
        for arm in arms:
            lines.append(f"| {arm} | " + " | ".join(pm(self(f"em_{arm}_{t}")) for t in qtypes) + " |")
        return lines
