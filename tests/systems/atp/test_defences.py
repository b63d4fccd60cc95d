"""The DPO and GRPO defences move a tiny local model toward the rule-following answer."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from agentzoo.systems import atp
from agentzoo.systems.atp.decide import PREFIX, SUFFIX
from agentzoo.systems.atp.defences import train_defence, training_prompts
from agentzoo.systems.atp.scenarios import embedded_sa_items


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    from agentzoo.llm.embedded import ensure_converted

    tokenizer = AutoTokenizer.from_pretrained(ensure_converted())
    torch.manual_seed(0)
    model = LlamaForCausalLM(LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048,
        bos_token_id=1, eos_token_id=2, pad_token_id=2))
    folder = tmp_path_factory.mktemp("tiny")
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def _p_bad(model, prompts) -> float:
    items = [(m, [good + SUFFIX, bad + SUFFIX]) for m, (good, bad) in prompts]
    scores = model.choice_logprobs_batch(items, prefix=PREFIX)
    return float(sum(torch.sigmoid(torch.tensor(s1 - s0)) for s0, s1 in scores) / len(scores))


@pytest.mark.parametrize("defence", ["dpo", "grpo"])
def test_defence_lowers_p_violate_on_training_prompts(tiny_dir: Path, defence: str):
    from agentzoo.llm import load_model

    config = atp.Config(model=f"local:{tiny_dir}", paradigms=("sa",), defence=defence, defence_steps=6,
                        grpo_lr=2e-2, grpo_generations=4)
    model = load_model(config.model, cache=False)
    train = embedded_sa_items("train")[:6]
    prompts = training_prompts(config, train)
    before = _p_bad(model, prompts)
    _, info = train_defence(config, model, train, batch=6)
    after = _p_bad(model, prompts)
    assert after < before - 0.05, (before, after)
    assert len(info["defence_loss_by_step"]) == 6


def test_defence_needs_a_local_model():
    from agentzoo.llm import load_model

    config = atp.Config(model="scripted:reward_follower", defence="dpo")
    with pytest.raises(ValueError, match="need a local model"):
        train_defence(config, load_model(config.model), embedded_sa_items("train")[:2])
