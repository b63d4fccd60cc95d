"""The systems: one package per paper, each exporting ``Config`` and ``run``.

The registry (:mod:`agentzoo.registry`) lists them; nothing here imports them eagerly.
"""
