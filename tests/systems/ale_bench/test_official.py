"""The loader for users' own official data, on a tiny synthetic archive in the official layout
(built here; no AtCoder material is shipped or downloaded)."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest

from agentzoo.systems.ale_bench import list_problem_ids, start
from agentzoo.systems.ale_bench.judge import Verdict
from agentzoo.systems.ale_bench.official import (
    OfficialDataError,
    load_schedule,
    parse_tester_score,
    read_archive,
)
from agentzoo.systems.ale_bench.problem import WrongAnswer

GEN = """#!/bin/sh
# fake official gen: one input file per seed in in/NNNN.txt
mkdir -p in
i=0
while read seed; do printf '%s\\n' "$seed" > "in/$(printf %04d $i).txt"; i=$((i+1)); done < "$1"
"""
BATCH_TESTER = """#!/bin/sh
# fake official batch tester: Score = the program's number (0 and an error if it is not one)
v=$(cat "$2" | tr -d '[:space:]')
case "$v" in ''|*[!0-9]*) echo "bad output" >&2; echo "Score = 0" >&2;; *) echo "Score = $v" >&2;; esac
"""
REACTIVE_TESTER = f"""#!{sys.executable}
# fake official reactive tester: sends the input's seed, expects seed * 2 back, scores 100 if right
import subprocess, sys
seed = int(sys.stdin.read())
p = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
p.stdin.write(f"{{seed}}\\n"); p.stdin.flush()
reply = p.stdout.readline().strip()
p.wait()
print(reply)
print(f"Score = {{100 if reply == str(2 * seed) else 0}}", file=sys.stderr)
"""


def make_problem(root: Path, pid: str, reactive: bool = False, skip: str = "") -> None:
    data = {
        "metadata": {"problem_id": pid, "start_at": "2024-01-01T15:00:00+09:00", "end_at": "2024-01-01T19:00:00+09:00",
                     "contest_url": "https://example.invalid", "title": f"Synthetic {pid}",
                     "problem_type": "reactive" if reactive else "batch", "score_type": "maximize"},
        "constraints": {"time_limit": 2.0, "memory_limit": 1 << 30},
        "image_files": {},
        "seeds": {"public": [0, 1], "private": [10, 11, 12], "public_lite": [1], "private_lite": [10, 11]},
    }
    members = {
        "data.json": json.dumps(data), "statement_en.md": "# Synthetic\nPrint a number.", "statement_ja.md": "",
        "example_input.txt": "0\n", "example_output.txt": "100\n",
        "standings_scores.csv": "rank,score\n1,300\n2,200\n3,100\n4,0\n",
        "standings_scores_lite.csv": "rank,score\n1,200\n2,100\n3,0\n",
        "performance.csv": "rank,performance\n1,2000\n2,1500\n3,1000\n4,500\n",
        "tools/README.md": "synthetic tools",
    }
    with zipfile.ZipFile(root / f"{pid}.zip", "w") as z:
        for name, text in members.items():
            if name != skip:
                z.writestr(f"{pid}/{name}", text)
    tools = root / pid / "tools" / "target" / "release"
    tools.mkdir(parents=True)
    for name, text in (("gen", GEN), ("tester", REACTIVE_TESTER if reactive else BATCH_TESTER)):
        (tools / name).write_text(text)
        (tools / name).chmod(0o755)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    make_problem(tmp_path, "ahc999")
    make_problem(tmp_path, "ahc998", reactive=True)
    (tmp_path / "problem_ids.txt").write_text("ahc998\nahc999\n")
    (tmp_path / "schedule.csv").write_text("problem_id,start_at,end_at,weight\nahc999,2024-01-01T15:00:00+09:00,2024-01-01T19:00:00+09:00,1.0\n")
    return tmp_path


def test_loader_reads_the_official_layout(data_dir: Path) -> None:
    assert list_problem_ids(official_data_dir=data_dir) == ["ahc998", "ahc999"]
    archive = read_archive(data_dir / "ahc999.zip", "ahc999")
    assert archive.seeds["private_lite"] == [10, 11] and archive.standings[True][-1] == (3, 0)
    assert load_schedule(data_dir)["ahc999"].weight == 1.0


def test_batch_problem_end_to_end(data_dir: Path) -> None:
    s = start("ahc999", official_data_dir=data_dir, tle_clock="cpu")
    assert s.problem.title == "Synthetic ahc999" and s.public_seeds == [0, 1]
    assert s.case_gen(5) == "5\n"
    result, rank, performance = s.private_eval('#include <cstdio>\nint main(){puts("100");}\n', "cpp20")
    assert result.overall_absolute_score == 300 and rank == 1 and performance == 2000
    bad = s.public_eval('#include <cstdio>\nint main(){puts("oops");}\n', "cpp20")
    assert bad.overall_judge_result is Verdict.WRONG_ANSWER and "bad output" in bad.case_results[0].message


def test_reactive_problem_runs_under_the_official_tester(data_dir: Path) -> None:
    s = start("ahc998", official_data_dir=data_dir, tle_clock="cpu", lite_version=True)
    good = "n = int(input())\nprint(2 * n, flush=True)\n"
    result, rank, _ = s.private_eval(good, "python")
    assert [c.absolute_score for c in result.case_results] == [100, 100] and rank == 1
    wrong = s.public_eval("n = int(input())\nprint(n, flush=True)\n", "python")
    assert wrong.overall_absolute_score == 0  # the tester scored it 0 (no error line: accepted with 0)


def test_missing_member_is_named(tmp_path: Path) -> None:
    make_problem(tmp_path, "ahc997", skip="data.json")
    with pytest.raises(OfficialDataError, match=r"ahc997/data\.json is missing"):
        read_archive(tmp_path / "ahc997.zip", "ahc997")
    with pytest.raises(OfficialDataError, match="no official ALE-Bench data"):
        list_problem_ids(official_data_dir="")


def test_tester_score_parsing() -> None:
    assert parse_tester_score("x\nScore = 42\n") == (42, "Score = 42")
    with pytest.raises(WrongAnswer, match="invalid move"):
        parse_tester_score("invalid move at turn 3\nScore = 0\n")
    with pytest.raises(WrongAnswer):
        parse_tester_score("")
