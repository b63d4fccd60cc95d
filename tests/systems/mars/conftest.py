"""Fixtures for MARS tests: a tiny random Llama saved with SmolLM2's tokenizer, so the whole
pipeline (rendering, generation, warm start, GRPO, evaluation) runs in seconds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    transformers = pytest.importorskip("transformers")
    from agentzoo.llm.embedded import ensure_converted
    from agentzoo.rl.tiny import tiny_model

    try:
        folder = ensure_converted()
    except Exception as exc:
        pytest.skip(f"embedded model unavailable: {exc}")
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = tiny_model(len(tokenizer), hidden=32, layers=2, heads=2, seed=0)
    model.config.pad_token_id = tokenizer.pad_token_id
    model.config.eos_token_id = tokenizer.eos_token_id
    model.config.max_position_embeddings = 2048
    out = tmp_path_factory.mktemp("tiny-llama")
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
