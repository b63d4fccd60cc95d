"""MARS evaluates any OpenAI-compatible chat server (here a fake one on 127.0.0.1)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from agentzoo.systems.mars import Config, run


class _Chat(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        messages = body["messages"]
        self.server.requests.append(body)  # type: ignore[attr-defined]
        if messages[0]["content"].startswith("You summarise"):
            text = "No relevant information."
        elif any(m["role"] == "assistant" for m in messages):
            text = "<answer>unknown</answer>"
        else:  # a search, cut at the stop string as real servers do
            text = '<search purpose="find it">' + messages[1]["content"].removeprefix("Question: ")
        data = json.dumps({"choices": [{"message": {"content": text}, "finish_reason": "stop"}],
                           "usage": {"prompt_tokens": 10, "completion_tokens": 5}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Any]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Chat)
    httpd.requests = []  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()


def test_openai_server_evaluation(server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTZOO_LLM_CACHE", "0")
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    cfg = Config.quick().replace(model=f"openai:fake@{url}", arms=("oracle", "zero_shot"), eval_questions=3,
                                 steps=0, warm_start="none")
    result = run(cfg)
    assert result.metrics["em_oracle"] == 1.0
    assert result.metrics["format_rate_zero_shot"] == 1.0  # search (stop tag restored), then an answer
    assert result.metrics["sys1_calls_per_search_turn_zero_shot"] >= 1.0
    assert result.metrics["context_tokens_zero_shot"] > 0
    assert any(r["messages"][0]["content"].startswith("You summarise") for r in server.requests)
    assert all(r.get("stop") for r in server.requests if not r["messages"][0]["content"].startswith("You summarise"))
