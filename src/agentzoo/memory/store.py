"""A persistent vector store on SQLite: exact cosine search with numpy, metadata filters.

One table, ``memories(id, namespace, kind, text, payload JSON, created, embedding BLOB)``,
in WAL mode. Every write is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``): a writer
killed mid-way leaves the committed entries intact and nothing of the interrupted batch.
:meth:`VectorStore.add` returns the records as read back from the database, so callers see
exactly what was stored (no silent rewriting). A locked database raises
:class:`StoreLockedError` after ``timeout`` seconds, having written nothing.

Search is brute force: the float32 matrix of the (filtered) embeddings times the query
vector, all vectors L2-normalised, so the dot product is the cosine. The matrix is cached
in memory and reloaded when any connection commits (``PRAGMA data_version``).

>>> from agentzoo.memory.embedder import HashEmbedder
>>> store = VectorStore(":memory:", embedder=HashEmbedder(dim=64))
>>> [r.text for r in store.add([MemoryItem("send an email"), MemoryItem("add an event")])]
['send an email', 'add an event']
>>> store.query("email someone", k=1)[0][0].text
'send an email'
"""

from __future__ import annotations

import base64
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.memory.embedder import Embedder

SCHEMA = """
CREATE TABLE IF NOT EXISTS memories (
    id TEXT PRIMARY KEY,
    namespace TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    payload TEXT NOT NULL,
    created REAL NOT NULL,
    embedding BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS memories_ns_kind ON memories(namespace, kind);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
COLUMNS = ("id", "namespace", "kind")


class StoreError(RuntimeError):
    """The store cannot do what was asked (bad input, dimension mismatch, corrupt file)."""


class StoreLockedError(StoreError):
    """Another connection held the write lock for longer than the timeout; nothing was written."""


@dataclass(frozen=True)
class MemoryItem:
    """A unit to store: its text is embedded unless ``embedding`` is given."""

    text: str
    kind: str = "unit"
    """What the unit is (legomem: ``task`` or ``subtask``)."""
    namespace: str = "default"
    """Separates stores that must not mix (e.g. a train split from a test split)."""
    payload: Mapping[str, Any] = field(default_factory=dict)
    """Any JSON-serialisable metadata; its top-level keys can be filtered on."""
    id: str | None = None
    """Given, or derived from the namespace, kind, text and payload (same item, same id)."""
    embedding: np.ndarray | None = None


@dataclass(frozen=True)
class Record:
    """A stored unit, as read back from the database."""

    id: str
    namespace: str
    kind: str
    text: str
    payload: dict[str, Any]
    created: float
    embedding: np.ndarray = field(compare=False, repr=False)
    """float32, shape (dim,), L2-normalised."""


def item_id(item: MemoryItem) -> str:
    """A stable id from the item's content (adding the same item twice keeps one row)."""
    blob = json.dumps([item.namespace, item.kind, item.text, dict(item.payload)], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def _as_item(obj: MemoryItem | Mapping[str, Any]) -> MemoryItem:
    if isinstance(obj, MemoryItem):
        return obj
    if isinstance(obj, Mapping):
        unknown = set(obj) - {"text", "kind", "namespace", "payload", "id", "embedding"}
        if unknown:
            raise StoreError(f"unknown item fields {sorted(unknown)}")
        if not isinstance(obj.get("text"), str):
            raise StoreError("an item needs a 'text' string")
        return MemoryItem(**obj)
    raise StoreError(f"cannot store {type(obj).__name__}; expected MemoryItem or dict")


def _matches(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, list | tuple | set | frozenset):
        return value in wanted
    return bool(value == wanted)


class VectorStore:
    """SQLite-backed memory bank with exact cosine search."""

    def __init__(
        self,
        path: str | Path,
        *,
        embedder: Embedder | None = None,
        dim: int | None = None,
        timeout: float = 5.0,
    ) -> None:
        self.path = str(path)
        self.embedder = embedder
        self.timeout = timeout
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a usable SQLite memory store: {exc}") from exc
        stored_dim = self._meta("dim")
        wanted = dim or (embedder.dim if embedder is not None else None)
        if stored_dim is not None and wanted is not None and int(stored_dim) != wanted:
            raise StoreError(f"{self.path} holds {stored_dim}-d vectors, but {wanted}-d were asked for")
        self.dim: int | None = int(stored_dim) if stored_dim is not None else wanted
        self._cache: tuple[int, list[Record], np.ndarray] | None = None
        self._columns: dict[str, np.ndarray] = {}
        self._own_writes = 0

    # ------------------------------------------------------------------ plumbing
    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> VectorStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _version(self) -> int:
        (data_version,) = self._db.execute("PRAGMA data_version").fetchone()
        return int(data_version) * 1_000_003 + self._own_writes

    def _write(self, statements: Iterable[tuple[str, Sequence[Any]]]) -> None:
        """Run ``statements`` in one immediate transaction (all or nothing)."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreLockedError(
                    f"{self.path} is locked by another writer (waited {self.timeout:g} s); nothing was written"
                ) from exc
            raise StoreError(f"cannot write to {self.path}: {exc}") from exc
        try:
            for sql, params in statements:
                self._db.execute(sql, params)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._own_writes += 1

    # ------------------------------------------------------------------ writing
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.embedder is None:
            raise StoreError("this store has no embedder; pass embeddings or an embedder")
        return self.embedder.embed(list(texts))

    def add(self, items: Iterable[MemoryItem | Mapping[str, Any]]) -> list[Record]:
        """Store ``items`` in one transaction and return them as stored (same order)."""
        batch = [_as_item(i) for i in items]
        if not batch:
            return []
        missing = [i for i, item in enumerate(batch) if item.embedding is None]
        vectors: dict[int, np.ndarray] = {}
        if missing:
            computed = self.embed([batch[i].text for i in missing])
            vectors.update(zip(missing, computed, strict=True))
        rows = []
        now = time.time()
        for i, item in enumerate(batch):
            vector = np.asarray(vectors.get(i, item.embedding), dtype=np.float32).reshape(-1)
            if self.dim is None:
                self.dim = int(vector.shape[0])
            if vector.shape[0] != self.dim:
                raise StoreError(f"item {i} has a {vector.shape[0]}-d embedding; the store is {self.dim}-d")
            norm = float(np.linalg.norm(vector))
            if not np.isfinite(norm) or norm == 0:
                raise StoreError(f"item {i} has a zero or non-finite embedding")
            try:
                payload = json.dumps(dict(item.payload), sort_keys=True, allow_nan=False)
            except (TypeError, ValueError) as exc:
                raise StoreError(f"item {i} payload is not JSON-serialisable: {exc}") from exc
            if abs(norm - 1.0) > 1e-6:  # keep already-normalised vectors bit for bit (JSONL round trips)
                vector = (vector / norm).astype(np.float32)
            rows.append((item.id or item_id(item), item.namespace, item.kind, item.text, payload, now,
                         vector.tobytes()))
        statements: list[tuple[str, Sequence[Any]]] = [
            ("INSERT OR IGNORE INTO meta(key, value) VALUES ('dim', ?)", (str(self.dim),)),
        ]
        statements += [("INSERT OR REPLACE INTO memories VALUES (?, ?, ?, ?, ?, ?, ?)", row) for row in rows]
        self._write(statements)
        return self.get([row[0] for row in rows])

    def delete(self, ids: Sequence[str] | None = None, where: Mapping[str, Any] | None = None) -> int:
        """Delete the given ids, or every record matching ``where``; returns how many went."""
        if ids is None and where is None:
            raise StoreError("delete needs ids or a where filter (refusing to delete everything)")
        targets = list(ids) if ids is not None else [r.id for r in self.records(where)]
        if not targets:
            return 0
        self._write([("DELETE FROM memories WHERE id = ?", (t,)) for t in targets])
        return len(targets)

    # ------------------------------------------------------------------ reading
    def _load(self) -> tuple[list[Record], np.ndarray]:
        version = self._version()
        if self._cache is None or self._cache[0] != version:
            records = [self._record(row) for row in self._db.execute(
                "SELECT id, namespace, kind, text, payload, created, embedding FROM memories ORDER BY rowid"
            )]
            dim = self.dim or 0
            matrix = np.stack([r.embedding for r in records]) if records else np.zeros((0, dim), np.float32)
            self._cache = (version, records, matrix)
            self._columns = {c: np.array([getattr(r, c) for r in records], dtype=object) for c in COLUMNS}
        return self._cache[1], self._cache[2]

    @staticmethod
    def _record(row: Sequence[Any]) -> Record:
        return Record(str(row[0]), str(row[1]), str(row[2]), str(row[3]), json.loads(row[4]), float(row[5]),
                      np.frombuffer(row[6], dtype=np.float32).copy())

    def _mask(self, records: list[Record], where: Mapping[str, Any] | None) -> np.ndarray:
        mask = np.ones(len(records), dtype=bool)
        for key, wanted in (where or {}).items():
            if key in COLUMNS:  # vectorised over the cached column
                column = self._columns[key]
                allowed = list(wanted) if isinstance(wanted, list | tuple | set | frozenset) else [wanted]
                mask &= np.isin(column, np.array(allowed, dtype=object))
                continue
            for i in np.flatnonzero(mask):
                mask[i] = _matches(records[i].payload.get(key), wanted)
        return mask

    def records(self, where: Mapping[str, Any] | None = None) -> list[Record]:
        """All records matching ``where`` (column or top-level payload key -> value or list)."""
        records, _ = self._load()
        mask = self._mask(records, where)
        return [r for r, keep in zip(records, mask, strict=True) if keep]

    def get(self, ids: Sequence[str]) -> list[Record]:
        """The records with these ids, read from the database, in this order (missing: an error)."""
        by_id: dict[str, Record] = {}
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(
                "SELECT id, namespace, kind, text, payload, created, embedding FROM memories "
                f"WHERE id IN ({marks})", chunk,
            ):
                record = self._record(row)
                by_id[record.id] = record
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise StoreError(f"no records with ids {missing[:5]}")
        return [by_id[i] for i in ids]

    def count(self, where: Mapping[str, Any] | None = None) -> int:
        return len(self.records(where))

    def query(
        self, query: str | np.ndarray, k: int = 5, where: Mapping[str, Any] | None = None
    ) -> list[tuple[Record, float]]:
        """The ``k`` records most cosine-similar to ``query`` (text or vector), best first.

        Ties are broken by insertion order, so results are deterministic.
        """
        if k < 1:
            return []
        vector = self.embed([query])[0] if isinstance(query, str) else np.asarray(query, np.float32).reshape(-1)
        records, matrix = self._load()
        if not records:
            return []
        if vector.shape[0] != matrix.shape[1]:
            raise StoreError(f"query is {vector.shape[0]}-d; the store is {matrix.shape[1]}-d")
        norm = float(np.linalg.norm(vector))
        vector = vector / (norm or 1.0)
        mask = self._mask(records, where)
        index = np.flatnonzero(mask)
        if index.size == 0:
            return []
        scores = (matrix @ vector)[index]  # cosine: every row is L2-normalised (no row copies)
        order = np.lexsort((index, -scores))[:k]  # best score first, then insertion order
        return [(records[index[j]], float(scores[j])) for j in order]

    # ------------------------------------------------------------------ JSONL
    def export_jsonl(self, path: str | Path, where: Mapping[str, Any] | None = None) -> int:
        """Write the matching records, embeddings included (base64 float32), one per line."""
        lines = []
        for r in self.records(where):
            lines.append(json.dumps({
                "id": r.id, "namespace": r.namespace, "kind": r.kind, "text": r.text, "payload": r.payload,
                "created": r.created, "embedding": base64.b64encode(r.embedding.tobytes()).decode("ascii"),
            }, sort_keys=True))
        Path(path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        return len(lines)

    def import_jsonl(self, path: str | Path) -> list[Record]:
        """Add the records of a JSONL export (re-embedding those without an embedding)."""
        return self.add(_read_jsonl(Path(path)))


def _read_jsonl(path: Path) -> Iterator[MemoryItem]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            embedding = data.get("embedding")
            vector = np.frombuffer(base64.b64decode(embedding), dtype=np.float32).copy() if embedding else None
            yield MemoryItem(data["text"], data.get("kind", "unit"), data.get("namespace", "default"),
                             data.get("payload", {}), data.get("id"), vector)
        except (KeyError, ValueError, TypeError) as exc:
            raise StoreError(f"{path}:{number}: not a memory record ({exc})") from exc
