"""A persistent response cache (SQLite in WAL mode) so that runs can be replayed exactly.

Keys are hashes of the model's fingerprint (its spec, plus a weights version for
trainable local models), the messages and the sampling settings. Only deterministic
requests are cached: greedy ones (temperature 0), explicitly seeded ones, and option
scores. Several processes may share one cache file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from agentzoo.llm.base import ChatModel, Completion, Conversation, conversation_key


def cache_dir() -> Path:
    """``$AGENTZOO_CACHE_DIR`` or ``~/.cache/agentzoo``: model conversions and response caches."""
    root = os.environ.get("AGENTZOO_CACHE_DIR")
    return Path(root).expanduser() if root else Path.home() / ".cache" / "agentzoo"


def default_cache_path() -> Path:
    return cache_dir() / "llm_responses.sqlite"


class ResponseStore:
    """Key -> JSON value, in SQLite with WAL journaling (safe across threads and processes)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as db:
            db.execute("CREATE TABLE IF NOT EXISTS responses (key TEXT PRIMARY KEY, value TEXT NOT NULL)")

    def _connect(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30.0)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    def get(self, key: str) -> object | None:
        row = self._connect().execute("SELECT value FROM responses WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, key: str, value: object) -> None:
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO responses (key, value) VALUES (?, ?)",
                (key, json.dumps(value, ensure_ascii=False)),
            )

    def __len__(self) -> int:
        return int(self._connect().execute("SELECT COUNT(*) FROM responses").fetchone()[0])


class CachedChatModel:
    """Wraps a :class:`ChatModel`; serves repeated deterministic requests from the store."""

    def __init__(self, model: ChatModel, path: Path) -> None:
        self.model = model
        self.store = ResponseStore(path)
        self.spec = model.spec
        self.hits = 0
        self.misses = 0

    @property
    def fingerprint(self) -> str:
        return self.model.fingerprint

    @property
    def calls(self) -> int:
        return int(getattr(self.model, "calls", 0)) + self.hits

    def __getattr__(self, name: str) -> object:  # tokenizer, torch model, etc. of the backend
        return getattr(self.model, name)

    def chat(self, messages: Conversation, **kwargs: object) -> Completion:
        return self.chat_batch([messages], **kwargs)[0]  # type: ignore[arg-type]

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
        kwargs = {"max_tokens": max_tokens, "temperature": temperature, "stop": stop, "seed": seed, "top_p": top_p}
        cacheable = temperature == 0 or seed is not None
        if not cacheable:
            return self.model.chat_batch(conversations, **kwargs)  # type: ignore[arg-type]
        settings = {
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stop": list(stop or ()),
            "seed": seed if temperature > 0 else None,
            "top_p": top_p,
        }
        keys = [conversation_key(self.fingerprint, c, settings) for c in conversations]
        results: list[Completion | None] = []
        for key in keys:
            hit = self.store.get(key)
            results.append(Completion(**{**hit, "cached": True}) if isinstance(hit, dict) else None)
        missing = [i for i, r in enumerate(results) if r is None]
        self.hits += len(conversations) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = self.model.chat_batch([conversations[i] for i in missing], **kwargs)  # type: ignore[arg-type]
            for i, completion in zip(missing, fresh, strict=True):
                results[i] = completion
                if completion.finish_reason != "error":
                    self.store.put(keys[i], {**asdict(completion), "cached": False})
        return [r for r in results if r is not None]

    def choice_logprobs(self, messages: Conversation, options: Sequence[str], *, prefix: str = "") -> list[float]:
        return self.choice_logprobs_batch([(messages, options)], prefix=prefix)[0]

    def choice_logprobs_batch(
        self, items: Sequence[tuple[Conversation, Sequence[str]]], *, prefix: str = ""
    ) -> list[list[float]]:
        keys = [conversation_key(self.fingerprint, m, {"options": list(o), "prefix": prefix}) for m, o in items]
        results: list[list[float] | None] = []
        for key in keys:
            hit = self.store.get(key)
            results.append([float(x) for x in hit] if isinstance(hit, list) else None)
        missing = [i for i, r in enumerate(results) if r is None]
        self.hits += len(items) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = self.model.choice_logprobs_batch([items[i] for i in missing], prefix=prefix)
            for i, scores in zip(missing, fresh, strict=True):
                results[i] = scores
                self.store.put(keys[i], scores)
        return [r for r in results if r is not None]
