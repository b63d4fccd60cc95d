"""A BM25 search engine over a document collection (``bm25s``), with ``search`` and ``open``.

>>> from agentzoo.tools.search import SearchEngine
>>> engine = SearchEngine([("d1", "Cats purr and sleep."), ("d2", "Dogs bark at the mail carrier.")])
>>> [hit.doc_id for hit in engine.search("barking dog")]
['d2']

* **Scoring**: Okapi BM25, Lucene variant (``bm25s``' default; Kamphuis et al., ECIR 2020),
  ``k1 = 1.5``, ``b = 0.75``. The title (if any) is indexed as part of the text.
* **Tokeniser** (one function, :func:`tokenize`, for documents and queries): lowercase,
  ``\\w+`` runs (Unicode letters, digits and ``_``), English stopwords removed (``bm25s``'
  list), Snowball English stemming (PyStemmer), so "barking" matches "bark". Both choices
  are settings (``language=None`` turns stemming off, ``stopwords=False`` keeps stopwords).
* **Determinism**: scores are computed for every document and ranked by (score descending,
  insertion order ascending), so ties never depend on a partial sort; documents that share
  no term with the query are not returned.
* **Snippets**: the window of at most ``snippet_chars`` characters holding the most query
  terms, cut at word boundaries, with ``...`` where text was cut.
* **Persistence**: :meth:`SearchEngine.save` writes the ``bm25s`` index, the documents
  (JSON lines) and the settings to a directory; :meth:`SearchEngine.load` reads them back.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from agentzoo.tools.registry import Tool

__all__ = ["Document", "Hit", "OpenTool", "SearchEngine", "SearchTool", "tokenize"]

_WORD = re.compile(r"\w+")
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Document:
    """A document of the collection."""

    doc_id: str
    """Unique identifier, used by :meth:`SearchEngine.open`."""
    text: str
    """The full text."""
    title: str = ""
    """Optional title (indexed together with the text)."""


@dataclass(frozen=True)
class Hit:
    """One search result."""

    doc_id: str
    """Identifier of the document."""
    score: float
    """BM25 score of the document for the query."""
    rank: int
    """1 for the best hit."""
    title: str
    """The document's title ('' when it has none)."""
    snippet: str
    """A window of the text around the query terms (at most ``snippet_chars`` characters)."""


_local = threading.local()


def _stemmer(language: str) -> Any:
    """A Snowball stemmer for ``language``, one per thread (PyStemmer objects are not
    thread-safe)."""
    stemmers: dict[str, Any] = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        try:
            import Stemmer
        except ImportError as err:  # pragma: no cover - PyStemmer is in the tools extra
            raise ImportError("stemming needs PyStemmer: pip install 'agentzoo[tools]'") from err
        stemmers[language] = Stemmer.Stemmer(language)
    return stemmers[language]


@functools.lru_cache(maxsize=2)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def tokenize(text: str, *, language: str | None = "english", stopwords: bool = True) -> list[str]:
    """Index terms of ``text``: lowercase ``\\w+`` words, minus stopwords, stemmed."""
    words = _WORD.findall(text.lower())
    if stopwords:
        stop = _stopwords()
        words = [w for w in words if w not in stop]
    if language:
        words = _stemmer(language).stemWords(words)
    return list(words)


