"""Parallel jobs: a local process pool and a real local Ray instance."""

from __future__ import annotations

from pathlib import Path

from agentzoo.parallel import Job, run_jobs
from agentzoo.runs import Result
from agentzoo.systems import llm_check


def _jobs(tmp_path: Path, seeds=(0, 1)) -> list[Job]:
    base = llm_check.Config(model="scripted:echo", n_questions=2)
    return [Job("llm-check", base.replace(seed=s), tmp_path / f"seed{s}") for s in seeds]


def test_local_pool_runs_jobs_and_reports_failures(tmp_path: Path):
    jobs = _jobs(tmp_path)
    jobs.append(Job("llm-check", llm_check.Config(model="scripted:no-such-policy"), tmp_path / "bad"))
    outcomes = run_jobs(jobs, executor="local", max_workers=2)
    assert [o.ok for o in outcomes] == [True, True, False]
    assert "no-such-policy" in (outcomes[2].error or "")
    assert Result.load(tmp_path / "seed1").seed == 1
    again = run_jobs(jobs[:2], executor="local", max_workers=2)
    assert all(o.skipped and o.ok for o in again)  # complete records are not rerun


def test_ray_runs_two_jobs_locally(tmp_path: Path):
    outcomes = run_jobs(_jobs(tmp_path), executor="ray", max_workers=2)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    assert sorted(Result.load(o.out).seed for o in outcomes) == [0, 1]
