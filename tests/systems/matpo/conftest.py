"""Fixtures for MATPO tests: one torch thread, SmolLM2's chat renderer, a tiny random Llama saved with
SmolLM2's tokenizer (the whole pipeline in seconds), a research world, and a scripted token policy
(text actions from a function, tokenised as a real model's would be)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from agentzoo.envs.research import ResearchWorld, WorldConfig
from agentzoo.rl.policy import Action, ChatRenderer, Dialogue, Policy, Sampling
from agentzoo.rl.testing import one_thread, smol_tokenizer, tiny_model_dir

__all__ = ["one_thread", "smol_tokenizer", "tiny_model_dir"]


@pytest.fixture(scope="session")
def renderer(smol_tokenizer: Any) -> ChatRenderer:
    return ChatRenderer(smol_tokenizer)


@pytest.fixture(scope="module")
def rw() -> ResearchWorld:
    return ResearchWorld.build(WorldConfig(people=24, companies=12, cities=9, papers=9, institutes=3), seed=1,
                               top_k=4)


@dataclass
class ScriptedTokenPolicy(Policy):
    """A token policy whose replies come from ``script(dialogue, seed)``: the reply is tokenised with the
    real renderer (plus the end-of-turn id), so rows look exactly like sampled ones (log-probs −1)."""

    renderer: ChatRenderer
    script: Callable[[Dialogue, int], str]
    calls: int = 0
    """``act`` calls (batched generations)."""

    def respond(self, dialogues: Sequence[Dialogue], sampling: Sampling) -> list[Action]:
        self.calls += 1
        out = []
        for d, seed in zip(dialogues, sampling.seeds, strict=True):
            prompt = self.renderer.sync(d)
            text = self.script(d, seed)
            ids = [*self.renderer.encode(text), self.renderer.end_of_turn_id]
            out.append(Action(text, tuple(ids), tuple([-1.0] * len(ids)), "stop", len(prompt)))
        return out

    def count_tokens(self, text: str) -> int:
        return self.renderer.count(text)

    def dialogue_tokens(self, dialogue: Dialogue) -> int:
        return len(self.renderer.sync(dialogue))


@pytest.fixture
def scripted(renderer: ChatRenderer) -> Callable[[Callable[[Dialogue, int], str]], ScriptedTokenPolicy]:
    return lambda script: ScriptedTokenPolicy(renderer, script)
