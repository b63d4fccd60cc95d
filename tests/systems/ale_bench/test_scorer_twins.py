"""Each Python scorer agrees with its independent C++ twin on the reference solutions' outputs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from agentzoo.systems.ale_bench.judge import Judge, Verdict
from agentzoo.systems.ale_bench.problem import WrongAnswer, get_problem

from .conftest import PROBLEMS, build

SOLUTIONS = ("trivial.cpp", "greedy.cpp", "annealing.cpp")


def _agreement(problem_id: str, seeds: range, gxx: str, tmp_path: Path) -> tuple[int, int]:
    problem = get_problem(problem_id)
    twin = build(gxx, problem.solution("scorer.cpp"), tmp_path, f"{problem_id}_scorer")
    judge = Judge(problem, num_workers=2, tle_clock="cpu", iter_budget=20_000)
    cases = [(s, problem.generate(s)) for s in seeds]
    agree = total = 0
    for solution in SOLUTIONS:
        result = judge.evaluate(problem.solution(solution).read_text(), "cpp20", cases)
        for case in result.case_results:
            assert case.judge_result is Verdict.ACCEPTED, (problem_id, solution, case.seed, case.message)
            assert case.input_str is not None and case.output_str is not None
            (tmp_path / "in.txt").write_text(case.input_str)
            (tmp_path / "out.txt").write_text(case.output_str)
            cpp = subprocess.run([str(twin), str(tmp_path / "in.txt"), str(tmp_path / "out.txt")],
                                 capture_output=True, text=True, timeout=60).stdout.strip()
            try:
                py = str(problem.scorer(case.input_str, case.output_str)[0])
            except WrongAnswer:
                py = "WA"
            total += 1
            agree += py == cpp.split()[0]
    return agree, total


@pytest.mark.parametrize("problem_id", PROBLEMS)
def test_python_and_cpp_scorers_agree(problem_id: str, gxx: str, tmp_path: Path) -> None:
    agree, total = _agreement(problem_id, range(2), gxx, tmp_path)
    assert agree == total == 2 * len(SOLUTIONS)


@pytest.mark.slow
@pytest.mark.parametrize("problem_id", PROBLEMS)
def test_python_and_cpp_scorers_agree_on_200_seeds(problem_id: str, gxx: str, tmp_path: Path) -> None:
    agree, total = _agreement(problem_id, range(200), gxx, tmp_path)
    assert agree == total == 200 * len(SOLUTIONS)


def test_twin_rejects_what_python_rejects(gxx: str, tmp_path: Path) -> None:
    problem = get_problem("depot_routes")
    twin = build(gxx, problem.solution("scorer.cpp"), tmp_path, "twin")
    inp = problem.generate(0)
    (tmp_path / "in.txt").write_text(inp)
    for bad in ("1 1\n1 1\n" + "0\n" * 20, "x", ""):
        (tmp_path / "out.txt").write_text(bad)
        out = subprocess.run([str(twin), str(tmp_path / "in.txt"), str(tmp_path / "out.txt")],
                             capture_output=True, text=True).stdout
        assert out.startswith("WA")
        with pytest.raises(WrongAnswer):
            problem.scorer(inp, bad)
