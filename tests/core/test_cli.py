"""The agentzoo command: list, run with generated options, clear errors, report, llm."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agentzoo.cli import main

SCRIPTED = ["--model", "scripted:echo"]


def test_list_shows_every_system(capsys):
    assert main(["list", "--width", "200"]) == 0
    out = capsys.readouterr().out
    for sid in ("rdirl", "mars", "atp", "legomem", "timi", "matpo", "quantagents", "fair-matching",
                "edge-caching", "ale-bench", "llm-check"):
        assert sid in out
    assert "implemented" in out


def test_python_dash_m_entry_point():
    proc = subprocess.run([sys.executable, "-m", "agentzoo", "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("agentzoo ")


def test_run_writes_a_record_and_report(tmp_path: Path, capsys):
    out = tmp_path / "run"
    assert main(["run", "llm-check", *SCRIPTED, "--seed", "4", "--n-questions", "2", "--out", str(out)]) == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert {"qa_accuracy", "choice_accuracy", "load_seconds"} <= set(metrics)
    config = json.loads((out / "config.json").read_text())
    assert config["system"] == "llm-check" and config["config"]["seed"] == 4
    assert config["config"]["n_questions"] == 2 and config["config"]["model"] == "scripted:echo"
    assert json.loads((out / "status.json").read_text())["state"] == "complete"
    assert (out / "run.log").read_text().strip()
    assert main(["report", str(out), "--out", str(tmp_path / "rep")]) == 0
    assert "llm-check" in (tmp_path / "rep" / "report.md").read_text()


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["run", "nope"], "unknown system 'nope'; allowed: rdirl, mars"),
        (["run", "llm-check", "--n-questionz", "2"], "did you mean --n-questions?"),
        (["run", "llm-check", "--n-questions", "abc"], "n_questions: 'abc' is not a valid int"),
        (["run", "llm-check", "--n-questions", "99"], "n_questions: must be in 1..12"),
        (["run", "llm-check", "--preset", "fast"], "invalid choice: 'fast'"),
        (["run", "llm-check", "--model", "gpt"], "unknown model spec 'gpt'"),
    ],
)
def test_bad_input_fails_at_once_with_allowed_values(argv, needle, capsys, tmp_path):
    try:
        code = main([*argv, "--out", str(tmp_path / "x")])
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    assert code == 2
    captured = capsys.readouterr()
    assert needle in captured.err + captured.out
    assert not (tmp_path / "x").exists()


def test_show_config_and_help(capsys):
    assert main(["run", "llm-check", "--show-config", "--max-tokens", "5"]) == 0
    assert json.loads(capsys.readouterr().out)["max_tokens"] == 5
    with pytest.raises(SystemExit):
        main(["run", "llm-check", "--help"])
    assert "Tokens generated per free-text answer" in capsys.readouterr().out


def test_llm_command_with_scripted_backend(capsys):
    assert main(["llm", "--model", "scripted:echo", "hello there"]) == 0
    assert capsys.readouterr().out.strip() == "hello there"
