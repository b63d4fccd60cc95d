"""Shared tools for agents that run code and search text.

* :mod:`agentzoo.tools.sandbox` — run untrusted, model-written programs (bubblewrap + rlimits).
* :mod:`agentzoo.tools.compile` — compile-and-run for C++ and Python, with a compile cache.
* :mod:`agentzoo.tools.python_tool` — the research agents' ``python`` tool.
* :mod:`agentzoo.tools.search` — a BM25 search engine (``bm25s``) with ``search`` and ``open``.
* :mod:`agentzoo.tools.registry` — the :class:`~agentzoo.tools.registry.Tool` interface and a
  registry that lists tools for prompts and calls them by name.

Submodules import lazily (``from agentzoo.tools import sandbox``); nothing heavy loads here.
"""
