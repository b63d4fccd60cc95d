"""The same run through a real OpenAI-compatible HTTP server (free-text JSON) and the embedded model."""

from __future__ import annotations

import pytest

from agentzoo.rl.testing import json_server
from agentzoo.systems import quantagents as qa
from agentzoo.systems.quantagents.agents import _scripted_respond

from .conftest import tiny


def _reply(body: dict) -> dict:
    """/v1/chat/completions answering with the scripted role rules (JSON), like a well-behaved large model."""
    text = _scripted_respond(body["messages"])
    return {"choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5}}


def test_openai_server_run_parses_json_into_records(monkeypatch) -> None:
    monkeypatch.setenv("AGENTZOO_LLM_CACHE", "0")
    with json_server(_reply) as (server, requests):
        res = qa.run(tiny(variants=("full",), model=f"openai:fake@{server}"))
    assert res.metrics["parse_failures"] == 0
    assert res.metrics["llm_calls_otto"] == 3 and res.metrics["llm_calls_bob"] == 3  # Bob proposes candidates
    assert len(requests) >= 1 + 3 * 3  # the reachability probe, then every meeting's requests
    decisions = [m["record"] for m in res.artifacts["meetings/full.json"] if m["record"]["type"] == "Decision"]
    assert any(d["action"] == "adopt_strategy" for d in decisions)
    reports = [m["record"] for m in res.artifacts["meetings/full.json"] if m["record"]["type"] == "MarketReport"]
    assert all(r["text"] == "Sentiment is mixed." and not r["parse_failed"] for r in reports)


@pytest.mark.llm
def test_embedded_model_runs_a_short_period() -> None:
    res = qa.run(tiny(variants=("full",), model="local", test_weeks=2, max_tokens_report=8))
    assert res.metrics["llm_calls_otto"] == 2
    assert res.metrics["parse_failures"] == 0
    decisions = [m["record"] for m in res.artifacts["meetings/full.json"] if m["record"]["type"] == "Decision"]
    assert all(d["raw_text"].startswith("choice ") for d in decisions)  # forced choices with their log-probs
