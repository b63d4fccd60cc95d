"""timi — Trade in Minutes! Rationality-Driven Agentic System for Quantitative Financial Trading (arXiv 2510.04787).

LLM agents work offline only: macro analysis from technical features (A_ma), strategy
adaptation per pair (A_sa: semantic ranking phi, mathematical calibration gamma), bot evolution
into a three-layer bot (A_be: parameter / function / strategy layers) and feedback reflection
that turns risk events into linear programs (A_fr). The refined bot then trades minute bars
with zero LLM calls. Built on the shared markets core (:mod:`agentzoo.markets`). See ``docs/timi.md``.

    agentzoo run timi --preset quick
    agentzoo run timi --preset quick --model scripted:timi
    agentzoo run timi --market arch:sp500 --days 2500 --train-days 500 --val-days 125 --test-days 125
"""

from __future__ import annotations

from agentzoo.systems.timi.agents import register_scripted
from agentzoo.systems.timi.config import Config
from agentzoo.systems.timi.report import figures
from agentzoo.systems.timi.run import run

register_scripted()  # makes the model spec ``scripted:timi`` available

__all__ = ["Config", "figures", "run"]
