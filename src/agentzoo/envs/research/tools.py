"""The research world's tools: ``search`` and ``open`` over web pages, ``scholar`` over paper
records, ``python`` in the sandbox.

``search(q)`` and ``scholar(q)`` are BM25 (:class:`agentzoo.tools.search.SearchEngine`,
through ``bm25s``) and return the ``top_k`` best documents *in full*: verbose on purpose, so
that the fact a question needs is a small part of each result and raw results quickly fill
a context budget. ``python(code)`` runs through :func:`agentzoo.tools.python_tool.run_python`
(sandbox, 2 s of CPU, 256 MB, no network); a crash or a timeout is an observation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from agentzoo.envs.research.documents import Page


@dataclass(frozen=True)
class ToolOutput:
    """One raw output o^(j) of a tool call (a search result, a record, a program's output)."""

    doc_id: str
    title: str
    text: str

    def render(self) -> str:
        return f"[{self.doc_id}] {self.title}\n{self.text}" if self.doc_id else self.text


class ResearchTools:
    """Tools over a world's pages; build once per world."""

    def __init__(
        self,
        pages: list[Page],
        *,
        top_k: int = 3,
        python_time_limit_s: float = 2.0,
        python_memory_mb: float = 256.0,
        python_max_chars: int = 400,
        sandbox_mode: str | None = None,
    ) -> None:
        if top_k < 1:
            raise ValueError(f"top_k must be >= 1, got {top_k}")
        self.pages = {p.doc_id: p for p in pages}
        self.top_k = top_k
        self.python_time_limit_s = python_time_limit_s
        self.python_memory_mb = python_memory_mb
        self.python_max_chars = python_max_chars
        self.sandbox_mode = sandbox_mode
        self.calls: dict[str, int] = {"search": 0, "open": 0, "scholar": 0, "python": 0}

    def _engine(self, kind: str) -> Any:
        from agentzoo.tools.search import Document, SearchEngine

        docs = [Document(p.doc_id, p.text, p.title) for p in self.pages.values() if p.kind == kind]
        return SearchEngine(docs)

    @cached_property
    def _web(self) -> Any:
        return self._engine("page")

    @cached_property
    def _scholar(self) -> Any:
        return self._engine("paper")

    def search(self, query: str) -> list[ToolOutput]:
        """The ``top_k`` web pages for ``query`` (full text); empty when nothing matches."""
        self.calls["search"] += 1
        return [self._output(h.doc_id) for h in self._web.search(query, self.top_k)] if query.strip() else []

    def scholar(self, query: str) -> list[ToolOutput]:
        """The ``top_k`` paper records for ``query``."""
        self.calls["scholar"] += 1
        return [self._output(h.doc_id) for h in self._scholar.search(query, self.top_k)] if query.strip() else []

    def open(self, doc_id: str) -> ToolOutput | None:
        """The full page ``doc_id`` (None when there is none)."""
        self.calls["open"] += 1
        doc_id = doc_id.strip()
        return self._output(doc_id) if doc_id in self.pages else None

    def python(self, code: str) -> str:
        """The sandboxed program's observation (stdout, value, errors, a timeout note)."""
        from agentzoo.tools.python_tool import run_python

        self.calls["python"] += 1
        if not code.strip():
            return "(no code)"
        return run_python(
            code,
            time_limit_s=self.python_time_limit_s,
            memory_limit_mb=self.python_memory_mb,
            max_chars=self.python_max_chars,
            mode=self.sandbox_mode,  # type: ignore[arg-type]
        ).observation

    def _output(self, doc_id: str) -> ToolOutput:
        page = self.pages[doc_id]
        return ToolOutput(page.doc_id, page.title, page.text)


def render_outputs(outputs: list[ToolOutput]) -> str:
    """Raw outputs as one observation (what a single agent without System 1 reads)."""
    if not outputs:
        return "No results."
    return "\n\n".join(o.render() for o in outputs)


def results_observation(text: str) -> str:
    """Search results (or an opened page) as an observation in an agent's context."""
    return f"<results>{text}</results>"


def output_observation(text: str) -> str:
    """A program's output as an observation."""
    return f"<output>{text}</output>"


def invalid_observation(reason: str) -> str:
    """The observation after an action that could not be parsed or run."""
    return f"Invalid action: {reason}. Write exactly one action tag."
