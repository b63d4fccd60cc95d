from __future__ import annotations

from typing import Any

import pytest

from agentzoo.llm.scripted import ScriptedChatModel
from agentzoo.rl.engine import Generation, RolloutEngine
from agentzoo.rl.policy import (
    ChatPolicy,
    ChatRenderer,
    Dialogue,
    ScriptedPolicy,
    TokenPolicy,
    approx_count,
)


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


class _FixedEngine(RolloutEngine):
    def __init__(self, outputs: list[Generation]) -> None:
        self.outputs = outputs
        self.prompts: list[list[int]] = []
        self.generated_tokens = 0

    def sample(self, prompts_ids: Any, seeds: list[int], **kwargs: Any) -> list[Generation]:
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


def test_rollout_engine_checks_seeds_and_counts_tokens() -> None:
    engine = _FixedEngine([Generation((5, 6), (-1.0, -1.0), "ab", "stop"), Generation((7,), (-1.0,), "c", "length")])
    seen: list[list[int]] = []
    engine.sample = lambda prompts, seeds, **kw: seen.append(seeds) or engine.outputs[: len(prompts)]  # type: ignore[method-assign]
    engine.generate([[1], [2]], max_new_tokens=2, seeds=[3, 4])
    engine.generate([[1], [2]], max_new_tokens=2, seed=9)
    assert seen[0] == [3, 4] and len(set(seen[1])) == 2 and seen[1] != seen[0]
    assert engine.generated_tokens == 6  # (2 + 1) tokens, twice
    assert engine.generate([], max_new_tokens=2) == []
    with pytest.raises(ValueError, match="2 prompts but 1 seeds"):
        engine.generate([[1], [2]], max_new_tokens=2, seeds=[3])
    with pytest.raises(ValueError, match="max_new_tokens"):
        engine.generate([[1]], max_new_tokens=0)


def test_scripted_policy_replies_and_counts() -> None:
    class Echo(ScriptedPolicy):
        count = staticmethod(approx_count)

        def reply(self, dialogue: Dialogue, seed: int) -> str:
            return f"{dialogue.role}:{seed}"

    d = _dialogue()
    actions = Echo().act([d, d], max_new_tokens=4, temperature=1.0, seeds=[1, 2])
    assert [a.text for a in actions] == [f"{d.role}:1", f"{d.role}:2"] and actions[0].ids is None
    assert approx_count("x" * 36) == 10 and approx_count("") == 1
    assert Echo().dialogue_tokens(d) == sum(approx_count(m["content"]) + 4 for m in d.messages)