class SearchEngine:
    """BM25 over a fixed collection: build once, :meth:`search` and :meth:`open` many times."""

    def __init__(
        self,
        documents: Iterable[Document | tuple[str, str] | tuple[str, str, str] | Mapping[str, str]],
        *,
        k1: float = 1.5,
        b: float = 0.75,
        method: str = "lucene",
        language: str | None = "english",
        stopwords: bool = True,
        snippet_chars: int = 300,
    ) -> None:
        """Index ``documents``: :class:`Document` objects, ``(doc_id, text[, title])`` tuples or
        mappings with ``doc_id``/``id``, ``text`` and optional ``title``. ``k1``, ``b`` and
        ``method`` are BM25's parameters (``bm25s``: robertson, lucene, atire, bm25l, bm25+)."""
        import bm25s

        self.documents: list[Document] = [_as_document(d) for d in documents]
        self.settings: dict[str, Any] = {
            "k1": k1,
            "b": b,
            "method": method,
            "language": language,
            "stopwords": stopwords,
            "snippet_chars": snippet_chars,
        }
        self._position: dict[str, int] = {}
        for i, doc in enumerate(self.documents):
            if doc.doc_id in self._position:
                raise ValueError(f"documents: doc_id {doc.doc_id!r} appears twice")
            self._position[doc.doc_id] = i
        if not self.documents:
            raise ValueError("documents: the collection is empty")
        self.retriever = bm25s.BM25(k1=k1, b=b, method=method)
        self.retriever.index(self._token_ids(), show_progress=False)

    def _token_ids(self) -> tuple[list[list[int]], dict[str, int]]:
        """Each document as term ids (the same terms as :func:`tokenize`), and the vocabulary.
        Each distinct word is stemmed once, when first seen; the per-token work is C loops."""
        stop = _stopwords() if self.settings["stopwords"] else frozenset()
        language = self.settings["language"]
        stemmer = _stemmer(str(language)) if language else None
        term_of: dict[str, int] = {}  # word -> id of its stem
        vocab: dict[str, int] = {}  # stem -> id
        corpus: list[list[int]] = []
        for doc in self.documents:
            words = _WORD.findall(f"{doc.title}\n{doc.text}".lower())
            if stop:
                words = [w for w in words if w not in stop]
            new = list(set(words).difference(term_of))
            if new:
                stems = stemmer.stemWords(new) if stemmer is not None else new
                for word, stem in zip(new, stems):
                    term_of[word] = vocab.setdefault(stem, len(vocab))
            corpus.append(list(map(term_of.__getitem__, words)))
        return corpus, vocab

    def __len__(self) -> int:
        return len(self.documents)

    def _terms(self, query: str) -> list[str]:
        return tokenize(
            query, language=self.settings["language"], stopwords=bool(self.settings["stopwords"])
        )

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (in insertion order, float64)."""
        vocab = self.retriever.vocab_dict
        ids = [vocab[t] for t in self._terms(query) if t in vocab]
        n = len(self.documents)
        if not ids:
            return np.zeros(n)
        # sum the precomputed per-(term, document) BM25 weights of the query's terms; bincount
        # adds in a fixed order (deterministic) and is much faster than np.add.at
        index = self.retriever.scores
        data, indices, indptr = index["data"], index["indices"], index["indptr"]
        postings = [slice(int(indptr[t]), int(indptr[t + 1])) for t in ids]
        docs = np.concatenate([indices[p] for p in postings])
        weights = np.concatenate([data[p] for p in postings])
        scores: np.ndarray = np.bincount(docs, weights=weights, minlength=n)  # float64 sums
        nonoccurrence = getattr(self.retriever, "nonoccurrence_array", None)
        if nonoccurrence is not None:  # BM25L and BM25+ also score absent terms
            scores = scores + float(nonoccurrence[ids].sum())
        return scores

    def search(self, query: str, k: int = 10) -> list[Hit]:
        """The ``k`` best documents for ``query`` (fewer when fewer share a term with it)."""
        if k < 1:
            raise ValueError(f"k: must be >= 1, got {k}")
        scores = self.scores(query)
        # keep everything scoring at least the k-th best score (so ties at the cut are all
        # kept) and more than zero (documents sharing no term with the query are left out)
        positive = scores > 0
        matched = int(np.count_nonzero(positive))
        if matched <= k:
            candidates = np.flatnonzero(positive)
        elif 2 * matched > len(scores):  # most documents match: select on the whole array
            kth = np.partition(scores, len(scores) - k)[len(scores) - k]
            candidates = np.flatnonzero(scores >= kth)
        else:  # few match: select among them (partition is slow on many tied zeros)
            candidates = np.flatnonzero(positive)
            kth = -np.partition(-scores[candidates], k - 1)[k - 1]
            candidates = candidates[scores[candidates] >= kth]
        order = np.lexsort((candidates, -scores[candidates]))[:k]  # score desc, then position
        terms = set(self._terms(query))
        # snippet candidates: words starting like a query stem ("fli" <- "flies"), found with
        # str.find; only these are stemmed and checked, not every word of every hit
        prefixes = sorted({t[:-1] if len(t) > 1 else t for t in terms})
        hits = []
        for rank, i in enumerate(candidates[order], start=1):
            doc = self.documents[int(i)]
            hits.append(
                Hit(
                    doc.doc_id,
                    float(scores[i]),
                    rank,
                    doc.title,
                    self._snippet(doc.text, terms, prefixes),
                )
            )
        return hits

    def open(self, doc_id: str) -> Document:
        """The document called ``doc_id`` (``KeyError`` naming it when there is none)."""
        try:
            return self.documents[self._position[doc_id]]
        except KeyError:
            raise KeyError(f"no document with doc_id {doc_id!r}") from None

    def _snippet(self, text: str, terms: set[str], prefixes: list[str]) -> str:
        limit = int(self.settings["snippet_chars"])
        if len(text) <= limit:
            return text
        language = self.settings["language"]
        lowered_text = text.lower()
        starts: list[int] = []
        words: list[str] = []
        for prefix in prefixes:
            pos = lowered_text.find(prefix)
            while pos >= 0:
                if pos == 0 or not _WORD.match(lowered_text, pos - 1):  # at a word start
                    word = _WORD.match(lowered_text, pos)
                    if word is not None:
                        starts.append(pos)
                        words.append(word.group())
                pos = lowered_text.find(prefix, pos + 1)
        stems = _stemmer(str(language)).stemWords(words) if language else words
        hits = sorted({start for start, stem in zip(starts, stems) if stem in terms})
        best_start, best_count, j = 0, 0, 0
        for i, start in enumerate(hits):  # the window [start, start + limit) with most hits
            j = max(j, i)
            while j < len(hits) and hits[j] < start + limit - 6:
                j += 1
            if j - i > best_count:
                best_start, best_count = start, j - i
        room = limit - 6  # leaves space for both ellipses
        # start a little before the first hit of the window, then cut at word boundaries
        begin = max(0, min(best_start - room // 6, len(text) - room))
        if begin > 0:
            space = text.find(" ", begin, begin + 30)
            begin = space + 1 if space >= 0 else begin
        end = min(len(text), begin + room)
        if end < len(text):
            space = text.rfind(" ", begin, end)
            end = space if space > begin + room // 2 else end
        prefix = "..." if begin > 0 else ""
        suffix = "..." if end < len(text) else ""
        return prefix + text[begin:end].strip() + suffix

    def save(self, path: str | Path) -> Path:
        """Write the index, the documents and the settings to directory ``path``."""
        out = Path(path)
        out.mkdir(parents=True, exist_ok=True)
        self.retriever.save(str(out / "bm25s"), show_progress=False)
        with open(out / "documents.jsonl", "w", encoding="utf-8") as fh:
            for doc in self.documents:
                fh.write(json.dumps(asdict(doc), ensure_ascii=False) + "\n")
        meta = {"format": FORMAT_VERSION, "settings": self.settings, "count": len(self.documents)}
        (out / "meta.json").write_text(json.dumps(meta, indent=1))
        return out

    @classmethod
    def load(cls, path: str | Path) -> SearchEngine:
        """Read an engine written by :meth:`save` (no re-indexing)."""
        import bm25s

        src = Path(path)
        try:
            meta = json.loads((src / "meta.json").read_text())
            with open(src / "documents.jsonl", encoding="utf-8") as fh:
                documents = [Document(**json.loads(line)) for line in fh if line.strip()]
        except (OSError, ValueError, TypeError) as err:
            raise ValueError(f"{src} is not a saved SearchEngine: {err}") from err
        if meta.get("format") != FORMAT_VERSION or meta.get("count") != len(documents):
            raise ValueError(f"{src}: unsupported format or truncated documents ({meta})")
        engine = cls.__new__(cls)
        engine.documents = documents
        engine.settings = meta["settings"]
        engine._position = {d.doc_id: i for i, d in enumerate(documents)}
        engine.retriever = bm25s.BM25.load(str(src / "bm25s"), show_progress=False)
        return engine


def _as_document(item: Document | tuple[str, ...] | Mapping[str, str]) -> Document:
    if isinstance(item, Document):
        return item
    if isinstance(item, Mapping):
        doc_id = item.get("doc_id", item.get("id"))
        if doc_id is None or "text" not in item:
            raise ValueError(
                f"documents: a mapping needs 'doc_id' (or 'id') and 'text', got keys {sorted(item)}"
            )
        return Document(str(doc_id), str(item["text"]), str(item.get("title", "")))
    if isinstance(item, Sequence) and len(item) in (2, 3):
        return Document(str(item[0]), str(item[1]), str(item[2]) if len(item) == 3 else "")
    raise ValueError(
        f"documents: expected Document, (doc_id, text[, title]) or a mapping, got {item!r:.80}"
    )


class SearchTool(Tool):
    """The ``search`` tool: ``query`` -> numbered hits with id, title and snippet."""

    name = "search"
    description = (
        "Search the document collection; returns the best matches with their ids and snippets."
    )

    def __init__(self, engine: SearchEngine, *, k: int = 5, name: str = "search") -> None:
        """Search ``engine``; ``k`` hits unless the call asks for fewer or more (at most 20)."""
        self.engine = engine
        self.k = k
        self.name = name
        self.parameters = {
            "type": "object",
            "properties": {
                "query": {"type": "string", "minLength": 1, "description": "What to look for."},
                "k": {"type": "integer", "minimum": 1, "maximum": 20, "default": k},
            },
            "required": ["query"],
            "additionalProperties": False,
        }

    def run(self, **arguments: Any) -> str:
        """The hits as text, or a message saying nothing matched."""
        hits = self.engine.search(str(arguments["query"]), int(arguments.get("k", self.k)))
        if not hits:
            return f"No results for {arguments['query']!r}."
        return "\n\n".join(
            f"[{h.rank}] {h.doc_id}" + (f" - {h.title}" if h.title else "") + f"\n{h.snippet}"
            for h in hits
        )


class OpenTool(Tool):
    """The ``open`` tool: ``doc_id`` -> the document's full text (capped at ``max_chars``)."""

    name = "open"
    description = "Open a document by its id and return its full text."

    def __init__(self, engine: SearchEngine, *, max_chars: int = 4000, name: str = "open") -> None:
        """Open documents of ``engine``; texts longer than ``max_chars`` are cut."""
        self.engine = engine
        self.max_chars = max_chars
        self.name = name
        self.parameters = {
            "type": "object",
            "properties": {
                "doc_id": {"type": "string", "description": "An id from search results."}
            },
            "required": ["doc_id"],
            "additionalProperties": False,
        }

    def run(self, **arguments: Any) -> str:
        """The title and text, or an error observation for an unknown id."""
        try:
            doc = self.engine.open(str(arguments["doc_id"]))
        except KeyError as err:
            return f"Error: {err.args[0]}"
        text = f"{doc.title}\n\n{doc.text}" if doc.title else doc.text
        if len(text) > self.max_chars:
            text = text[: self.max_chars] + f"\n[... {len(text) - self.max_chars} more characters]"
        return text
