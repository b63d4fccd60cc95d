"""The problem format and the six problems: validation, deterministic generators, known answers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from agentzoo.systems.ale_bench.problem import (
    PROBLEMS_DIR,
    ProblemFormatError,
    WrongAnswer,
    get_problem,
    load_problem,
    problem_ids,
    sha256,
)

from .conftest import PROBLEMS


def test_the_six_problems_validate_and_cover_the_kinds() -> None:
    assert tuple(sorted(problem_ids())) == tuple(sorted(PROBLEMS))
    problems = [get_problem(p) for p in PROBLEMS]
    assert sum(p.score_type == "maximize" for p in problems) >= 2
    assert sum(p.score_type == "minimize" for p in problems) >= 2
    assert [p.id for p in problems if p.type == "interactive"] == ["probe_map"]
    assert [p.id for p in problems if p.relative_score_type] == ["line_plan"]
    for p in problems:
        assert len(p.public_seeds()) == 50 and len(p.private_seeds()) == 200
        assert len(p.public_seeds(lite=True)) == 5 and len(p.private_seeds(lite=True)) == 50
        for name in ("trivial", "greedy", "annealing"):
            for ext in ("py", "cpp"):
                assert p.solution(f"{name}.{ext}").is_file()
        assert "@param" in p.solution("skeleton.cpp").read_text()
        assert p.solution("scorer.cpp").is_file()


@pytest.mark.parametrize("problem_id", PROBLEMS)
def test_inputs_match_the_stored_hashes(problem_id: str) -> None:
    p = get_problem(problem_id)
    assert sorted(p.input_sha256) == [0, 1, 2]
    for seed, digest in p.input_sha256.items():
        assert sha256(p.generate(seed)) == digest


GEN = """
import hashlib, sys
from agentzoo.systems.ale_bench.problem import get_problem
for pid in sys.argv[1:]:
    p = get_problem(pid)
    print(pid, hashlib.sha256("".join(p.generate(s) for s in range({n})).encode()).hexdigest())
