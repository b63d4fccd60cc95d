"""The tokenizer-free page length estimate against the embedded model's tokenizer."""

from __future__ import annotations

import numpy as np
import pytest

from agentzoo.envs.research import ResearchWorld, WorldConfig, approx_tokens


def test_approx_tokens_within_fifteen_percent_of_smollm2() -> None:
    transformers = pytest.importorskip("transformers")
    from agentzoo.llm.embedded import ensure_converted

    try:
        folder = ensure_converted()
    except Exception as exc:
        pytest.skip(f"embedded model unavailable: {exc}")
    tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
    rw = ResearchWorld.build(WorldConfig.tiny(), seed=3)
    ratio = [approx_tokens(p.text) / len(tokenizer(p.text)["input_ids"]) for p in rw.pages]
    assert abs(float(np.mean(ratio)) - 1.0) < 0.15
