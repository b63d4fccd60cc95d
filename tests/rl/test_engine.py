from __future__ import annotations

from typing import Any

import pytest
import torch

from agentzoo.llm.base import LLMError
from agentzoo.rl.engine import LocalEngine, OpenAIEngine, RolloutEngine
from agentzoo.rl.rollout import Rollout, Segment
from agentzoo.rl.testing import json_server
from agentzoo.rl.trainer import Trainer, TrainerConfig


def test_local_engine_seeded_and_batch_independent(tiny_chat: Any) -> None:
    engine = LocalEngine(tiny_chat)
    assert isinstance(engine, RolloutEngine)
    prompts = [[2, 4, 5, 3], [2, 6, 3], [2, 7, 7, 7, 7, 3]]
    together = engine.generate(prompts, max_new_tokens=5, temperature=1.0, seeds=[11, 12, 13])
    alone = [engine.generate([p], max_new_tokens=5, temperature=1.0, seeds=[s])[0] for p, s in zip(prompts, [11, 12, 13], strict=True)]
    assert [g.ids for g in together] == [g.ids for g in alone]
    for a, b in zip(together, alone, strict=True):
        assert a.logprobs == pytest.approx(b.logprobs, abs=1e-5)
    other = engine.generate(prompts, max_new_tokens=5, temperature=1.0, seeds=[1, 2, 3])
    assert [g.ids for g in other] != [g.ids for g in together]
    assert engine.generated_tokens == sum(len(g.ids) for g in together + alone + other)
    with pytest.raises(ValueError):
        engine.generate([[]], max_new_tokens=2)


def test_sampled_logprobs_equal_trainer_logprobs(tiny_chat: Any) -> None:
    """Token-in/token-out: the trainer scores exactly what the engine sampled."""
    engine = LocalEngine(tiny_chat)
    prompts = [[2, 4, 5, 3], [2, 6, 3], [2, 7, 3]]
    gens = engine.generate(prompts, max_new_tokens=6, temperature=1.0, seed=5)
    rows = []
    for p, g in zip(prompts, gens, strict=True):
        r = Rollout("r", None, "g", "a", [Segment.context(p), Segment.action(g.ids, g.logprobs, "a")])
        rows.append(r.to_row())
    trainer = Trainer(tiny_chat.model, TrainerConfig(mode="full"))
    with torch.no_grad():
        logp, _mask = trainer.token_logprobs(rows)
    for i, g in enumerate(gens):
        assert logp[i, : len(g.ids)].tolist() == pytest.approx(list(g.logprobs), abs=1e-4)


def test_greedy_stops_at_end_of_turn(tiny_chat: Any) -> None:
    engine = LocalEngine(tiny_chat)
    g = engine.generate([[2, 4, 3]], max_new_tokens=3, temperature=0.0)[0]
    assert g.finish_reason in ("stop", "length")
    assert len(g.ids) <= 3
    if g.finish_reason == "stop":
        assert g.ids[-1] == tiny_chat.tokenizer.eos_token_id


def _vllm(broken: dict[str, bool]) -> Any:
    """A fake vLLM ``/completions``: token ids (t + seed) % 50 with log-prob -0.5 each."""
    def reply(body: dict[str, Any]) -> dict[str, Any]:
        if broken["now"]:
            return {"choices": [{"text": "x"}]}
        n = body["max_tokens"]
        ids = [(t + body["seed"]) % 50 for t in range(n)]
        return {"choices": [{
            "text": "abc", "finish_reason": "length",
            "logprobs": {"tokens": [f"token_id:{i}" for i in ids], "token_logprobs": [-0.5] * n},
        }]}

    return reply


def test_openai_engine_token_ids_and_logprobs() -> None:
    broken = {"now": False}
    with json_server(_vllm(broken)) as (url, seen):
        engine = OpenAIEngine(f"tiny@{url}", concurrency=2)
        gens = engine.generate([[1, 2, 3], [4, 5]], max_new_tokens=3, temperature=1.0, seeds=[1, 2])
        assert [g.ids for g in gens] == [(1, 2, 3), (2, 3, 4)]
        assert gens[0].logprobs == (-0.5, -0.5, -0.5) and gens[0].finish_reason == "length"
        sent = sorted(seen, key=lambda b: b["seed"])
        assert sent[0]["prompt"] == [1, 2, 3] and sent[0]["return_tokens_as_token_ids"] is True
        broken["now"] = True
        with pytest.raises(LLMError, match="no token ids"):
            engine.generate([[1]], max_new_tokens=1)
