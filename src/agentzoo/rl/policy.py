"""Multi-turn dialogues held as text and as exact tokens, and the policies that extend them.

A :class:`Dialogue` is one role's conversation (system prompt, task, then alternating
actions and observations). It keeps the messages (for chat backends and logs) and, once a
:class:`ChatRenderer` has seen it, the token :class:`~agentzoo.rl.rollout.Segment` list that
the model actually read and wrote: sampled action tokens are stored as generated, and only
context (prompt, observations, turn delimiters) is tokenised. The rendered tokens are the
training row, so what is trained is exactly what was sampled.

Two policies implement :class:`Policy`:

* :class:`TokenPolicy` — a :class:`~agentzoo.rl.engine.RolloutEngine` plus a renderer:
  trainable rollouts with log-probs (the embedded model, or vLLM via ``OpenAIEngine``);
* :class:`ChatPolicy` — any :class:`~agentzoo.llm.ChatModel` (an ``openai:`` server, a
  scripted model): text only, for evaluation.

:class:`Policy` is the interface: ``act`` takes the sampling request and calls ``respond``.
:class:`ScriptedPolicy` is the base of programmed policies (a system's gold program, its random
baseline): a subclass writes the reply to one dialogue.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from agentzoo.llm.base import ChatModel, Message
from agentzoo.rl.engine import RolloutEngine
from agentzoo.rl.rollout import Rollout, Segment

_SENTINEL = "\x00AGENTZOO\x00"


@dataclass
class Dialogue:
    """One role's conversation; ``segments`` cover the first ``n_rendered`` messages."""

    messages: list[Message]
    role: str
    segments: list[Segment] = field(default_factory=list)
    n_rendered: int = 0
    _actions: dict[int, tuple[tuple[int, ...], tuple[float, ...]]] = field(default_factory=dict)

    def add_user(self, text: str) -> None:
        self.messages.append({"role": "user", "content": text})

    def add_assistant(
        self, text: str, ids: Sequence[int] | None = None, logprobs: Sequence[float] | None = None
    ) -> None:
        """Append an action; ``ids``/``logprobs`` are the sampled tokens when known."""
        if ids is not None:
            self._actions[len(self.messages)] = (tuple(ids), tuple(logprobs or [0.0] * len(ids)))
        self.messages.append({"role": "assistant", "content": text})

    def sampled(self, index: int) -> tuple[tuple[int, ...], tuple[float, ...]] | None:
        return self._actions.get(index)

    @property
    def token_ids(self) -> list[int]:
        return [t for s in self.segments for t in s.token_ids]

    def to_rollout(self, rollout_id: str, group_id: str, parent_id: str | None = None, **meta: Any) -> Rollout:
        return Rollout(rollout_id, parent_id, group_id, self.role, list(self.segments), meta=dict(meta))