"""


def _fresh_process_digests(n: int) -> str:
    return subprocess.run([sys.executable, "-c", GEN.format(n=n), *PROBLEMS], capture_output=True, text=True,
                          check=True, timeout=600).stdout


def test_generators_are_byte_identical_across_processes() -> None:
    assert _fresh_process_digests(10) == _fresh_process_digests(10)


@pytest.mark.slow
def test_generators_are_byte_identical_across_processes_200_seeds() -> None:
    assert _fresh_process_digests(200) == _fresh_process_digests(200)


def test_missing_scorer_names_the_file(tmp_path: Path) -> None:
    copy = tmp_path / "stamp_art"
    shutil.copytree(PROBLEMS_DIR / "stamp_art", copy)
    (copy / "scorer.py").unlink()
    with pytest.raises(ProblemFormatError, match=r"scorer\.py is missing"):
        load_problem(copy)


def test_toml_without_a_field_names_it(tmp_path: Path) -> None:
    copy = tmp_path / "depot_routes"
    shutil.copytree(PROBLEMS_DIR / "depot_routes", copy)
    toml = copy / "problem.toml"
    toml.write_text("\n".join(x for x in toml.read_text().splitlines() if not x.startswith("time_limit_s")))
    with pytest.raises(ProblemFormatError, match="time_limit_s"):
        load_problem(copy)


def test_scorer_known_answers() -> None:
    stamp = get_problem("stamp_art")
    inp = "2 3 3 1 5\n2 1\n#\n#\n012\n012\n"
    assert stamp.scorer(inp, "2\n0 0 1 1\n0 0 2 2\n") == (1000000, "matched 6/6")
    assert stamp.scorer(inp, "0")[0] == 333333  # 2 of 6 cells: round(10^6/3)
    with pytest.raises(WrongAnswer, match="out of range"):
        stamp.scorer(inp, "1\n0 5 0 1\n")
    routes = get_problem("depot_routes")
    inp = "3 2 7\n500 500\n100 100 3\n900 100 4\n500 900 2\n"
    # route 1: depot->(100,100)->(500,900)->depot = 565.69 + 894.43 + 400; route 2: 2*565.69
    cost, _ = routes.scorer(inp, "2 1 3\n1 2\n")
    assert cost == 2992  # ceil(565.685 + 894.427 + 400 + 1131.371)
    assert routes.scorer(inp, "0\n0\n")[0] == 30000
    with pytest.raises(WrongAnswer, match="twice"):
        routes.scorer(inp, "1 1\n1 1\n")
    with pytest.raises(WrongAnswer, match="capacity"):
        routes.scorer(inp, "3 1 2 3\n0\n")
    plan = get_problem("line_plan")
    inp = "2 1 20 1\n100\n2\n0 4\n4 0\n5 5 30 2 0\n10 20 50 1 1\n"
    assert plan.scorer(inp, "2 1 2\n")[0] == 76
    assert plan.scorer(inp, "0\n")[0] == 1


def test_grid_power_known_answer() -> None:
    grid = get_problem("grid_power")
    # one generator, the statement's example; LB = 3*72 + 20*72/50 = 244.8 -> 244
    inp = "1 3\n20 24 28\n10 50 5 2 2 100 20 3\n244\n"
    score, message = grid.scorer(inp, "20\n24\n28\n")
    assert "cost 376" in message and score == (2 * 10**8 * 244 + 376) // (2 * 376)
    with pytest.raises(WrongAnswer, match="ramp"):
        grid.scorer(inp, "20\n26\n28\n")
    with pytest.raises(WrongAnswer, match="demand"):
        grid.scorer(inp, "20\n22\n25\n")


def test_grid_power_lower_bound_is_below_all_on_cost() -> None:
    grid = get_problem("grid_power")
    inp = grid.generate(3)
    v = [int(t) for t in inp.split()]
    g, t = v[0], v[1]
    pmax = [v[2 + t + 8 * i + 1] for i in range(g)]
    score, _ = grid.scorer(inp, "\n".join(" ".join(map(str, pmax)) for _ in range(t)))
    assert 0 < score < 10**8


def test_shift_roster_known_answer() -> None:
    roster = get_problem("shift_roster")
    inp = "2 2\n1 0\n2 0\n0 0\n1 1 0 0 0 0\n1 1 0 0 0 0\n1\n1 0\n"
    assert roster.scorer(inp, "MM\n..\n")[0] == 1
    # worker 2 works day 0 (requested off: 6), one over-staffed morning (2), target 0 (2), not preferred: 0
    assert roster.scorer(inp, "MM\nM.\n")[0] == 1 + 2 + 6 + 2
    with pytest.raises(WrongAnswer, match="needs 1"):
        roster.scorer(inp, ".M\nM.\n")


def test_probe_map_protocol_errors_are_wrong_answers() -> None:
    probe = get_problem("probe_map")
    inp = probe.generate(0)
    judge = probe.judge_class(inp)
    n, d, limit = map(int, judge.start().split())
    assert limit == 3 * n * n
    with pytest.raises(WrongAnswer, match="unknown command"):
        judge.step("x 1 1")
    with pytest.raises(WrongAnswer, match="outside"):
        probe.judge_class(inp).step(f"q {n} 0")
    flood = "\n".join(["q 0 0"] * (limit + 1))
    with pytest.raises(WrongAnswer, match="query limit"):
        probe.scorer(inp, flood + "\na 0")
    with pytest.raises(WrongAnswer, match="without an answer"):
        probe.scorer(inp, "q 0 0\n")
    score, _ = probe.scorer(inp, "q 1 1\nd 0 0\na 0")
    assert score == 1 + 10 + 1000 * d


@pytest.mark.parametrize("problem_id", PROBLEMS)
def test_visualisations_are_valid_svg_and_png(problem_id: str) -> None:
    from io import BytesIO

    from PIL import Image

    p = get_problem(problem_id)
    inp = p.generate(1)
    output = {"probe_map": "q 1 1\nd 0 0\na 1 0 0", "stamp_art": "1\n0 0 0 1"}.get(problem_id, "")
    canvas = p.render(inp, output)
    ElementTree.fromstring(canvas.svg())
    image = Image.open(BytesIO(canvas.png()))
    assert image.size[0] > 50 and image.size[1] > 50
