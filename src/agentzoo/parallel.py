"""Run many (system, config) jobs: on a local process pool, or on Ray across machines.

>>> jobs = [Job("fair-matching", Config.quick().replace(seed=s), Path(f"runs/fm/{s}")) for s in range(4)]  # doctest: +SKIP
>>> outcomes = run_jobs(jobs, executor="local")    # or executor="ray", address="ray://head:10001"  # doctest: +SKIP

Each job runs :func:`agentzoo.runs.execute` in its own process and saves its record to
``job.out``; a failing job is reported in its :class:`JobOutcome` and does not stop the
others. Jobs whose directory already holds a complete record are skipped (so an
interrupted sweep resumes) unless ``rerun=True``.

On Ray every node needs agentzoo installed in the same environment; ``address=None``
starts a local instance with ``max_workers`` CPUs (``ray.init``), otherwise it connects
to a running cluster (``ray start --head`` on the head node, see the README).
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from agentzoo.config import SystemConfig
from agentzoo.progress import track
from agentzoo.runs import is_complete

log = logging.getLogger(__name__)

Executor = Literal["local", "ray"]


@dataclass(frozen=True)
class Job:
    """One run: a system id, its config and the directory its record goes to."""

    system: str
    config: SystemConfig
    out: Path


@dataclass(frozen=True)
class JobOutcome:
    """What became of a job."""

    job: Job
    ok: bool
    metrics: dict[str, Any] | None = None
    error: str | None = None
    seconds: float = 0.0
    skipped: bool = False
    """True when the record already existed and the job was not rerun."""

    @property
    def out(self) -> Path:
        return self.job.out


def _execute(system: str, config: dict[str, Any], out: str) -> tuple[bool, dict[str, Any] | None, str | None, float]:
    """Run one job; module-level and JSON-in/JSON-out so any process (or Ray worker) can run it."""
    from agentzoo import registry
    from agentzoo.runs import execute

    start = time.perf_counter()
    try:
        config_obj = registry.load(system).Config.from_dict(config)
        result = execute(system, config_obj, Path(out))
        return True, result.metrics, None, time.perf_counter() - start
    except Exception as exc:
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return False, None, detail, time.perf_counter() - start


def run_jobs(
    jobs: Sequence[Job],
    *,
    executor: Executor = "local",
    max_workers: int | None = None,
    address: str | None = None,
    rerun: bool = False,
) -> list[JobOutcome]:
    """Run ``jobs`` and return one outcome each, in the order given."""
    if executor not in ("local", "ray"):
        raise ValueError(f"executor must be 'local' or 'ray', got {executor!r}")
    outcomes: dict[int, JobOutcome] = {}
    todo: list[int] = []
    for i, job in enumerate(jobs):
        if not rerun and is_complete(job.out):
            from agentzoo.runs import Result

            outcomes[i] = JobOutcome(job, True, Result.load(job.out).metrics, skipped=True)
        else:
            todo.append(i)
    if todo:
        workers = max_workers or os.cpu_count() or 1
        runner = _run_ray if executor == "ray" else _run_local
        for i, (ok, metrics, error, seconds) in runner([jobs[i] for i in todo], workers, address, todo):
            outcomes[i] = JobOutcome(jobs[i], ok, metrics, error, seconds)
            if not ok:
                log.error("job %s (%s) failed: %s", jobs[i].out, jobs[i].system, error)
    return [outcomes[i] for i in range(len(jobs))]


def _payload(job: Job) -> tuple[str, dict[str, Any], str]:
    return job.system, job.config.to_dict(), str(job.out)


def _run_local(
    jobs: Sequence[Job], workers: int, address: str | None, index: Sequence[int]
) -> list[tuple[int, tuple[bool, dict[str, Any] | None, str | None, float]]]:
    if address is not None:
        raise ValueError("address applies to the ray executor only")
    if workers == 1 or len(jobs) == 1:
        pairs = list(zip(index, jobs, strict=True))
        return [(i, _execute(*_payload(job))) for i, job in track(pairs, "jobs")]
    results = []
    # spawn, not fork: torch and thread pools do not survive fork reliably.
    context = multiprocessing.get_context("spawn")
    n_workers = min(workers, len(jobs))
    threads = max(1, (os.cpu_count() or 1) // n_workers)
    with cf.ProcessPoolExecutor(max_workers=n_workers, mp_context=context,
                                initializer=_limit_threads, initargs=(threads,)) as pool:
        futures = {pool.submit(_execute, *_payload(job)): i for i, job in zip(index, jobs, strict=True)}
        for future in track(cf.as_completed(futures), "jobs", total=len(futures)):
            i = futures[future]
            try:
                results.append((i, future.result()))
            except Exception as exc:  # the worker process itself died
                results.append((i, (False, None, f"worker died: {exc}", 0.0)))
    return results


def _limit_threads(threads: int) -> None:
    """Pool worker start-up: share the cores between workers (no oversubscribed OpenMP pools)."""
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "AGENTZOO_TORCH_THREADS"):
        os.environ.setdefault(name, str(threads))


def _run_ray(
    jobs: Sequence[Job], workers: int, address: str | None, index: Sequence[int]
) -> list[tuple[int, tuple[bool, dict[str, Any] | None, str | None, float]]]:
    try:
        import ray
    except ImportError as exc:
        raise ImportError("the ray executor needs Ray: pip install 'agentzoo[dist]'") from exc
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    started_here = not ray.is_initialized()
    if started_here:
        if address is None:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        else:
            ray.init(address=address, log_to_driver=False)
    try:
        remote = ray.remote(num_cpus=1, max_retries=0)(_execute)
        refs = {remote.remote(*_payload(job)): i for i, job in zip(index, jobs, strict=True)}
        results = []
        pending = list(refs)
        for _ in track(range(len(pending)), "jobs (ray)"):
            done, pending = ray.wait(pending, num_returns=1)
            ref = done[0]
            try:
                results.append((refs[ref], ray.get(ref)))
            except Exception as exc:  # ray task or worker failure
                results.append((refs[ref], (False, None, f"ray task failed: {exc}", 0.0)))
        return results
    finally:
        if started_here:
            ray.shutdown()
