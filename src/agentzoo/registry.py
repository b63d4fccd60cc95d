"""The registry: system id -> where the system lives, its paper, and what it exports.

The core never imports a system at import time: each entry names the module, and
:func:`load` imports it on demand. A system module exports

* ``Config`` — a frozen dataclass subclassing :class:`agentzoo.config.SystemConfig`;
* ``run(config) -> agentzoo.runs.Result``;
* optionally ``figures(results) -> list[tuple[str, matplotlib.figure.Figure]]`` — extra
  figures for :mod:`agentzoo.report` given the loaded results of several runs.

A system whose module is not present yet is listed with status ``planned``.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agentzoo.config import ConfigError, SystemConfig


@dataclass(frozen=True)
class SystemInfo:
    """A registry entry: what the system is and where its code lives."""

    id: str
    """The CLI id, e.g. ``fair-matching``."""
    title: str
    """A one-line description."""
    paper: str
    """The paper's title and authors."""
    module: str
    """The Python module that exports ``Config`` and ``run``."""
    kind: str = "system"
    """``system`` for the ten papers' systems, ``diagnostic`` for helper runs."""
    headline: tuple[str, ...] = ()
    """Metric keys shown on the results site's index: the method's, then its baselines'."""
    paper_reported: str = ""
    """What the paper reports (self-reported), in one line, for the results site."""


SYSTEMS: dict[str, SystemInfo] = {
    info.id: info
    for info in [
        SystemInfo(
            "rdirl",
            "online EKF-style second-order inverse RL",
            "Recursive Deep Inverse Reinforcement Learning (Ghanem et al.)",
            "agentzoo.systems.rdirl",
        ),
        SystemInfo(
            "mars",
            "dual-system deep research agent trained with multi-role GRPO",
            "MARS: Optimizing Dual-System Deep Research via Multi-Agent Reinforcement Learning",
            "agentzoo.systems.mars",
        ),
        SystemInfo(
            "atp",
            "alignment drift testbeds for self-evolving LLM agents",
            "Alignment Tipping Process: How Self-Evolution Pushes LLM Agents Off the Rails",
            "agentzoo.systems.atp",
        ),
        SystemInfo(
            "legomem",
            "modular procedural memory for multi-agent office workflows",
            "LEGOMem: Modular Procedural Memory for Multi-agent LLM Systems for Workflow Automation",
            "agentzoo.systems.legomem",
        ),
        SystemInfo(
            "timi",
            "LLM strategy development, LLM-free minute-level trading",
            "Trade in Minutes! Rationality-Driven Agentic System for Quantitative Financial Trading",
            "agentzoo.systems.timi",
        ),
        SystemInfo(
            "matpo",
            "planner and worker roles in one LLM with RL credit assignment",
            "Multi-Agent Tool-Integrated Policy Optimization (MATPO)",
            "agentzoo.systems.matpo",
        ),
        SystemInfo(
            "quantagents",
            "four-agent trading meetings with simulated trading",
            "QuantAgents: Towards Multi-agent Financial System via Simulated Trading",
            "agentzoo.systems.quantagents",
        ),
        SystemInfo(
            "fair-matching",
            "exact and approximate maximin repeated matching",
            "Fairness in Repeated Matching: A Maximin Perspective (Lim, Neoh, Teh)",
            "agentzoo.systems.fair_matching",
        ),
        SystemInfo(
            "edge-caching",
            "AI model block caching with CoMP broadcasting, multi-agent RL",
            "Fine-Grained AI Model Caching and Downloading With Coordinated Multipoint "
            "Broadcasting in Multi-Cell Edge Networks (Fu et al.)",
            "agentzoo.systems.edge_caching",
        ),
        SystemInfo(
            "ale-bench",
            "algorithm-engineering benchmark with a sandboxed judge",
            "ALE-Bench: A Benchmark for Long-Horizon Objective-Driven Algorithm Engineering",
            "agentzoo.systems.ale_bench",
        ),
        SystemInfo(
            "llm-check",
            "checks an LLM backend: answers, forced choice, speed",
            "(diagnostic, no paper)",
            "agentzoo.systems.llm_check",
            kind="diagnostic",
        ),
    ]
}


@dataclass(frozen=True)
class LoadedSystem:
    """A system's exports, imported."""

    info: SystemInfo
    Config: type[SystemConfig]
    run: Callable[[Any], Any]
    figures: Callable[[list[Any]], list[Any]] | None


def ids(kind: str | None = None) -> list[str]:
    """Registered system ids, optionally only those of one ``kind``."""
    return [sid for sid, info in SYSTEMS.items() if kind is None or info.kind == kind]


def info(system_id: str) -> SystemInfo:
    if system_id not in SYSTEMS:
        raise ConfigError("system", f"unknown system {system_id!r}; allowed: {', '.join(SYSTEMS)}")
    return SYSTEMS[system_id]


def status(system_id: str) -> str:
    """``implemented`` when the system's module exists, ``planned`` otherwise."""
    try:
        found = importlib.util.find_spec(info(system_id).module) is not None
    except ModuleNotFoundError:
        found = False
    return "implemented" if found else "planned"


def load(system_id: str) -> LoadedSystem:
    """Import a system's module and return its exports."""
    entry = info(system_id)
    if status(system_id) != "implemented":
        raise ConfigError("system", f"{system_id!r} is registered but not implemented yet")
    module = importlib.import_module(entry.module)
    config_cls = getattr(module, "Config", None)
    run = getattr(module, "run", None)
    if config_cls is None or run is None:
        raise TypeError(f"{entry.module} must export Config and run")
    if not issubclass(config_cls, SystemConfig):
        raise TypeError(f"{entry.module}.Config must subclass agentzoo.config.SystemConfig")
    return LoadedSystem(entry, config_cls, run, getattr(module, "figures", None))
