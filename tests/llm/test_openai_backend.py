"""The OpenAI-compatible backend against a real HTTP server on 127.0.0.1 started by the test."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from agentzoo.llm import LLMError, load_model, user
from agentzoo.llm.openai_compat import OpenAIChatModel


class Handler(BaseHTTPRequestHandler):
    """A minimal /v1/chat/completions endpoint; /flaky/ fails with 500 twice first."""

    calls: ClassVar[dict[str, int]] = {}
    requests: ClassVar[list[dict]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        Handler.requests.append(body)
        prefix = self.path.split("/")[1]
        Handler.calls[prefix] = Handler.calls.get(prefix, 0) + 1
        if prefix == "flaky" and Handler.calls[prefix] <= 2:
            return self._send(500, {"error": "overloaded"})
        if prefix == "bad":
            return self._send(400, {"error": {"message": "model not found"}})
        if not self.path.endswith("/v1/chat/completions"):
            return self._send(404, {"error": "no route"})
        last = body["messages"][-1]["content"]
        reply = {
            "choices": [{"message": {"role": "assistant", "content": f"echo: {last}"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 2},
        }
        if body.get("logprobs"):
            reply["choices"][0]["logprobs"] = {"content": [{"token": "A", "logprob": -0.1, "top_logprobs": [
                {"token": "A", "logprob": -0.1}, {"token": "B", "logprob": -2.5}, {"token": " C", "logprob": -4.0}]}]}
        return self._send(200, reply)

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _model(url: str, **kw: object) -> OpenAIChatModel:
    model = OpenAIChatModel.from_spec(f"test-model@{url}")
    model.backoff_s = 0.01
    for key, value in kw.items():
        setattr(model, key, value)
    return model


def test_chat_and_batch(server: str):
    model = load_model(f"openai:test-model@{server}/ok/v1", cache=False)
    reply = model.chat([user("hello")], max_tokens=7, temperature=0.2, seed=3, stop=["\n"])
    assert reply.text == "echo: hello" and reply.prompt_tokens == 5 and reply.completion_tokens == 2
    sent = Handler.requests[-1]
    assert sent["model"] == "test-model" and sent["max_tokens"] == 7 and sent["seed"] == 3 and sent["stop"] == ["\n"]
    texts = [c.text for c in model.chat_batch([[user(str(i))] for i in range(5)])]
    assert texts == [f"echo: {i}" for i in range(5)]


def test_retries_after_500(server: str):
    model = _model(f"{server}/flaky/v1", max_retries=3)
    assert model.chat([user("x")]).text == "echo: x"
    assert Handler.calls["flaky"] == 3  # two 500s, then success


def test_client_errors_are_not_retried(server: str):
    model = _model(f"{server}/bad/v1", max_retries=3)
    with pytest.raises(LLMError, match=r"HTTP 400.*model not found"):
        model.chat([user("x")])
    assert Handler.calls["bad"] == 1


def test_unreachable_server_gives_a_clear_error():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    model = _model(f"http://127.0.0.1:{port}/v1", max_retries=2)
    with pytest.raises(LLMError, match=r"cannot reach the OpenAI-compatible server at http://127\.0\.0\.1:\d+/v1 after 3 attempts"):
        model.chat([user("x")])


def test_first_token_choice_scores(server: str):
    model = _model(f"{server}/ok/v1")
    assert model.choice_logprobs([user("pick")], ["A", "B", "C"]) == [-0.1, -2.5, -4.0]


def test_spec_errors():
    with pytest.raises(LLMError, match="needs a model name"):
        OpenAIChatModel.from_spec("@http://x")
    with pytest.raises(LLMError, match="must start with http"):
        OpenAIChatModel.from_spec("m@localhost:8000")
