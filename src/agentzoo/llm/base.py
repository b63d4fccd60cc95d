"""The chat-model interface every backend implements.

A backend subclasses :class:`BaseChatModel` and implements one method, ``_generate``
(a batch of conversations in, one :class:`Completion` each out). ``chat`` and
``chat_batch`` are built on it. Backends that can score continuations also implement
``_score`` and so provide ``choice_logprobs``: the summed log-probability of each option
as the assistant's reply, a forced choice that needs no parsing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypedDict, runtime_checkable


class Message(TypedDict):
    """One chat message: ``role`` is ``system``, ``user`` or ``assistant``."""

    role: str
    content: str


Conversation = Sequence[Message]
FinishReason = Literal["stop", "length", "error"]


class LLMError(RuntimeError):
    """A backend could not produce an answer (server unreachable, model missing...)."""


class UnsupportedError(LLMError):
    """The backend cannot do what was asked (e.g. option scoring on a server without log-probs)."""


@dataclass(frozen=True)
class Completion:
    """A model's reply."""

    text: str
    """The generated text (the stop string, if any, is not included)."""
    prompt_tokens: int = 0
    """Tokens in the prompt as the backend counted them."""
    completion_tokens: int = 0
    """Tokens generated."""
    finish_reason: FinishReason = "stop"
    """``stop`` (end of turn or a stop string), ``length`` (hit ``max_tokens``) or ``error``."""
    model: str = ""
    """The model spec that produced it."""
    cached: bool = False
    """True when the reply came from the response cache."""


@dataclass(frozen=True)
class GenerationParams:
    """Sampling settings of one call."""

    max_tokens: int = 256
    temperature: float = 0.0
    """0 means greedy decoding."""
    top_p: float = 1.0
    stop: tuple[str, ...] = ()
    seed: int | None = None
    """Seed of the sampler; the same seed gives the same text on the local backend."""

    def key(self) -> dict[str, object]:
        return {
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "stop": list(self.stop),
            "seed": self.seed if self.temperature > 0 else None,
        }


@runtime_checkable
class ChatModel(Protocol):
    """What systems program against."""

    spec: str

    def chat(
        self,
        messages: Conversation,
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
        top_p: float = 1.0,
    ) -> Completion: ...

    def chat_batch(
        self,
        conversations: Sequence[Conversation],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
        top_p: float = 1.0,
    ) -> list[Completion]: ...

    def choice_logprobs(
        self, messages: Conversation, options: Sequence[str], *, prefix: str = ""
    ) -> list[float]: ...

    def choice_logprobs_batch(
        self, items: Sequence[tuple[Conversation, Sequence[str]]], *, prefix: str = ""
    ) -> list[list[float]]: ...

    @property
    def fingerprint(self) -> str: ...


@dataclass
class BaseChatModel:
    """Shared plumbing; a backend implements ``_generate`` (and ``_score`` if it can)."""

    spec: str
    calls: int = field(default=0, init=False)
    """Number of ``chat``/``chat_batch``/``choice_logprobs`` requests served (cache hits included)."""

    # ---- the backend's part -------------------------------------------------------
    def _generate(
        self, conversations: Sequence[Conversation], params: GenerationParams
    ) -> list[Completion]:
        raise NotImplementedError  # pragma: no cover - abstract

    def _score(self, items: Sequence[tuple[Conversation, Sequence[str]]], prefix: str = "") -> list[list[float]]:
        raise UnsupportedError(f"{self.spec} cannot score options (choice_logprobs)")

    @property
    def fingerprint(self) -> str:
        """Identifies the model's weights for the response cache (changes when they change)."""
        return self.spec

    # ---- the public interface ------------------------------------------------------
    def chat(
        self,
        messages: Conversation,
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
        top_p: float = 1.0,
    ) -> Completion:
        return self.chat_batch(
            [messages], max_tokens=max_tokens, temperature=temperature, stop=stop, seed=seed,
            top_p=top_p,
        )[0]

    def chat_batch(
        self,
        conversations: Sequence[Conversation],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: Sequence[str] | None = None,
        seed: int | None = None,
        top_p: float = 1.0,
    ) -> list[Completion]:
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be >= 1, got {max_tokens}")
        if temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {temperature}")
        for conversation in conversations:
            validate_messages(conversation)
        params = GenerationParams(max_tokens, float(temperature), float(top_p), tuple(stop or ()), seed)
        self.calls += len(conversations)
        if not conversations:
            return []
        return self._generate(list(conversations), params)

    def choice_logprobs(
        self, messages: Conversation, options: Sequence[str], *, prefix: str = ""
    ) -> list[float]:
        """Summed log-probability of each option as the assistant's reply (after ``prefix``,
        the start of the reply, e.g. ``'{"choice": "'``)."""
        return self.choice_logprobs_batch([(messages, options)], prefix=prefix)[0]

    def choice_logprobs_batch(
        self, items: Sequence[tuple[Conversation, Sequence[str]]], *, prefix: str = ""
    ) -> list[list[float]]:
        for messages, options in items:
            validate_messages(messages)
            if len(options) == 0:
                raise ValueError("choice_logprobs needs at least one option")
            if any(not isinstance(o, str) or o == "" for o in options):
                raise ValueError("every option must be a non-empty string")
        self.calls += len(items)
        return self._score(list(items), prefix)


def validate_messages(messages: Conversation) -> None:
    """Raise ``ValueError`` for a conversation that is not a list of role/content dicts."""
    if isinstance(messages, str | bytes) or not isinstance(messages, Sequence):
        raise ValueError("messages must be a list of {'role', 'content'} dicts")
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or "role" not in message or "content" not in message:
            raise ValueError(f"message {i} must be a dict with 'role' and 'content'")
        if message["role"] not in {"system", "user", "assistant", "tool"}:
            raise ValueError(f"message {i} has unknown role {message['role']!r}")
        if not isinstance(message["content"], str):
            raise ValueError(f"message {i} content must be a string")


def conversation_key(spec: str, conversation: Conversation, extra: object) -> str:
    """A stable hash of a request, used by the response cache."""
    payload = json.dumps(
        {"spec": spec, "messages": [dict(m) for m in conversation], "extra": extra},
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def user(content: str) -> Message:
    return {"role": "user", "content": content}


def system(content: str) -> Message:
    return {"role": "system", "content": content}


def assistant(content: str) -> Message:
    return {"role": "assistant", "content": content}
