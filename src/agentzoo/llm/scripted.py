"""Scripted models: deterministic policies that stand in for an LLM in tests of the plumbing.

``scripted:NAME`` names a policy registered with :func:`register`. A policy is a
function ``respond(messages) -> str``, optionally with ``score(messages, options) ->
list[float]`` for ``choice_logprobs``. Systems register their own (for example a
reward-following policy for the alignment testbeds). A scripted model is never a result:
it only shows that the machinery around a model works.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from agentzoo.llm.base import BaseChatModel, Completion, Conversation, GenerationParams

Respond = Callable[[Conversation], str]
Score = Callable[[Conversation, Sequence[str]], list[float]]


@dataclass(frozen=True)
class Policy:
    respond: Respond
    score: Score | None = None
    description: str = ""


_POLICIES: dict[str, Policy] = {}


def register(name: str, respond: Respond, score: Score | None = None, description: str = "") -> None:
    """Make ``scripted:NAME`` available."""
    _POLICIES[name] = Policy(respond, score, description)


def policies() -> dict[str, str]:
    """Registered policy names with their descriptions."""
    return {name: p.description for name, p in sorted(_POLICIES.items())}


def _last_user(messages: Conversation) -> str:
    return next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")


def _match_score(respond: Respond) -> Score:
    """Default scorer: the option the policy would say gets log-prob 0, the rest log(1e-4)."""

    def score(messages: Conversation, options: Sequence[str]) -> list[float]:
        reply = respond(messages).strip()
        return [0.0 if reply.startswith(o.strip()) else math.log(1e-4) for o in options]

    return score


@dataclass
class ScriptedChatModel(BaseChatModel):
    """A model whose replies come from a Python function (or a fixed list, in order)."""

    respond: Respond = field(default=_last_user)
    score: Score | None = None

    @classmethod
    def from_replies(cls, replies: Iterable[str], spec: str = "scripted:replies") -> ScriptedChatModel:
        """Replies in order; a call beyond the end is an error (tests should know their calls)."""
        queue = list(replies)

        def respond(_: Conversation) -> str:
            if not queue:
                raise IndexError("scripted model ran out of replies")
            return queue.pop(0)

        return cls(spec=spec, respond=respond)

    def _generate(
        self, conversations: Sequence[Conversation], params: GenerationParams
    ) -> list[Completion]:
        out = []
        for conversation in conversations:
            text = self.respond(conversation)
            finish: str = "stop"
            for s in params.stop:
                if s and s in text:
                    text = text[: text.index(s)]
            words = text.split()
            if len(words) > params.max_tokens:
                text, finish = " ".join(words[: params.max_tokens]), "length"
            prompt_tokens = sum(len(m["content"].split()) for m in conversation)
            out.append(
                Completion(text, prompt_tokens, min(len(words), params.max_tokens), finish, self.spec)  # type: ignore[arg-type]
            )
        return out

    def _score(self, items: Sequence[tuple[Conversation, Sequence[str]]], prefix: str = "") -> list[list[float]]:
        scorer = self.score or _match_score(self.respond)
        return [list(scorer(messages, options)) for messages, options in items]


def load(name: str) -> ScriptedChatModel:
    if name not in _POLICIES:
        from agentzoo.llm.base import LLMError

        allowed = ", ".join(sorted(_POLICIES)) or "(none registered)"
        raise LLMError(f"unknown scripted policy {name!r}; allowed: {allowed}")
    policy = _POLICIES[name]
    return ScriptedChatModel(spec=f"scripted:{name}", respond=policy.respond, score=policy.score)


# ---------------------------------------------------------------- built-in policies
register("echo", _last_user, description="repeats the last user message")
register(
    "first",
    lambda messages: "",
    lambda messages, options: [0.0] + [math.log(1e-4)] * (len(options) - 1),
    description="always prefers the first option; replies with empty text",
)
register(
    "uniform",
    lambda messages: "",
    lambda messages, options: [-math.log(len(options))] * len(options),
    description="all options equally likely; replies with empty text",
)
