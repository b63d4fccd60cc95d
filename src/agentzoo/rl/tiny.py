"""A tiny random Llama, a character tokenizer and toy tasks, for fast tests of the RL core.

:func:`tiny_model` builds a 2-layer ``LlamaForCausalLM`` (d = 64 by default) with random
weights; :class:`CharTokenizer` is a one-character-per-token vocabulary that
:class:`~agentzoo.llm.local.LocalChatModel` accepts, so the whole stack (engine, trainer,
GRPO loop) runs in seconds. :class:`CopyTask` is trivially learnable: copy the prompt's
symbols; a random policy scores about ``1/vocab`` per position.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

SPECIALS = ("<pad>", "<eos>", "<bos>", "<sep>")


class CharTokenizer:
    """Specials ``<pad> <eos> <bos> <sep>`` then one token per character of ``alphabet``."""

    def __init__(self, alphabet: str = "abcdefghijkl") -> None:
        self.tokens = [*SPECIALS, *alphabet]
        self.index = {t: i for i, t in enumerate(self.tokens)}
        self.pad_token_id, self.eos_token_id, self.bos_token_id, self.sep_token_id = 0, 1, 2, 3
        self.unk_token_id = None
        self.pad_token, self.eos_token = "<pad>", "<eos>"

    def __len__(self) -> int:
        return len(self.tokens)

    def convert_tokens_to_ids(self, token: str) -> int | None:
        return self.index.get(token)

    def __call__(self, text: str, add_special_tokens: bool = False) -> dict[str, list[int]]:
        return {"input_ids": [self.index[c] for c in text if c in self.index]}

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False) -> str:
        return "".join(
            self.tokens[i] for i in ids if not (skip_special_tokens and i < len(SPECIALS))
        )


def tiny_model(vocab_size: int, *, hidden: int = 64, layers: int = 2, heads: int = 4, seed: int = 0) -> Any:
    """A random ``LlamaForCausalLM`` with tied embeddings (deterministic for a seed)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=heads,
        max_position_embeddings=512,
        tie_word_embeddings=True,
        pad_token_id=0,
        eos_token_id=1,
        bos_token_id=2,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.eval()
    return model


def tiny_chat_model(seed: int = 0, alphabet: str = "abcdefghijkl", **kwargs: Any) -> Any:
    """A :class:`~agentzoo.llm.local.LocalChatModel` around a tiny model and a char tokenizer."""
    from agentzoo.llm.local import LocalChatModel

    tokenizer = CharTokenizer(alphabet)
    model = tiny_model(len(tokenizer), seed=seed, **kwargs)
    return LocalChatModel.from_objects(model, tokenizer, spec="local:tiny", seed=seed)


@dataclass(frozen=True)
class CopyTask:
    """Prompt ``<bos> x_1..x_L <sep>``; reward = fraction of i with output_i = x_i."""

    length: int = 1
    symbols: int = 4
    """The x_i are drawn from the first ``symbols`` letters."""

    def sample(self, rng: np.random.Generator, n: int) -> list[list[int]]:
        first = len(SPECIALS)
        return [
            [2, *(int(x) for x in rng.integers(first, first + self.symbols, self.length)), 3]
            for _ in range(n)
        ]

    def reward(self, prompt: Sequence[int], generated: Sequence[int]) -> float:
        target = list(prompt[1 : 1 + self.length])
        hits = sum(1 for i, x in enumerate(target) if i < len(generated) and generated[i] == x)
        return hits / self.length
