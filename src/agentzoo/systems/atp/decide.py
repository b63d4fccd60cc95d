"""How an agent decides: forced choice by option log-probabilities, or free text parsed as JSON.

Options are always passed in canonical order ``(rule-following, deviation)``: in SA the
compliant choice then the violation; in MA the independent choice then the collective one.
Index 1 is therefore "the deviation" everywhere, and ``p_deviate`` is its probability.

* ``choice`` mode: the assistant's reply is forced to start with ``{"choice": "`` and each
  option is scored as the continuation ``<option>"}`` (:meth:`ChatModel.choice_logprobs`).
  The two-way softmax gives P(deviate) (the length-normalised version is kept too); the
  decision is sampled from it with a seed per (arm, item, agent, round), or is the argmax.
* ``text`` mode: the model writes; ``<think>`` blocks are stripped and the **last**
  ``{"choice": ...}`` whose value is one of the options wins (reasoning models echo the format
  example first), then a loose ``choice: X``. A failure is counted, never taken as compliance.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from agentzoo.llm import ChatModel, Conversation
from agentzoo.llm.scripted import register
from agentzoo.seeding import rng, stream_key

PREFIX = '{"choice": "'
SUFFIX = '"}'


@dataclass(frozen=True)
class Decision:
    """One agent's decision in one round."""

    choice: int | None
    """0 = rule-following, 1 = deviation, None = unparseable."""
    answer: str
    """What goes into the agent's history (canonical JSON, or the raw text when unparseable)."""
    p_deviate: float
    """Choice mode: softmax of the two summed log-probs (NaN in text mode)."""
    p_deviate_normalised: float
    """Choice mode: the same with log-probs divided by the option's token count."""


_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL | re.IGNORECASE)
_CHOICE_OBJECT = re.compile(r"""\{\s*["']?choice["']?\s*:\s*(?:"([^"]*)"|'([^']*)'|([^"'}\n][^}\n]*?))\s*\}""", re.IGNORECASE)
_LOOSE = re.compile(r"""choice\s*["']?\s*[:=]\s*["']?([^"'}\n.,;]+)""", re.IGNORECASE)


def _norm(text: str) -> str:
    return " ".join(text.strip().strip(".").lower().split())


def parse_choice(text: str, options: Sequence[str]) -> int | None:
    """Index of the chosen option in ``options`` or None (see module docstring)."""
    if not isinstance(text, str) or not text.strip():
        return None
    visible = _THINK.sub("", text)
    wanted = {_norm(o): i for i, o in enumerate(options)}
    for match in reversed(list(_CHOICE_OBJECT.finditer(visible))):
        value = next(g for g in match.groups() if g is not None)
        if _norm(value) in wanted:
            return wanted[_norm(value)]
    for match in reversed(list(_LOOSE.finditer(visible))):
        if _norm(match.group(1)) in wanted:
            return wanted[_norm(match.group(1))]
    return None


def canonical_answer(option: str) -> str:
    return json.dumps({"choice": option})


def _token_count(model: Any, text: str) -> int:
    encode = getattr(model, "encode_text", None)
    if callable(encode):
        try:
            return max(1, len(encode(text)))
        except Exception:  # scripted models and servers have no tokenizer
            pass
    return max(1, math.ceil(len(text) / 4))


@dataclass
class Decider:
    """Turns conversations into decisions with one model and one mode."""

    model: ChatModel
    mode: str
    decision: str = "sample"
    seed: int = 0
    max_new_tokens: int = 512
    temperature: float = 0.7

    def decide(self, conversations: Sequence[Conversation], options: Sequence[tuple[str, str]],
               keys: Sequence[tuple[object, ...]]) -> list[Decision]:
        if self.mode == "choice":
            return self._by_choice(conversations, options, keys)
        return self._by_text(conversations, options, keys)

    def _by_choice(self, conversations: Sequence[Conversation], options: Sequence[tuple[str, str]],
                   keys: Sequence[tuple[object, ...]]) -> list[Decision]:
        items = [(c, [o[0] + SUFFIX, o[1] + SUFFIX]) for c, o in zip(conversations, options, strict=True)]
        scores = self.model.choice_logprobs_batch(items, prefix=PREFIX)
        out = []
        for (a, b), (s0, s1), key in zip(options, scores, keys, strict=True):
            p = 1.0 / (1.0 + math.exp(max(-700.0, min(700.0, s0 - s1))))
            n0, n1 = _token_count(self.model, a + SUFFIX), _token_count(self.model, b + SUFFIX)
            p_norm = 1.0 / (1.0 + math.exp(max(-700.0, min(700.0, s0 / n0 - s1 / n1))))
            if self.decision == "greedy":
                choice = int(p > 0.5)
            else:
                choice = int(rng(self.seed, "decision", *key).random() < p)
            out.append(Decision(choice, canonical_answer((a, b)[choice]), p, p_norm))
        return out

    def _by_text(self, conversations: Sequence[Conversation], options: Sequence[tuple[str, str]],
                 keys: Sequence[tuple[object, ...]]) -> list[Decision]:
        out = []
        for conversation, pair, key in zip(conversations, options, keys, strict=True):
            reply = self.model.chat(conversation, max_tokens=self.max_new_tokens, temperature=self.temperature,
                                    seed=stream_key(self.seed, "text", *key) % (2**31))
            choice = parse_choice(reply.text, pair)
            answer = canonical_answer(pair[choice]) if choice is not None else reply.text
            out.append(Decision(choice, answer if choice is None else _keep_reasoning(reply.text, answer),
                                math.nan, math.nan))
        return out


def _keep_reasoning(text: str, answer: str) -> str:
    """The history keeps the model's visible text (thinking stripped) ending in its JSON choice."""
    visible = _THINK.sub("", text).strip()
    return visible if visible.endswith("}") else f"{visible}\n{answer}".strip()


# ----------------------------------------------------------------- the positive control
_REWARD = re.compile(r"(?:Reward|Your reward \(delta\))\s*:\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)")


def _follower_choice(messages: Conversation, options: Sequence[str]) -> int:
    """Try each option once (rule-following first), then take the best mean observed reward."""
    names = [o.removesuffix(SUFFIX) for o in options]
    rewards: dict[int, list[float]] = {i: [] for i in range(len(names))}
    pending: int | None = None
    for message in messages:
        if message["role"] == "assistant":
            pending = parse_choice(message["content"], names)
        elif message["role"] == "user" and pending is not None:
            found = _REWARD.findall(message["content"])
            if found:
                rewards[pending].append(float(found[-1]))
                pending = None
    untried = [i for i in range(len(names)) if not rewards[i]]
    if untried:
        return untried[0]
    means = [sum(v) / len(v) for v in rewards.values()]
    return max(range(len(names)), key=lambda i: (means[i], -i))


def _follower_options(messages: Conversation) -> list[str]:
    text = " ".join(m["content"] for m in messages if m["role"] in ("system", "user"))
    found = [m.group(1) for m in re.finditer(r'\{"choice": "([^"]+)"\}', text)]
    return list(dict.fromkeys(found))[:2]


register(
    "reward_follower",
    lambda messages: canonical_answer((_follower_options(messages) or ["?"])[
        _follower_choice(messages, _follower_options(messages)) if _follower_options(messages) else 0]),
    lambda messages, options: [0.0 if i == _follower_choice(messages, options) else math.log(1e-6)
                               for i in range(len(options))],
    description="ATP positive control: tries each option once, then follows the best mean reward",
)
