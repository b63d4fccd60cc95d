"""Test support for LLM-RL code (imported by test files only; needs pytest).

Fixtures, for a ``conftest.py`` to import (``from agentzoo.rl.testing import one_thread, ...``):

* :func:`one_thread` (autouse where imported) — torch on one thread: tiny models on a shared
  2-core machine run many times faster without thread contention;
* :func:`smol_tokenizer` — the embedded SmolLM2 tokenizer (skips when the model is not installed);
* :func:`tiny_model_dir` — a tiny random Llama saved with that tokenizer, so a whole pipeline
  (rendering, generation, warm start, GRPO, evaluation) runs in seconds as ``local:DIR``.

Helpers: :func:`json_server` (a fake HTTP JSON API on 127.0.0.1) and :func:`killed_and_resumed`
(a run killed during GRPO and resumed from its checkpoints, next to an uninterrupted one).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def smol_tokenizer() -> Any:
    """The embedded SmolLM2 tokenizer (converted once, then cached)."""
    transformers = pytest.importorskip("transformers")
    from agentzoo.llm.embedded import ensure_converted

    try:
        folder = ensure_converted()
    except Exception as exc:  # the embedded model is not installed
        pytest.skip(f"embedded model unavailable: {exc}")
    return transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory, smol_tokenizer: Any) -> Path:
    """A 2-layer random Llama (d = 32) with SmolLM2's tokenizer and chat template, saved to a folder."""
    from agentzoo.rl.tiny import tiny_model

    model = tiny_model(len(smol_tokenizer), hidden=32, layers=2, heads=2, seed=0)
    model.config.pad_token_id = smol_tokenizer.pad_token_id
    model.config.eos_token_id = smol_tokenizer.eos_token_id
    model.config.max_position_embeddings = 2048
    out = tmp_path_factory.mktemp("tiny-llama")
    model.save_pretrained(out)
    smol_tokenizer.save_pretrained(out)
    return out


@contextmanager
def json_server(reply: Callable[[dict[str, Any]], dict[str, Any]]) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """An HTTP server on 127.0.0.1 answering every POST with ``reply(request body)`` as JSON; yields its
    base URL (``http://127.0.0.1:PORT/v1``) and the list of request bodies received."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append(body)
            data = json.dumps(reply(body)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", received
    finally:
        server.shutdown()
        server.server_close()


def killed_and_resumed(run: Callable[[Any], Any], config: Any, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    """The metrics of ``run(config)`` uninterrupted, and of a run killed at GRPO step 1 then rerun with
    the same checkpoint directory (timings dropped, NaN as None): equal when resuming is exact."""
    from agentzoo.rl.grpo import GRPO
    from agentzoo.runs import to_jsonable

    full = run(config.replace(checkpoint_dir=str(tmp_path / "a")))
    original = GRPO.step

    def dying(self: GRPO, t: int) -> dict[str, Any]:
        if t == 1:
            raise KeyboardInterrupt("killed")
        return original(self, t)

    monkeypatch.setattr(GRPO, "step", dying)
    with pytest.raises(KeyboardInterrupt):
        run(config.replace(checkpoint_dir=str(tmp_path / "b")))
    monkeypatch.setattr(GRPO, "step", original)
    resumed = run(config.replace(checkpoint_dir=str(tmp_path / "b")))

    def comparable(metrics: dict[str, Any]) -> Any:
        return to_jsonable({k: v for k, v in metrics.items() if "seconds" not in k and "per_second" not in k})

    return comparable(full.metrics), comparable(resumed.metrics)
