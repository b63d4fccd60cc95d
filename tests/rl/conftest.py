"""RL-core test fixtures: single-threaded torch (tiny models on a shared 2-core machine run
tens of times faster without thread contention) and a tiny model with a char tokenizer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def tiny_chat() -> Any:
    from agentzoo.rl.tiny import tiny_chat_model

    return tiny_chat_model(seed=0)


@pytest.fixture(scope="session")
def smol_tokenizer() -> Any:
    """The embedded SmolLM2 tokenizer (converted once, then cached)."""
    from transformers import AutoTokenizer

    from agentzoo.llm.embedded import ensure_converted

    try:
        folder = ensure_converted()
    except Exception as exc:  # the embedded model is not installed
        pytest.skip(f"embedded model unavailable: {exc}")
    return AutoTokenizer.from_pretrained(folder, local_files_only=True)
