"""Fixtures for MATPO tests: one torch thread, SmolLM2's chat renderer, a tiny random Llama saved with
SmolLM2's tokenizer (the whole pipeline in seconds), a research world, and a scripted token policy
(text actions from a function, tokenised as a real model's would be)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from agentzoo.envs.research import ResearchWorld, WorldConfig
from agentzoo.rl.policy import Action, ChatRenderer, Dialogue


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def smol_tokenizer() -> Any:
    transformers = pytest.importorskip("transformers")
    from agentzoo.llm.embedded import ensure_converted

    try:
        folder = ensure_converted()
    except Exception as exc:  # the embedded model is not installed
        pytest.skip(f"embedded model unavailable: {exc}")
    return transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)


@pytest.fixture(scope="session")
def renderer(smol_tokenizer: Any) -> ChatRenderer:
    return ChatRenderer(smol_tokenizer)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory, smol_tokenizer: Any) -> Path:
    from agentzoo.rl.tiny import tiny_model

    model = tiny_model(len(smol_tokenizer), hidden=32, layers=2, heads=2, seed=0)
    model.config.pad_token_id = smol_tokenizer.pad_token_id
    model.config.eos_token_id = smol_tokenizer.eos_token_id
    model.config.max_position_embeddings = 2048
    out = tmp_path_factory.mktemp("tiny-llama")
    model.save_pretrained(out)
    smol_tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def rw() -> ResearchWorld:
    return ResearchWorld.build(WorldConfig(people=24, companies=12, cities=9, papers=9, institutes=3), seed=1,
                               top_k=4)


@dataclass
class ScriptedTokenPolicy:
    """A token policy whose replies come from ``respond(dialogue, seed)``: the reply is tokenised with the
    real renderer (plus the end-of-turn id), so rows look exactly like sampled ones (log-probs −1)."""

    renderer: ChatRenderer
    respond: Callable[[Dialogue, int], str]
    calls: int = 0
    """``act`` calls (batched generations)."""

    def act(self, dialogues: Sequence[Dialogue], *, max_new_tokens: int, temperature: float,
            stop: Sequence[str] = (), seeds: Sequence[int]) -> list[Action]:
        self.calls += 1
        out = []
        for d, seed in zip(dialogues, seeds, strict=True):
            prompt = self.renderer.sync(d)
            text = self.respond(d, seed)
            ids = [*self.renderer.encode(text), self.renderer.end_of_turn_id]
            out.append(Action(text, tuple(ids), tuple([-1.0] * len(ids)), "stop", len(prompt)))
        return out

    def count_tokens(self, text: str) -> int:
        return self.renderer.count(text)

    def dialogue_tokens(self, dialogue: Dialogue) -> int:
        return len(self.renderer.sync(dialogue))


@pytest.fixture
def scripted(renderer: ChatRenderer) -> Callable[[Callable[[Dialogue, int], str]], ScriptedTokenPolicy]:
    return lambda respond: ScriptedTokenPolicy(renderer, respond)
