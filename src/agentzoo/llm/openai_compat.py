"""The OpenAI-compatible backend: vLLM, Ollama, llama.cpp server, OpenAI, or anything speaking
``POST /v1/chat/completions``.

Spec: ``openai:MODEL@http://host:port/v1``. Without ``@URL`` the base URL comes from
``$OPENAI_BASE_URL`` (default ``https://api.openai.com/v1``); the key from
``$OPENAI_API_KEY`` (servers on your own machine usually ignore it).

Requests time out, and connection errors, timeouts, HTTP 429 and 5xx answers are retried
with exponential backoff; a server that stays unreachable raises :class:`LLMError` with
the URL and a hint. ``choice_logprobs`` uses the server's ``top_logprobs`` for the first
generated token, which is exact when the options start with different tokens (use option
labels such as ``A``/``B``); see :meth:`OpenAIChatModel._score`.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from agentzoo.llm.base import (
    BaseChatModel,
    Completion,
    Conversation,
    GenerationParams,
    LLMError,
    UnsupportedError,
)

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.openai.com/v1"
RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


@dataclass
class OpenAIChatModel(BaseChatModel):
    """A chat model served over HTTP by an OpenAI-compatible server."""

    model: str = ""
    base_url: str = DEFAULT_BASE_URL
    api_key: str = ""
    timeout_s: float = 120.0
    """Seconds to wait for one response."""
    max_retries: int = 4
    """Further attempts after a failed request (connection error, timeout, 429, 5xx)."""
    backoff_s: float = 0.5
    """First retry delay; doubles on every further retry."""
    concurrency: int = 8
    """Requests in flight at once in ``chat_batch``."""
    _client: Any = field(default=None, init=False, repr=False)

    @classmethod
    def from_spec(cls, rest: str) -> OpenAIChatModel:
        """Build from the part of the spec after ``openai:`` (``MODEL@URL`` or ``MODEL``)."""
        model, sep, url = rest.rpartition("@")
        if not sep:
            model, url = rest, os.environ.get("OPENAI_BASE_URL", DEFAULT_BASE_URL)
        if not model:
            raise LLMError("openai spec needs a model name: openai:MODEL@http://host:port/v1")
        if not url.startswith(("http://", "https://")):
            raise LLMError(f"openai spec URL must start with http:// or https://, got {url!r}")
        return cls(
            spec=f"openai:{model}@{url}",
            model=model,
            base_url=url.rstrip("/"),
            api_key=os.environ.get("OPENAI_API_KEY", "EMPTY"),
            max_retries=int(os.environ.get("AGENTZOO_OPENAI_RETRIES", "4")),
        )

    # ------------------------------------------------------------------ HTTP
    def _http(self) -> Any:
        if self._client is None:
            try:
                import httpx
            except ImportError as exc:  # pragma: no cover
                raise LLMError("the openai backend needs httpx: pip install 'agentzoo[llm]'") from exc
            self._client = httpx.Client(
                timeout=self.timeout_s,
                headers={"Authorization": f"Bearer {self.api_key}"},
                limits=httpx.Limits(max_connections=max(self.concurrency, 1)),
            )
        return self._client

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        import httpx

        url = f"{self.base_url}{path}"
        last_error = ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                delay = self.backoff_s * 2 ** (attempt - 1)
                log.warning("retrying %s in %.1fs after: %s", url, delay, last_error)
                time.sleep(delay)
            try:
                response = self._http().post(url, json=payload)
            except (httpx.ConnectError, httpx.TimeoutException, httpx.RemoteProtocolError) as exc:
                last_error = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code in RETRY_STATUS:
                last_error = f"HTTP {response.status_code}: {response.text[:200]}"
                continue
            if response.status_code >= 400:
                raise LLMError(f"{url} answered HTTP {response.status_code}: {response.text[:500]}")
            try:
                body: dict[str, Any] = response.json()
            except ValueError as exc:
                raise LLMError(f"{url} answered with invalid JSON: {response.text[:200]!r}") from exc
            return body
        raise LLMError(
            f"cannot reach the OpenAI-compatible server at {self.base_url} after "
            f"{self.max_retries + 1} attempts ({last_error}). Is it running? "
            f"e.g. `vllm serve {self.model} --port 8000` and spec openai:{self.model}@http://127.0.0.1:8000/v1"
        )

    # ------------------------------------------------------------------ chat
    def _payload(self, messages: Conversation, params: GenerationParams) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": [dict(m) for m in messages],
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
        }
        if params.top_p < 1.0:
            payload["top_p"] = params.top_p
        if params.stop:
            payload["stop"] = list(params.stop)
        if params.seed is not None:
            payload["seed"] = params.seed
        return payload

    def _one(self, messages: Conversation, params: GenerationParams) -> Completion:
        body = self._post("/chat/completions", self._payload(messages, params))
        try:
            choice = body["choices"][0]
            text = choice["message"].get("content") or ""
            reason = choice.get("finish_reason") or "stop"
        except (KeyError, IndexError, TypeError, AttributeError):
            return Completion("", 0, 0, "error", self.spec)
        usage = body.get("usage") or {}
        return Completion(
            text,
            int(usage.get("prompt_tokens") or 0),
            int(usage.get("completion_tokens") or 0),
            "length" if reason == "length" else "stop",
            self.spec,
        )

    def _generate(
        self, conversations: Sequence[Conversation], params: GenerationParams
    ) -> list[Completion]:
        if len(conversations) == 1 or self.concurrency <= 1:
            return [self._one(c, params) for c in conversations]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(pool.map(lambda c: self._one(c, params), conversations))

    # ------------------------------------------------------------------ scoring
    def _score(self, items: Sequence[tuple[Conversation, Sequence[str]]], prefix: str = "") -> list[list[float]]:
        """First-token log-probabilities from the server's ``top_logprobs`` (20 alternatives).

        Exact for options that begin with different tokens; an option whose first token is
        not among the 20 gets the smallest returned log-prob (an upper bound). Options that
        share a first token cannot be told apart this way and raise UnsupportedError.
        """
        if prefix:
            raise UnsupportedError("an assistant prefix needs a local model; use free-text choices with a server")
        out = []
        for messages, options in items:
            payload = self._payload(messages, GenerationParams(max_tokens=1))
            payload.update({"logprobs": True, "top_logprobs": 20})
            body = self._post("/chat/completions", payload)
            try:
                top = body["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
                table = {str(t["token"]).strip(): float(t["logprob"]) for t in top}
            except (KeyError, IndexError, TypeError) as exc:
                raise UnsupportedError(f"{self.base_url} returned no top_logprobs; use free-text choices") from exc
            floor = min(table.values()) if table else -math.inf
            scores = []
            for option in options:
                matches = [lp for token, lp in table.items() if token and option.strip().startswith(token)]
                scores.append(max(matches) if matches else floor)
            firsts = [next((t for t in table if t and o.strip().startswith(t)), o) for o in options]
            if len(set(firsts)) < len(options):
                raise UnsupportedError(
                    f"options {list(options)} share a first token; label them (A, B, ...) for this backend"
                )
            out.append(scores)
        return out
