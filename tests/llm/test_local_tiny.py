"""The local backend on a tiny random Llama with the SmolLM2 tokenizer: scoring and decoding."""

from __future__ import annotations

import pytest
import torch

from agentzoo.llm import user
from agentzoo.llm.local import LocalChatModel


@pytest.fixture(scope="module")
def tiny() -> LocalChatModel:
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from agentzoo.llm.embedded import ensure_converted

    tokenizer = AutoTokenizer.from_pretrained(ensure_converted())
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=1024,
        initializer_range=0.2, bos_token_id=1, eos_token_id=2, pad_token_id=2,
    )
    return LocalChatModel.from_objects(LlamaForCausalLM(config), tokenizer, spec="local:tiny")


CONVERSATIONS = [
    [user("What is the capital of France?")],
    [user("hi")],
    [user("Tell me a long story about a dragon, a knight and a very old castle on a hill.")],
    [{"role": "system", "content": "Be brief."}, user("2+2?")],
]


def _by_hand(model: LocalChatModel, messages, option: str) -> float:
    prompt = model.encode_prompt(messages)
    option_ids = model.tokenizer(option, add_special_tokens=False)["input_ids"]
    ids = torch.tensor([prompt + option_ids])
    with torch.no_grad():
        logp = torch.log_softmax(model.model(input_ids=ids).logits[0].double(), dim=-1)
    return sum(float(logp[len(prompt) + k - 1, token]) for k, token in enumerate(option_ids))


def test_choice_logprobs_match_a_hand_computation(tiny: LocalChatModel):
    options = ["Paris", "London", "The capital is Paris.", "x"]
    items = [(CONVERSATIONS[0], options), (CONVERSATIONS[2], ["yes", "no"])]
    got = tiny.choice_logprobs_batch(items)
    for (messages, opts), scores in zip(items, got, strict=True):
        expected = [_by_hand(tiny, messages, o) for o in opts]
        assert scores == pytest.approx(expected, abs=2e-4)
    assert got[0] == pytest.approx(tiny.choice_logprobs(CONVERSATIONS[0], options), abs=2e-4)


def test_batched_and_unbatched_greedy_agree(tiny: LocalChatModel):
    batched = tiny.chat_batch(CONVERSATIONS, max_tokens=12)
    single = [tiny.chat(c, max_tokens=12) for c in CONVERSATIONS]
    assert [c.text for c in batched] == [c.text for c in single]
    assert [c.completion_tokens for c in batched] == [c.completion_tokens for c in single]
    assert all(0 < c.completion_tokens <= 12 for c in batched)
    assert batched[0].prompt_tokens == len(tiny.encode_prompt(CONVERSATIONS[0]))


def test_seeded_sampling_is_reproducible_and_batch_independent(tiny: LocalChatModel):
    a = tiny.chat(CONVERSATIONS[1], max_tokens=10, temperature=1.0, seed=5).text
    b = tiny.chat(CONVERSATIONS[1], max_tokens=10, temperature=1.0, seed=5).text
    c = tiny.chat(CONVERSATIONS[1], max_tokens=10, temperature=1.0, seed=6).text
    in_batch = tiny.chat_batch(CONVERSATIONS, max_tokens=10, temperature=1.0, seed=5)[1].text
    assert a == b == in_batch
    assert a != c
    nucleus = tiny.chat(CONVERSATIONS[1], max_tokens=10, temperature=1.0, top_p=0.5, seed=5).text
    assert nucleus == tiny.chat(CONVERSATIONS[1], max_tokens=10, temperature=1.0, top_p=0.5, seed=5).text


def test_weights_change_updates_fingerprint(tiny: LocalChatModel):
    before = tiny.fingerprint
    tiny.mark_weights_changed()
    assert tiny.fingerprint != before and tiny.fingerprint.startswith("local:tiny#")


def test_prefix_scoring_matches_reference_with_and_without_cache(tiny: LocalChatModel):
    from agentzoo.llm.prefix_cache import PrefixCache

    prefix = '{"choice": "'
    options = ['comply"}', 'break the rule"}']
    history = [user("Round 1: pick one."), {"role": "assistant", "content": '{"choice": "comply"}'},
               user("Reward: 1. Round 2: pick one.")]
    prompt = tiny.encode_prompt(history)
    tiny.prefix_cache = PrefixCache(max_bytes=0)  # no cache: every prompt computed in full
    uncached = tiny.choice_logprobs(history, options, prefix=prefix)
    tiny.prefix_cache = PrefixCache()
    tiny.choice_logprobs(history[:1], options, prefix=prefix)  # a shorter conversation first
    cached = tiny.choice_logprobs(history, options, prefix=prefix)
    assert tiny.prefix_cache.tokens_reused > 0
    assert cached == pytest.approx(uncached, abs=1e-4)
    for option, score in zip(options, cached, strict=True):  # prefix and option tokenised apart
        ids = torch.tensor([prompt + tiny.encode_text(prefix) + tiny.encode_text(option)])
        with torch.no_grad():
            logp = torch.log_softmax(tiny.model(input_ids=ids).logits[0].double(), dim=-1)
        start = len(prompt) + len(tiny.encode_text(prefix))
        assert score == pytest.approx(sum(float(logp[k - 1, ids[0, k]]) for k in range(start, ids.shape[1])), abs=1e-4)


def test_growing_conversation_reuses_keys_and_decodes_identically(tiny: LocalChatModel):
    from agentzoo.llm.prefix_cache import PrefixCache

    turns = [user("one")]
    tiny.prefix_cache = PrefixCache()
    first = tiny.chat(turns, max_tokens=6)
    turns = [*turns, {"role": "assistant", "content": first.text}, user("two")]
    reused_before = tiny.prefix_cache.tokens_reused
    second = tiny.chat(turns, max_tokens=6)
    assert tiny.prefix_cache.tokens_reused > reused_before
    tiny.prefix_cache = PrefixCache(max_bytes=0)
    assert tiny.chat(turns, max_tokens=6).text == second.text


def test_training_invalidates_the_prefix_cache(tiny: LocalChatModel):
    from agentzoo.llm.prefix_cache import PrefixCache

    tiny.prefix_cache = PrefixCache()
    before = tiny.choice_logprobs(CONVERSATIONS[0], ["Paris", "Rome"])
    fingerprint = tiny.fingerprint
    with torch.no_grad():  # an optimizer step changes parameters in place
        for parameter in tiny.model.parameters():
            parameter.mul_(1.5)
    after = tiny.choice_logprobs(CONVERSATIONS[0], ["Paris", "Rome"])
    tiny.prefix_cache = PrefixCache(max_bytes=0)
    assert after == pytest.approx(tiny.choice_logprobs(CONVERSATIONS[0], ["Paris", "Rome"]), abs=1e-4)
    assert after != pytest.approx(before, abs=1e-3)
    assert tiny.fingerprint != fingerprint
    with torch.no_grad():
        for parameter in tiny.model.parameters():
            parameter.div_(1.5)
