"""RL-core test fixtures: single-threaded torch (tiny models on a shared 2-core machine run
tens of times faster without thread contention) and a tiny model with a char tokenizer."""

from __future__ import annotations

from typing import Any

import pytest

from agentzoo.rl.testing import one_thread, smol_tokenizer

__all__ = ["one_thread", "smol_tokenizer"]

torch = pytest.importorskip("torch")


@pytest.fixture
def tiny_chat() -> Any:
    from agentzoo.rl.tiny import tiny_chat_model

    return tiny_chat_model(seed=0)
