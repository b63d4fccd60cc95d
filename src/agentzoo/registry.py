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
            headline=(
                "Pendulum-v1/rdirl_final_normalised_return",
                "Pendulum-v1/rdirl_cost_correlation",
                "CartPole-v1/rdirl_final_normalised_return",
                "CartPole-v1/gcl_final_normalised_return",
                "Pendulum-v1/first_order_final_normalised_return",
            ),
            paper_reported="outperforms several leading IRL algorithms on benchmark tasks (qualitative) (self-reported)",
        ),
        SystemInfo(
            "mars",
            "dual-system deep research agent trained with multi-role GRPO",
            "MARS: Optimizing Dual-System Deep Research via Multi-Agent Reinforcement Learning",
            "agentzoo.systems.mars",
            headline=(
                "accuracy_after",
                "accuracy_before",
                "accuracy_single_agent",
                "accuracy_frozen_system1",
                "context_tokens_mars",
                "context_tokens_raw",
            ),
            paper_reported="+3.86% on HLE and +8.9% on average over 7 knowledge-intensive tasks (Qwen2.5 on GPUs) (self-reported)",
        ),
        SystemInfo(
            "atp",
            "alignment drift testbeds for self-evolving LLM agents",
            "Alignment Tipping Process: How Self-Evolution Pushes LLM Agents Off the Rails",
            "agentzoo.systems.atp",
            headline=("drift_treatment", "drift_control", "gap_final"),
            paper_reported="alignment benefits erode rapidly under self-evolution (Qwen3-8B, Llama-3.1-8B-Instruct) (self-reported)",
        ),
        SystemInfo(
            "legomem",
            "modular procedural memory for multi-agent office workflows",
            "LEGOMem: Modular Procedural Memory for Multi-agent LLM Systems for Workflow Automation",
            "agentzoo.systems.legomem",
            headline=(
                "success_both",
                "success_orchestrator",
                "success_agents",
                "success_no_memory",
                "success_random_memory",
                "retrieval_precision_at_1",
            ),
            paper_reported="orchestrator memory critical for decomposition, agent memory for execution (OfficeBench, GPT-4o teams) (self-reported)",
        ),
        SystemInfo(
            "timi",
            "LLM strategy development, LLM-free minute-level trading",
            "Trade in Minutes! Rationality-Driven Agentic System for Quantitative Financial Trading",
            "agentzoo.systems.timi",
            headline=(
                "timi_sharpe",
                "best_baseline_sharpe",
                "walk_forward_win_fraction",
                "deploy_llm_calls",
                "max_drawdown",
            ),
            paper_reported="stable profitability and risk control over 200+ stock and crypto pairs (self-reported)",
        ),
        SystemInfo(
            "matpo",
            "planner and worker roles in one LLM with RL credit assignment",
            "Multi-Agent Tool-Integrated Policy Optimization (MATPO)",
            "agentzoo.systems.matpo",
            headline=(
                "matpo_accuracy",
                "single_agent_accuracy",
                "matpo_accuracy_noisy",
                "single_agent_accuracy_noisy",
                "relative_improvement",
            ),
            paper_reported="+18.38% relative over single-agent GRPO on GAIA-text, WebWalkerQA, FRAMES (self-reported)",
        ),
        SystemInfo(
            "quantagents",
            "four-agent trading meetings with simulated trading",
            "QuantAgents: Towards Multi-agent Financial System via Simulated Trading",
            "agentzoo.systems.quantagents",
            headline=(
                "sharpe",
                "arr",
                "max_drawdown",
                "prediction_accuracy",
                "sharpe_no_risk_alert",
                "sharpe_no_simulation",
                "sharpe_no_news",
            ),
            paper_reported="nearly 300% overall return over three years on NASDAQ-100 (GPT-4o) (self-reported)",
        ),
        SystemInfo(
            "fair-matching",
            "exact and approximate maximin repeated matching",
            "Fairness in Repeated Matching: A Maximin Perspective (Lim, Neoh, Teh)",
            "agentzoo.systems.fair_matching",
            headline=(
                "greedy_ratio_median",
                "greedy_ratio_min",
                "exact_solved_fraction",
                "exact_seconds_max",
            ),
            paper_reported="complexity results and approximation guarantees (theory; no empirical numbers) (self-reported)",
        ),
        SystemInfo(
            "edge-caching",
            "AI model block caching with CoMP broadcasting, multi-agent RL",
            "Fine-Grained AI Model Caching and Downloading With Coordinated Multipoint "
            "Broadcasting in Multi-Cell Edge Networks (Fu et al.)",
            "agentzoo.systems.edge_caching",
            headline=(
                "delay_maasn_da",
                "delay_pb_lfu",
                "delay_whole_model",
                "delay_reduction_vs_whole_model",
                "delay_reduction_vs_popularity",
                "augmentation_sample_ratio",
            ),
            paper_reported="lower download delay than whole-model caching and learning baselines (simulation) (self-reported)",
        ),
        SystemInfo(
            "ale-bench",
            "algorithm-engineering benchmark with a sandboxed judge",
            "ALE-Bench: A Benchmark for Long-Horizon Objective-Driven Algorithm Engineering",
            "agentzoo.systems.ale_bench",
            headline=("mean_performance", "problems_improved_20pct"),
            paper_reported="frontier LLMs are strong on short runs but trail humans in consistency and long-horizon refinement (self-reported)",
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