class ChatRenderer:
    """Renders dialogues into tokens with a model's chat template, one turn at a time.

    The delimiters around a turn are read off the template once (by rendering a sentinel
    message), so an appended observation costs only its own tokens and the token sequence is
    append-only: the prefix the model saw at turn i is a prefix of the row at turn i+1.
    """

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        base = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
        with_answer = self._text([*base, {"role": "assistant", "content": _SENTINEL}], False)
        _before, _, self._closing = with_answer.partition(_SENTINEL)
        with_user = self._text(
            [*base, {"role": "assistant", "content": _SENTINEL}, {"role": "user", "content": _SENTINEL}],
            True,
        )
        block = with_user[len(with_answer):]
        self._user_open, _, self._user_close = block.partition(_SENTINEL)
        self.end_of_turn_id = self._end_of_turn_id()
        end_text = tokenizer.decode([self.end_of_turn_id]) if self.end_of_turn_id is not None else ""
        self._after_end = self._closing[len(end_text):] if self._closing.startswith(end_text) else self._closing

    def _text(self, messages: list[dict[str, str]], generation_prompt: bool) -> str:
        text: str = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=generation_prompt, tokenize=False
        )
        return text

    def _end_of_turn_id(self) -> int | None:
        ids = self.encode(self._closing.strip())
        return ids[0] if len(ids) == 1 else self.tokenizer.eos_token_id

    def encode(self, text: str) -> list[int]:
        ids: list[int] = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        return ids

    def decode(self, ids: Sequence[int]) -> str:
        text: str = self.tokenizer.decode(list(ids), skip_special_tokens=True)
        return text

    def count(self, text: str) -> int:
        return len(self.encode(text))

    def sync(self, dialogue: Dialogue) -> list[int]:
        """Tokenise the messages not yet rendered; return the whole token sequence.

        Leading non-assistant messages go through the chat template with the assistant
        header; an assistant turn uses its sampled ids when known (else its text, for
        supervised data, trained together with the end-of-turn token); a user turn after an
        assistant turn is the template's user block.
        """
        messages = dialogue.messages
        if dialogue.n_rendered == 0:
            first = next((i for i, m in enumerate(messages) if m["role"] == "assistant"), len(messages))
            if first == 0:
                raise ValueError("a dialogue must start with a prompt, not an action")
            prompt = self.encode(self._text([{"role": m["role"], "content": m["content"]} for m in messages[:first]], True))
            dialogue.segments.append(Segment.context(prompt, "prompt"))
            dialogue.n_rendered = first
        for index in range(dialogue.n_rendered, len(messages)):
            message = messages[index]
            if message["role"] == "assistant":
                self._render_action(dialogue, index, message["content"])
            else:
                if messages[index - 1]["role"] != "assistant":
                    raise ValueError("two prompt turns in a row cannot be appended to a dialogue")
                block = self._user_open + message["content"] + self._user_close
                dialogue.segments.append(Segment.context(self.encode(block), "observation"))
        dialogue.n_rendered = len(messages)
        return dialogue.token_ids

    def _render_action(self, dialogue: Dialogue, index: int, text: str) -> None:
        sampled = dialogue.sampled(index)
        if sampled is None:  # supervised text: train on it and on the end-of-turn token
            ids = self.encode(text)
            if self.end_of_turn_id is not None:
                ids.append(self.end_of_turn_id)
            dialogue.segments.append(Segment(tuple(ids), None, True, dialogue.role))
            closing = self._after_end
        else:
            ids_tuple, logprobs = sampled
            dialogue.segments.append(Segment(ids_tuple, logprobs, True, dialogue.role))
            ended = bool(ids_tuple) and ids_tuple[-1] == self.end_of_turn_id
            closing = self._after_end if ended else self._closing
        if closing:
            dialogue.segments.append(Segment.context(self.encode(closing), "delimiter"))


@dataclass(frozen=True)
class Action:
    """A policy's reply to one dialogue."""

    text: str
    ids: tuple[int, ...] | None = None
    logprobs: tuple[float, ...] | None = None
    finish_reason: str = "stop"
    prompt_tokens: int = 0

    @property
    def n_tokens(self) -> int:
        return len(self.ids) if self.ids is not None else len(self.text.split())


@dataclass(frozen=True)
class Sampling:
    """What an ``act`` call asks for: each action's token budget and temperature, the stop strings,
    and one sampler seed per dialogue."""

    max_new_tokens: int
    temperature: float
    stop: tuple[str, ...]
    seeds: tuple[int, ...]


class Policy(ABC):
    """Extends dialogues by one action each (batched). A policy implements :meth:`respond` and
    the two token counts that context budgets use."""

    def act(
        self,
        dialogues: Sequence[Dialogue],
        *,
        max_new_tokens: int,
        temperature: float,
        stop: Sequence[str] = (),
        seeds: Sequence[int],
    ) -> list[Action]:
        """One action per dialogue; dialogue i samples with ``seeds[i]``."""
        if len(seeds) != len(dialogues):
            raise ValueError(f"{len(dialogues)} dialogues but {len(seeds)} seeds")
        return self.respond(dialogues, Sampling(max_new_tokens, temperature, tuple(stop), tuple(seeds)))

    @abstractmethod
    def respond(self, dialogues: Sequence[Dialogue], sampling: Sampling) -> list[Action]:
        """One action per dialogue (``len(sampling.seeds) == len(dialogues)``)."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` as this policy's model counts them."""

    @abstractmethod
    def dialogue_tokens(self, dialogue: Dialogue) -> int:
        """Tokens of the whole dialogue as this policy's model reads it (the context length)."""


