"""The embedded SmolLM2-135M-Instruct, offline, through the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.llm


def test_cli_answers_paris_offline():
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "AGENTZOO_LLM_CACHE": "0"}
    for _ in range(2):  # the first call may convert the GGUF file; the second loads the cache
        proc = subprocess.run(
            [sys.executable, "-m", "agentzoo", "llm", "What is the capital of France? Answer in one word."],
            capture_output=True, text=True, timeout=600, env=env,
        )
        assert proc.returncode == 0, proc.stderr
        assert "Paris" in proc.stdout
    assert "loaded in" in proc.stderr


def test_forced_choice_prefers_the_right_answer():
    from agentzoo.llm import load_model, user

    model = load_model("local", cache=False)
    scores = model.choice_logprobs([user("What is the capital of France?")], ["Paris", "London"])
    assert scores[0] > scores[1]
