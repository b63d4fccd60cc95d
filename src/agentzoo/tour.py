"""The zoo tour: the quick preset of every system, one after the other, then the results site.

Each system runs in its own process (``python -m agentzoo run SYSTEM --preset quick``), so a
crash, a hang (per-system time limit) or a memory hog in one system cannot stop the others;
its failure is recorded in its run directory and shown on the site. A system whose run
directory already holds a complete record is not rerun, so an interrupted tour resumes
where it stopped.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from agentzoo import registry
from agentzoo.runs import is_complete, mark_status, read_status

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stop:
    """What happened to one system in the tour."""

    system: str
    state: str
    """``done``, ``skipped`` (already complete), ``failed`` or ``timeout``."""
    seconds: float
    out: Path
    error: str = ""


def default_systems() -> list[str]:
    """The implemented systems, in registry order (the diagnostic llm-check first)."""
    chosen = [s for s in registry.ids() if registry.status(s) == "implemented"]
    return sorted(chosen, key=lambda s: registry.info(s).kind != "diagnostic")


def run_tour(
    out: Path,
    systems: Sequence[str] | None = None,
    *,
    seed: int = 0,
    model: str | None = None,
    timeout_s: float = 1800.0,
    site: bool = True,
) -> list[Stop]:
    """Run the tour into ``out/<system>/`` and write the site to ``out/site``."""
    from agentzoo.progress import track

    chosen = list(systems) if systems else default_systems()
    for sid in chosen:
        registry.info(sid)  # unknown ids fail before anything runs
    stops = []
    for sid in track(chosen, "zoo tour"):
        target = out / sid
        if is_complete(target):
            stops.append(Stop(sid, "skipped", 0.0, target))
            log.info("tour: %s already complete, not rerun", sid)
            continue
        command = [sys.executable, "-m", "agentzoo", "run", sid, "--preset", "quick", "--seed", str(seed), "--out", str(target)]
        if model is not None and "model" in {f for f in registry.load(sid).Config.__dataclass_fields__}:
            command += ["--model", model]
        target.mkdir(parents=True, exist_ok=True)
        log.info("tour: running %s", sid)
        start = time.perf_counter()
        with open(target / "tour.log", "w") as log_file:
            try:
                proc = subprocess.run(command, stdout=log_file, stderr=subprocess.STDOUT, timeout=timeout_s,
                                      env={**os.environ, "AGENTZOO_PROGRESS": "0"})
                state = "done" if proc.returncode == 0 and is_complete(target) else "failed"
            except subprocess.TimeoutExpired:
                state = "timeout"
        seconds = time.perf_counter() - start
        error = ""
        if state != "done":
            tail = (target / "tour.log").read_text(errors="replace").strip().splitlines()[-5:]
            error = f"{state} after {seconds:.0f}s: " + " | ".join(tail)
            if read_status(target).get("state") != "failed" or state == "timeout":
                mark_status(target, "failed", system=sid, error=error)
            log.error("tour: %s %s", sid, error)
        stops.append(Stop(sid, state, seconds, target, error))
    if site:
        from agentzoo.site import write_site

        write_site([out], out / "site")
    return stops
