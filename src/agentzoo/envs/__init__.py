"""Environments shared by systems or useful on their own (each in its own subpackage).

* :mod:`agentzoo.envs.office` — an OfficeBench-compatible office (Excel, Word, calendar,
  email, PDF reading, a confined shell) with OfficeBench's evaluators.
* :mod:`agentzoo.envs.research` — a synthetic, verifiable research world (invented entities,
  verbose pages, BM25 search/scholar, sandboxed python, exact answers) for ``mars`` and ``matpo``.
"""