def approx_count(text: str) -> int:
    """Tokens of ``text`` without a tokenizer: about 3.6 characters per token."""
    return max(1, round(len(text) / 3.6))


class TextPolicy(Policy):
    """A policy that writes text. Context budgets: ``count`` tokens per text; a dialogue is the tokens
    a ``renderer`` gives it when one is set, else its messages' counts + 4 each."""

    count: Callable[[str], int]
    renderer: ChatRenderer | None = None

    def count_tokens(self, text: str) -> int:
        return self.count(text)

    def dialogue_tokens(self, dialogue: Dialogue) -> int:
        if self.renderer is not None:
            return len(self.renderer.sync(dialogue))
        return sum(self.count(m["content"]) + 4 for m in dialogue.messages)


class ScriptedPolicy(TextPolicy):
    """A programmed policy: the reply to each dialogue is :meth:`reply` of it and its seed (text only,
    so a local model's renderer trains it as supervised text)."""

    def respond(self, dialogues: Sequence[Dialogue], sampling: Sampling) -> list[Action]:
        return [Action(self.reply(d, seed)) for d, seed in zip(dialogues, sampling.seeds, strict=True)]

    @abstractmethod
    def reply(self, dialogue: Dialogue, seed: int) -> str:
        """The action's text."""


@dataclass
class TokenPolicy(Policy):
    """Token-in/token-out policy over a rollout engine; actions carry ids and log-probs."""

    engine: RolloutEngine
    renderer: ChatRenderer

    def respond(self, dialogues: Sequence[Dialogue], sampling: Sampling) -> list[Action]:
        prompts = [self.renderer.sync(d) for d in dialogues]
        out = self.engine.generate(prompts, max_new_tokens=sampling.max_new_tokens, temperature=sampling.temperature,
                                   stop=sampling.stop, seeds=sampling.seeds)
        actions = []
        for prompt, g in zip(prompts, out, strict=True):
            text = g.text
            if g.finish_reason == "stop" and sampling.stop and g.ids[-1:] != (self.renderer.end_of_turn_id,):
                text = self.renderer.decode(g.ids)  # keep the closing tag the stop string matched
            actions.append(Action(text, g.ids, g.logprobs, g.finish_reason, len(prompt)))
        return actions

    def count_tokens(self, text: str) -> int:
        return self.renderer.count(text)

    def dialogue_tokens(self, dialogue: Dialogue) -> int:
        return len(self.renderer.sync(dialogue))


@dataclass
class ChatPolicy(TextPolicy):
    """Any chat model (an OpenAI-compatible server, a scripted model): text only."""

    model: ChatModel
    count: Callable[[str], int] = field(default=lambda text: max(1, round(len(text) / 4)))
    """Token counter for context budgets (default: about 4 characters per token)."""

    def respond(self, dialogues: Sequence[Dialogue], sampling: Sampling) -> list[Action]:
        n, stop = sampling.max_new_tokens, list(sampling.stop)
        if sampling.temperature == 0:
            replies = self.model.chat_batch([d.messages for d in dialogues], max_tokens=n, temperature=0.0, stop=stop)
        else:  # one call per seed, so that identical prompts in a group get different samples
            replies = [self.model.chat(d.messages, max_tokens=n, temperature=sampling.temperature, stop=stop, seed=s)
                       for d, s in zip(dialogues, sampling.seeds, strict=True)]
        return [Action(_restore_stop(r.text, sampling.stop, r.finish_reason), None, None, r.finish_reason,
                       r.prompt_tokens) for r in replies]


def _restore_stop(text: str, stop: Sequence[str], finish_reason: str) -> str:
    """Chat servers drop the stop string; put back the closing tag the reply was cut at."""
    if finish_reason != "stop" or not stop:
        return text
    for s in stop:
        opening = s.replace("</", "<", 1)
        if s.startswith("</") and opening[:-1] in text and not text.rstrip().endswith(s):
            return text + s
    return text
