"""The non-LLM baseline: random search plus successive halving over the skeleton's knobs.

Configuration 0 is the skeleton as written (the reference of every ratio). The others draw each
``@param`` uniformly (log-uniformly for ``log`` knobs, rounded for integer knobs) and each
``@switch`` by a fair coin. All ``budget_programs`` configurations are judged on the first quarter
of the evaluation seeds; the better half moves on to half of them, and so on until the survivors
have seen every evaluation seed (Jamieson & Talwalkar's successive halving). Only distinct
programs count toward the budget, so every method judges the same number of programs.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

from agentzoo.systems.ale_bench import knobs
from agentzoo.systems.ale_bench.agent import Evaluator, Node, SearchLog, _judge_node, code_hash


def sample_config(code: str, rng: np.random.Generator) -> tuple[str, str]:
    """``code`` with every knob redrawn; returns (code, label)."""
    parts = []
    for k in knobs.knobs(code):
        if k.kind == "switch":
            value = float(rng.integers(2))
        elif k.log and k.lo > 0:
            value = math.exp(rng.uniform(math.log(k.lo), math.log(k.hi)))
        else:
            value = rng.uniform(k.lo, k.hi)
        if k.integer:
            value = float(round(value))
        code = knobs.apply(code, knobs.Edit(k.name, value, ""))
        parts.append(f"{k.name}={'on' if k.kind == 'switch' and value else 'off' if k.kind == 'switch' else f'{value:.4g}'}")
    return code, ", ".join(parts)


def param_search(session: Any, config: Any, rng: np.random.Generator, start_code: str,
                 deadline: float | None = None, on_node: Any = None) -> SearchLog:
    slog = SearchLog()
    evaluator = Evaluator(session, config.language, session.public_seeds[: config.eval_seeds])
    started = time.perf_counter()
    root = _judge_node(evaluator, Node(0, None, start_code, "start"), started)  # sets the baseline
    slog.nodes.append(root)
    if on_node:
        on_node(root)
    seen = {code_hash(start_code)}
    pool: list[tuple[str, str]] = []
    tries = 0
    while len(pool) < config.budget_programs - 1 and tries < 50 * config.budget_programs:
        tries += 1
        code, label = sample_config(start_code, rng)
        if code_hash(code) not in seen:
            seen.add(code_hash(code))
            pool.append((code, label))
    n_seeds = len(evaluator.inputs)
    rung = max(1, n_seeds // 4)
    nodes = []
    for code, label in pool:
        if deadline is not None and time.perf_counter() > deadline:
            break
        node = _judge_node(evaluator, Node(len(slog.nodes), None, code, label), started, rung)
        slog.nodes.append(node)
        nodes.append(node)
        if on_node:
            on_node(node)
    while rung < n_seeds:  # successive halving: the better half moves on to twice the seeds
        rung = min(n_seeds, rung * 2)
        nodes = sorted(nodes, key=lambda n: (-n.fitness, n.id))[: max(1, len(nodes) // 2)]
        for node in nodes:
            _judge_node(evaluator, node, started, rung)
    survivors = {n.id for n in nodes}
    for node in slog.nodes:  # the others were judged on fewer seeds: never the final answer
        node.eliminated = node is not root and node.id not in survivors
    return slog
