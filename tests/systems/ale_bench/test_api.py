"""The ALE-Bench-compatible session API: result shapes, caps, save/restart, the public proxy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agentzoo.systems.ale_bench import list_problem_ids, restart, start
from agentzoo.systems.ale_bench.api import SessionLimitError
from agentzoo.systems.ale_bench.judge import Verdict
from agentzoo.systems.ale_bench.problem import PROBLEMS_DIR, get_problem

TRIVIAL = get_problem("stamp_art").solution("trivial.cpp").read_text()
GREEDY = get_problem("stamp_art").solution("greedy.cpp").read_text()


def test_list_problem_ids() -> None:
    assert "stamp_art" in list_problem_ids() and len(list_problem_ids()) == 6


def test_public_and_private_eval_shapes(tmp_path: Path) -> None:
    s = start("stamp_art", lite_version=True, max_public_eval=2, tle_clock="cpu", num_workers=2)
    public = s.public_eval(TRIVIAL, "cpp20")
    assert len(public.case_results) == 5 and public.overall_judge_result is Verdict.ACCEPTED
    assert public.overall_absolute_score == sum(c.absolute_score for c in public.case_results)
    assert [c.seed for c in public.case_results] == list(s.public_seeds)
    result, rank, performance = s.private_eval(GREEDY, "cpp20")
    assert len(result.case_results) == 50 and isinstance(rank, int) and isinstance(performance, int)
    assert 1 <= rank <= 16 and 400 <= performance <= 2800
    with pytest.raises(SessionLimitError, match="private_eval"):
        s.private_eval(GREEDY, "cpp20")  # once per session
    s.public_eval(TRIVIAL, "cpp20")
    with pytest.raises(SessionLimitError, match="public_eval: the cap of 2"):
        s.public_eval(TRIVIAL, "cpp20")
    d = result.to_dict()
    assert {"overall_judge_result", "overall_absolute_score", "case_results"} <= set(d)


def test_relative_problem_fills_relative_scores() -> None:
    s = start("line_plan", lite_version=True, tle_clock="cpu", num_workers=2)
    code = get_problem("line_plan").solution("greedy.cpp").read_text()
    result, rank, _perf = s.private_eval(code, "cpp20")
    assert all(c.relative_score is not None and 0 <= c.relative_score <= 10**9 for c in result.case_results)
    assert result.overall_relative_score == sum(c.relative_score or 0 for c in result.case_results)
    assert rank is not None and rank > 1  # the annealing entrants beat the greedy


def test_save_restart_restores_log_counters_and_clock(tmp_path: Path) -> None:
    s = start("stamp_art", lite_version=True, use_same_time_scale=True, max_case_gen=3, tle_clock="cpu")
    s.case_gen([0, 1])
    s.public_eval(TRIVIAL, "cpp20")
    assert s.elapsed >= 300  # a virtual 300 s submission interval (contest < 1 day)
    s.save(tmp_path / "session.json")
    again = restart(tmp_path / "session.json")
    assert again.action_log == s.action_log and again.counts == s.counts and again.elapsed == s.elapsed
    again.case_gen(2)
    with pytest.raises(SessionLimitError, match="case_gen"):
        again.case_gen(3)


def test_public_session_has_no_private_access() -> None:
    s = start("stamp_art", lite_version=True)
    public = s.public()
    assert not hasattr(public, "private_eval")
    with pytest.raises(AttributeError):
        public.private_eval  # noqa: B018
    assert public.problem.title == "Stamp Art" and not hasattr(public.problem, "private_seeds")
    assert public.public_seeds == [0, 1, 2, 3, 4]


def test_generator_crash_is_an_internal_error_not_charged(tmp_path: Path) -> None:
    copy = tmp_path / "problems" / "stamp_art"
    shutil.copytree(PROBLEMS_DIR / "stamp_art", copy)
    gen = copy / "generator.py"
    gen.write_text(gen.read_text() + "\n_real = generate\n\ndef generate(seed, **kw):\n"
                   "    if seed == 3:\n        raise RuntimeError('boom')\n    return _real(seed, **kw)\n")
    s = start("stamp_art", lite_version=True, problems_dir=tmp_path / "problems", tle_clock="cpu")
    result = s.public_eval(TRIVIAL, "cpp20")
    verdicts = [c.judge_result for c in result.case_results]
    assert verdicts.count(Verdict.INTERNAL_ERROR) == 1 and verdicts.count(Verdict.ACCEPTED) == 4
    assert result.overall_absolute_score == 0  # ALE-Bench: IE makes the overall 0 ...
    assert result.total_cost == sum(c.absolute_score for c in result.case_results)  # ... but is not charged


def test_visualisation_from_the_session() -> None:
    s = start("depot_routes", lite_version=True)
    inp = s.case_gen(0)
    out = s.code_run(inp, get_problem("depot_routes").solution("greedy.py").read_text(), "python")
    assert out.exit_status == 0
    vis = s.local_visualization(inp, out.stdout)
    assert vis.svg.startswith("<svg") and vis.png[:4] == b"\x89PNG"
