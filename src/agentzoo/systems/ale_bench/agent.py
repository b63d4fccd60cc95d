"""The refinement agent (``refine``) and the one-shot baseline (``repeated_sampling``).

``refine`` is reconstructed from the paper's description of ALE-Agent (its code is not
released): iterative refinement with feedback from public evaluation, organised as best-first
search over programs. The start node is ``skeleton.cpp`` (typed mode) or a one-shot program (free
mode). Every judged program is scored by its mean per-case ratio to the start program (s/s0 to
maximise, s0/s to minimise, 0 for a rejected case). Each iteration expands the best program of the
beam (the ``beam_width`` best programs that are not beaten by a near-duplicate judged earlier):
the model proposes ``children_per_node`` children (:mod:`.proposer`), each is judged on
``eval_seeds`` public cases, and an improving child becomes the next parent (hill climbing with
accepted improvements). A program is expanded at most ``MAX_EXPANSIONS`` times; then the next one
of the beam is. Exact duplicates are never judged. The prompt carries the parent's test-run
feedback (per-case scores and ratios, verdicts, time and memory against the limits, the stderr
tail, compiler errors) and the history of attempts (which edits took which program from which
ratio to which), so the model can choose what to change next from what the public evaluation
has shown.

``repeated_sampling`` is the one-shot baseline with the same judge budget: k programs drawn with no
feedback and no iteration (typed mode: k composite edits of the skeleton, drawn from the model's
choices exactly as ``refine`` draws the children of its first expansion; free mode: one-shot
programs); the best on the evaluation cases wins.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agentzoo.llm import ChatModel
from agentzoo.llm import scripted as scripted_models
from agentzoo.systems.ale_bench.judge import Result, Verdict
from agentzoo.systems.ale_bench.prompts import Feedback
from agentzoo.systems.ale_bench.proposer import Proposer, code_hash, jaccard, normalise

__all__ = ["Evaluator", "Node", "SearchLog", "code_hash", "jaccard", "normalise", "refine", "repeated_sampling"]

MAX_EXPANSIONS = 2
"""How often one program is expanded before the search moves on to the next one of the beam."""
NEAR_DUPLICATE = 0.95
"""Token Jaccard similarity above which two programs are near-duplicates (spec)."""

log = logging.getLogger(__name__)


@dataclass
class Node:
    """A judged program of the search tree."""

    id: int
    parent: int | None
    code: str
    label: str
    depth: int = 0
    fitness: float = math.nan
    scores: list[int] = field(default_factory=list)
    verdicts: dict[str, int] = field(default_factory=dict)
    feedback: Feedback | None = None
    elapsed: float = 0.0
    eliminated: bool = False
    """Judged on fewer seeds than the others (successive halving): never the final answer."""

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "parent": self.parent, "label": self.label, "depth": self.depth,
                "fitness": None if math.isnan(self.fitness) else self.fitness, "scores": self.scores,
                "verdicts": self.verdicts, "elapsed": round(self.elapsed, 3), "eliminated": self.eliminated}


@dataclass
class SearchLog:
    nodes: list[Node] = field(default_factory=list)
    parse_failures: int = 0
    duplicates: int = 0
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def best(self) -> Node:
        judged = [n for n in self.nodes if not math.isnan(n.fitness) and not n.eliminated]
        return max(judged, key=lambda n: (n.fitness, -n.id))


class Evaluator:
    """Judges programs on the first ``n`` evaluation seeds and scores them against the start program."""

    def __init__(self, session: Any, language: str, seeds: Sequence[int]) -> None:
        self.session = session
        self.language = language
        self.seeds = list(seeds)
        self.inputs: list[str] = list(session.case_gen(self.seeds))
        self.problem = session.problem
        self.baseline: list[int] | None = None

    def judge(self, code: str, n: int | None = None) -> tuple[Result, float, Feedback]:
        inputs = self.inputs[: n or len(self.inputs)]
        result: Result = self.session.case_eval(inputs, code, self.language)
        values = [c.absolute_score if c.judge_result is Verdict.ACCEPTED else None for c in result.case_results]
        if self.baseline is None:
            self.baseline = [v if v is not None else 0 for v in values]
        ratios = []
        for v, s0, case in zip(values, self.baseline, result.case_results):
            if case.judge_result is Verdict.INTERNAL_ERROR:
                continue  # never charged to the program
            if v is None:
                ratios.append(0.0)
            elif self.problem.score_type == "maximize":
                ratios.append(v / max(s0, 1))
            else:
                ratios.append(max(s0, 1) / max(v, 1) if s0 > 0 else 1.0)
        fitness = float(np.mean(ratios)) if ratios else 0.0
        feedback = Feedback(
            scores=tuple(c.absolute_score for c in result.case_results), verdicts=result.verdict_counts,
            max_time=max((c.execution_time for c in result.case_results), default=0.0),
            time_limit=self.session.problem.time_limit_s, max_memory_mib=max((c.memory_usage for c in result.case_results), default=0) / (1 << 20),
            memory_limit_mib=float(self.session.problem.memory_limit_mib), ratio=fitness,
            stderr_tail="\n".join((result.case_results[0].error_str or "").splitlines()[-20:]) if result.case_results else "",
            compile_error=result.compile_message, ratios=tuple(ratios),
        )
        return result, fitness, feedback


def _judge_node(evaluator: Evaluator, node: Node, started: float, n: int | None = None) -> Node:
    result, fitness, feedback = evaluator.judge(node.code, n)
    node.fitness, node.feedback = fitness, feedback
    node.scores = [c.absolute_score for c in result.case_results]
    node.verdicts = result.verdict_counts
    node.elapsed = time.perf_counter() - started
    return node


def attempt_line(node: Node, parent: Node | None) -> str:
    """One line of the attempts history: the edit, the parent's and the child's ratio, bad verdicts."""
    before = f"{parent.fitness:.3f}" if parent is not None else "-"
    bad = {k: v for k, v in node.verdicts.items() if k != Verdict.ACCEPTED.value}
    verdicts = f" ({', '.join(f'{k} x{v}' for k, v in sorted(bad.items()))})" if bad else ""
    trend = "" if parent is None else " better" if node.fitness > parent.fitness else " worse" if node.fitness < parent.fitness else " same"
    return f"{node.label}: {before} -> {node.fitness:.3f}{trend}{verdicts}"


def beam(nodes: Sequence[Node], beam_width: int) -> list[Node]:
    """The ``beam_width`` best programs that no earlier near-duplicate beats or ties (the start always)."""
    kept = []
    for i, node in enumerate(nodes):
        if math.isnan(node.fitness) or node.eliminated:
            continue
        twin = max((n.fitness for n in nodes[:i] if not math.isnan(n.fitness)
                    and jaccard(n.code, node.code) > NEAR_DUPLICATE), default=-math.inf)
        if i == 0 or node.fitness > twin:
            kept.append(node)
    return sorted(kept, key=lambda n: (-n.fitness, n.id))[:beam_width]


def refine(session: Any, model: ChatModel, config: Any, rng: np.random.Generator, start_code: str | None,
           deadline: float | None = None, on_node: Callable[[Node], None] | None = None) -> SearchLog:
    """Best-first refinement from ``start_code`` (None in free mode: a one-shot program first)."""
    slog = SearchLog()
    problem = session.problem
    proposer = Proposer(model, problem, config, rng, slog)
    evaluator = Evaluator(session, config.language, session.public_seeds[: config.eval_seeds])
    started = time.perf_counter()
    if start_code is None:
        shots = proposer.free(None, None, 1)
        if not shots:
            raise RuntimeError("the model's one-shot reply held no program; nothing to refine")
        start_code = shots[0][0]
    seen = {code_hash(start_code)}
    root = _judge_node(evaluator, Node(0, None, start_code, "start"), started)
    slog.nodes.append(root)
    if on_node:
        on_node(root)
    history: list[str] = []
    expansions: dict[int, int] = {}
    stalls = 0
    while len(slog.nodes) < config.budget_programs:
        if deadline is not None and time.perf_counter() > deadline:
            log.info("session time is up after %d programs", len(slog.nodes))
            break
        frontier = beam(slog.nodes, config.beam_width)
        parent = next((n for n in frontier if expansions.get(n.id, 0) < MAX_EXPANSIONS), frontier[0])
        expansions[parent.id] = expansions.get(parent.id, 0) + 1
        k = min(config.children_per_node, config.budget_programs - len(slog.nodes))
        if config.edit_mode == "typed":
            children = proposer.typed(parent.code, parent.feedback, k, seen, history)
        else:
            children = proposer.free(parent.code, parent.feedback, k, history)
        fresh = []
        for code, label in children:
            h = code_hash(code)
            if h in seen:
                slog.duplicates += 1
                continue
            seen.add(h)
            fresh.append((code, label))
        stalls = 0 if fresh else stalls + 1
        if stalls > 5:
            log.info("no new programs could be proposed; stopping after %d", len(slog.nodes))
            break
        for code, label in fresh[: config.budget_programs - len(slog.nodes)]:
            child = _judge_node(evaluator, Node(len(slog.nodes), parent.id, code, label, parent.depth + 1), started)
            slog.nodes.append(child)
            history.append(attempt_line(child, parent))
            if on_node:
                on_node(child)
    return slog


def repeated_sampling(session: Any, model: ChatModel, config: Any, rng: np.random.Generator,
                      start_code: str | None, deadline: float | None = None,
                      on_node: Callable[[Node], None] | None = None) -> SearchLog:
    """k programs without feedback; the start program (if any) is judged first as the reference."""
    slog = SearchLog()
    proposer = Proposer(model, session.problem, config, rng, slog)
    evaluator = Evaluator(session, config.language, session.public_seeds[: config.eval_seeds])
    started = time.perf_counter()
    seen: set[str] = set()
    if start_code is not None:
        root = _judge_node(evaluator, Node(0, None, start_code, "start"), started)
        slog.nodes.append(root)
        seen.add(code_hash(start_code))
        if on_node:
            on_node(root)
    attempts = 0
    while len(slog.nodes) < config.budget_programs and attempts < 4 * config.budget_programs:
        attempts += 1
        if deadline is not None and time.perf_counter() > deadline:
            break
        if config.edit_mode == "typed" and start_code is not None:  # every sample from the skeleton, no feedback
            candidates = proposer.typed(start_code, None, config.budget_programs - len(slog.nodes), seen)
            if not candidates:
                break
        else:
            candidates = proposer.free(None, None, 1)
        for code, label in candidates:
            h = code_hash(code)
            if h in seen:
                slog.duplicates += 1
                continue
            seen.add(h)
            node = _judge_node(evaluator, Node(len(slog.nodes), None, code, label), started)
            slog.nodes.append(node)
            if on_node:
                on_node(node)
    return slog


# ---------------------------------------------------------------------------- scripted policy
_PREFERENCE = (" on", "TIME_FRAC +", "RESTARTS +", "T0 x0.5", "T1 x0.5", "APPEND_RATE x2", "MAX_WINDOW +",
               "SWAP_RATE -")


def _ale_edit_score(messages: Any, options: Sequence[str]) -> list[float]:
    """A deterministic coordinate search: switch features on, use more time, cool down."""
    def rank(option: str) -> int:
        return next((i for i, p in enumerate(_PREFERENCE) if p in option), len(_PREFERENCE))

    if not any("Current knobs" in m["content"] for m in messages):
        return [0.0] * len(options)  # the calibration prompt (no program): no preference
    return [-float(rank(o)) - 0.001 * i for i, o in enumerate(options)]


scripted_models.register(
    "ale_edit", lambda messages: "", _ale_edit_score,
    description="ALE-Bench typed edits by a fixed preference order (switches on, more time, cooler); tests only",
)
