"""The same run through a real OpenAI-compatible HTTP server (free-text JSON) and the embedded model."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from agentzoo.systems import quantagents as qa
from agentzoo.systems.quantagents.agents import _scripted_respond

from .conftest import tiny


class Handler(BaseHTTPRequestHandler):
    """/v1/chat/completions answering with the scripted role rules (JSON), like a well-behaved large model."""

    requests: ClassVar[list[dict]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Handler.requests.append(body)
        text = _scripted_respond(body["messages"])
        data = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                           "usage": {"prompt_tokens": 10, "completion_tokens": 5}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_openai_server_run_parses_json_into_records(server, monkeypatch) -> None:
    monkeypatch.setenv("AGENTZOO_LLM_CACHE", "0")
    res = qa.run(tiny(variants=("full",), model=f"openai:fake@{server}"))
    assert res.metrics["parse_failures"] == 0
    assert res.metrics["llm_calls_otto"] == 3 and res.metrics["llm_calls_bob"] == 3  # Bob proposes candidates
    assert len(Handler.requests) >= 1 + 3 * 3  # the reachability probe, then every meeting's requests
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
