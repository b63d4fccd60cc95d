"""MARS evaluates any OpenAI-compatible chat server (here a fake one on 127.0.0.1)."""

from __future__ import annotations

from typing import Any

import pytest

from agentzoo.rl.testing import json_server
from agentzoo.systems.mars import Config, run


def _chat(body: dict[str, Any]) -> dict[str, Any]:
    messages = body["messages"]
    if messages[0]["content"].startswith("You summarise"):
        text = "No relevant information."
    elif any(m["role"] == "assistant" for m in messages):
        text = "<answer>unknown</answer>"
    else:  # a search, cut at the stop string as real servers do
        text = '<search purpose="find it">' + messages[1]["content"].removeprefix("Question: ")
    return {"choices": [{"message": {"content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5}}


def test_openai_server_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTZOO_LLM_CACHE", "0")
    with json_server(_chat) as (url, requests):
        cfg = Config.quick().replace(model=f"openai:fake@{url}", arms=("oracle", "zero_shot"), eval_questions=3,
                                     steps=0, warm_start="none")
        result = run(cfg)
    assert result.metrics["em_oracle"] == 1.0
    assert result.metrics["format_rate_zero_shot"] == 1.0  # search (stop tag restored), then an answer
    assert result.metrics["sys1_calls_per_search_turn_zero_shot"] >= 1.0
    assert result.metrics["context_tokens_zero_shot"] > 0
    assert any(r["messages"][0]["content"].startswith("You summarise") for r in requests)
    assert all(r.get("stop") for r in requests if not r["messages"][0]["content"].startswith("You summarise"))
