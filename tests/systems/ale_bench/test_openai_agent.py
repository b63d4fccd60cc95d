"""The agent against an OpenAI-compatible server on 127.0.0.1 started by the test (free mode:
one-shot program, then SEARCH/REPLACE edits; typed mode on a server without log-probs)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from agentzoo.systems.ale_bench import Config, run

ONE_SHOT = "Here is my program:\n```cpp\n#include <cstdio>\nint main(){ puts(\"0\"); }\n```\n"
EDIT = ("<<<<<<< SEARCH\nint main(){ puts(\"0\"); }\n=======\n"
        "int main(){ puts(\"1\"); puts(\"0 0 0 1\"); }\n>>>>>>> REPLACE\n")


class Handler(BaseHTTPRequestHandler):
    prompts: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        prompt = body["messages"][-1]["content"]
        Handler.prompts.append(prompt)
        if "Possible edits" in prompt:  # typed mode: answer in words (no log-probs here)
            text = "I would choose: TARGET_WRONG_CELLS on"
        else:
            text = EDIT if "Current program" in prompt else ONE_SHOT
        reply = {"choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 100, "completion_tokens": 20}}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()


def test_free_mode_with_an_openai_server(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTZOO_LLM_CACHE", "0")
    config = Config.quick().replace(model=f"openai:fake-coder@{server}", problems=("stamp_art",), edit_mode="free",
                                    budget_programs=2, eval_seeds=2, children_per_node=1, private_eval=False)
    result = run(config)
    m = result.metrics
    assert m["stamp_art/programs"] == 2 and m["stamp_art/parse_failures"] == 0
    assert m["stamp_art/prompt_tokens"] >= 200  # counted from the server's usage
    assert any("Test run of the current program" in p for p in Handler.prompts)  # feedback reached the model
    assert m["stamp_art/score_final"] >= m["stamp_art/score_initial"]


def test_typed_mode_without_logprobs_falls_back_to_words(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTZOO_LLM_CACHE", "0")
    config = Config.quick().replace(model=f"openai:fake-coder@{server}", problems=("stamp_art",), budget_programs=2,
                                    eval_seeds=2, children_per_node=1, iter_budget=100_000, private_eval=False)
    result = run(config)
    assert "TARGET_WRONG_CELLS on" in set(result.records["label"])
