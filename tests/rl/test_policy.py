from __future__ import annotations

from typing import Any

import pytest

from agentzoo.llm.scripted import ScriptedChatModel
from agentzoo.rl.engine import Generation
from agentzoo.rl.policy import ChatPolicy, ChatRenderer, Dialogue, TokenPolicy


def _dialogue() -> Dialogue:
    return Dialogue([{"role": "system", "content": "You research."}, {"role": "user", "content": "Where was Vaslo born?"}], "sys2")


def test_renderer_matches_chat_template_for_text_dialogues(smol_tokenizer: Any) -> None:
    renderer = ChatRenderer(smol_tokenizer)
    d = _dialogue()
    d.add_assistant('<search purpose="birthplace">Vaslo</search>')
    d.add_user("<summary>Vaslo was born in Dorvik.</summary>")
    d.add_assistant("<answer>Dorvik</answer>")
    ids = renderer.sync(d)
    text = smol_tokenizer.apply_chat_template([dict(m) for m in d.messages], tokenize=False)
    assert smol_tokenizer.decode(ids) == text
    # masks: only the two actions (and their end-of-turn token) are trained
    trained = [s for s in d.segments if s.loss_mask]
    assert [smol_tokenizer.decode(list(s.token_ids)) for s in trained] == [
        '<search purpose="birthplace">Vaslo</search><|im_end|>', "<answer>Dorvik</answer><|im_end|>"
    ]
    observation = [s for s in d.segments if s.role == "observation"]
    assert len(observation) == 1 and "Dorvik" in smol_tokenizer.decode(list(observation[0].token_ids))
    # append-only: syncing again adds nothing
    assert renderer.sync(d) == ids


class _FixedEngine:
    def __init__(self, outputs: list[Generation]) -> None:
        self.outputs = outputs
        self.prompts: list[list[int]] = []

    def generate(self, prompts_ids: Any, **kwargs: Any) -> list[Generation]:
        self.prompts = [list(p) for p in prompts_ids]
        return self.outputs[: len(prompts_ids)]


def test_token_policy_keeps_sampled_ids(smol_tokenizer: Any) -> None:
    renderer = ChatRenderer(smol_tokenizer)
    sampled = tuple(renderer.encode("<answer>Dor")) + tuple(renderer.encode("vik</answer>"))
    engine = _FixedEngine([Generation(sampled, tuple([-1.0] * len(sampled)), "<answer>Dorvik", "stop")])
    policy = TokenPolicy(engine, renderer)
    d = _dialogue()
    action = policy.act([d], max_new_tokens=8, temperature=1.0, stop=["</answer>"], seeds=[0])[0]
    assert action.text == "<answer>Dorvik</answer>"
    assert action.prompt_tokens == len(engine.prompts[0])
    d.add_assistant(action.text, action.ids, action.logprobs)
    renderer.sync(d)
    trained = [s for s in d.segments if s.loss_mask]
    assert trained[0].token_ids == sampled  # never re-tokenised
    assert trained[0].logprobs == tuple([-1.0] * len(sampled))
    # stopped on a stop string, not on <|im_end|>: the closing delimiter is context
    assert smol_tokenizer.decode(list(d.segments[-1].token_ids)).startswith("<|im_end|>")
    assert not d.segments[-1].loss_mask


def test_chat_policy_restores_stop_tag() -> None:
    model = ScriptedChatModel(spec="scripted:t", respond=lambda m: '<search purpose="p">x</search> trailing')
    policy = ChatPolicy(model)
    d = _dialogue()
    out = policy.act([d, d], max_new_tokens=20, temperature=0.7, stop=["</search>"], seeds=[1, 2])
    assert [a.text for a in out] == ['<search purpose="p">x</search>'] * 2
    assert policy.dialogue_tokens(d) > 0
    with pytest.raises(ValueError, match="start with a prompt"):
        ChatRenderer.sync(object.__new__(ChatRenderer), Dialogue([{"role": "assistant", "content": "x"}], "a"))
