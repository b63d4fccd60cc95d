"""Embedders: the real all-MiniLM-L6-v2 (loaded once per session) and the hashing fallback."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from agentzoo.memory import EmbedderError, HashEmbedder, MiniLMEmbedder, get_embedder


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbedder:
    try:
        embedder = get_embedder("minilm")
    except EmbedderError as exc:
        pytest.skip(str(exc))
    assert isinstance(embedder, MiniLMEmbedder)
    return embedder


def test_minilm_shape_norm_and_determinism(minilm: MiniLMEmbedder) -> None:
    texts = ["Add a meeting to Bob's calendar", "email the total to Tom", "sort the score sheet"]
    alone = minilm.embed([texts[0]])
    batch = minilm.embed(texts)
    again = minilm.embed(texts[::-1])[::-1]
    assert batch.shape == (3, 384) and batch.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(alone[0], batch[0], atol=1e-6)
    np.testing.assert_allclose(again, batch, atol=1e-6)
    assert minilm.embed([]).shape == (0, 384)


def test_minilm_ranks_paraphrases_first(minilm: MiniLMEmbedder) -> None:
    query, near, far = minilm.embed(
        ["send an email to Alice", "write a message to Alice by mail", "sort the spreadsheet by score"]
    )
    assert float(query @ near) > float(query @ far) + 0.2


def test_minilm_never_touches_the_network(tmp_path: Path) -> None:
    """Loads and embeds with every socket connection refused and a dead proxy configured."""
    script = tmp_path / "offline.py"
    script.write_text(textwrap.dedent(
        """
        import socket
        def refuse(*args, **kwargs):
            raise RuntimeError(f"network access attempted: {args!r}")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from agentzoo.memory import MiniLMEmbedder
        vectors = MiniLMEmbedder().embed(["hello"])
        print(vectors.shape)
        """
    ))
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(HF_HUB_OFFLINE="1", HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9",
               PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "(1, 384)" in done.stdout


def test_hash_embedder_is_lexical_and_normalised() -> None:
    embedder = HashEmbedder(dim=256)
    a, b, c = embedder.embed(["append a row to the sheet", "append row sheet", "send an email"])
    assert float(a @ b) > float(a @ c)
    np.testing.assert_allclose(np.linalg.norm([a, b, c], axis=1), 1.0, atol=1e-6)
    with pytest.raises(EmbedderError, match="allowed"):
        get_embedder("nope")
