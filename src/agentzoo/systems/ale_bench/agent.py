"""The refinement agent (``refine``) and the one-shot baseline (``repeated_sampling``).

``refine`` is reconstructed from the paper's description of ALE-Agent (its code is not
released): best-first search over programs. The start node is ``skeleton.cpp`` (typed mode) or a
one-shot program (free mode). Each step pops the best frontier node, asks the model for
``children_per_node`` children, judges each on ``eval_seeds`` public cases, scores it by the mean
per-case ratio to the start program (s/s0 to maximise, s0/s to minimise, 0 for a rejected case),
and keeps the best ``beam_width`` nodes. Exact duplicates are never judged; near-duplicates
(token Jaccard > 0.95 with a judged program) stay in the frontier only if they score better.
The prompt carries the test-run feedback of the parent: per-case scores, verdicts, time and
memory against the limits, the stderr tail and compiler errors.

``repeated_sampling`` draws k programs with no feedback (typed mode: three model-chosen edits
of the skeleton; free mode: one-shot programs) and keeps the best.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from agentzoo.llm import ChatModel, UnsupportedError
from agentzoo.llm import scripted as scripted_models
from agentzoo.llm.parsing import parse_choice
from agentzoo.systems.ale_bench import knobs
from agentzoo.systems.ale_bench.judge import Result, Verdict
from agentzoo.systems.ale_bench.prompts import (
    Feedback,
    extract_program,
    free_messages,
    typed_messages,
)

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


def normalise(code: str) -> str:
    """Code without comments and whitespace runs (for duplicate detection)."""
    code = re.sub(r"//[^\n]*|/\*.*?\*/|#[^\n]*$", "", code, flags=re.DOTALL | re.MULTILINE)
    return " ".join(code.split())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def jaccard(a: str, b: str) -> float:
    ta, tb = set(re.findall(r"\w+|[^\w\s]", a)), set(re.findall(r"\w+|[^\w\s]", b))
    return len(ta & tb) / max(1, len(ta | tb))


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
            compile_error=result.compile_message,
        )
        return result, fitness, feedback


def _pick(logprobs: Sequence[float], k: int, temperature: float, rng: np.random.Generator) -> list[int]:
    """k distinct indices: the top k (temperature 0) or a Gumbel-top-k sample of softmax(lp / T)."""
    lp = np.asarray(logprobs, dtype=float)
    if temperature <= 0:
        return list(np.argsort(-lp, kind="stable")[:k])
    keys = lp / temperature + rng.gumbel(size=len(lp))
    return list(np.argsort(-keys, kind="stable")[:k])


class Proposer:
    """Asks the model for children of a node (typed edits or free-form programs)."""

    def __init__(self, model: ChatModel, problem: Any, config: Any, rng: np.random.Generator, slog: SearchLog) -> None:
        self.model, self.problem, self.config, self.rng, self.slog = model, problem, config, rng, slog

    def _count(self, prompt_tokens: int = 0, completion_tokens: int = 0) -> None:
        self.slog.llm_calls += 1
        self.slog.prompt_tokens += prompt_tokens
        self.slog.completion_tokens += completion_tokens

    def typed(self, code: str, feedback: Feedback | None, k: int, seen: set[str]) -> list[tuple[str, str]]:
        edits = [e for e in knobs.candidate_edits(code) if code_hash(knobs.apply(code, e)) not in seen]
        if not edits:
            return []
        messages = typed_messages(self.problem.title, self.problem.statement, self.problem.maximize,
                                  [kn.describe() for kn in knobs.knobs(code)], feedback,
                                  [e.label for e in edits], self.config.domain_hints)
        labels = [e.label for e in edits]
        try:
            logprobs = self.model.choice_logprobs(messages, labels)
        except UnsupportedError:  # a server without log-probs: ask for the edit in words
            reply = self.model.chat(messages, max_tokens=32, temperature=0.0)
            choice = parse_choice(reply.text, labels)
            if not choice.ok:
                self.slog.parse_failures += 1
            logprobs = [0.0 if choice.ok and i == choice.value else -5.0 for i in range(len(labels))]
        self._count(sum(len(m["content"]) for m in messages) // 4)
        return [(knobs.apply(code, edits[i]), edits[i].label) for i in _pick(logprobs, k, self.config.temperature, self.rng)]

    def free(self, code: str | None, feedback: Feedback | None, k: int) -> list[tuple[str, str]]:
        messages = free_messages(self.problem.title, self.problem.statement, self.config.language, code,
                                 feedback, self.config.domain_hints, self.problem.maximize)
        seed = int(self.rng.integers(2**31))
        replies = self.model.chat_batch([messages] * k, max_tokens=self.config.max_tokens,
                                        temperature=self.config.temperature, seed=seed)
        out = []
        for i, reply in enumerate(replies):
            self._count(reply.prompt_tokens, reply.completion_tokens)
            parsed = extract_program(reply.text, code)
            if parsed.ok:
                out.append((parsed.code, f"{'one-shot' if code is None else parsed.kind} #{i}"))
            else:
                self.slog.parse_failures += 1
                log.info("unparseable reply (%s): %.80r", parsed.error, reply.text)
        return out


def _judge_node(evaluator: Evaluator, node: Node, started: float, n: int | None = None) -> Node:
    result, fitness, feedback = evaluator.judge(node.code, n)
    node.fitness, node.feedback = fitness, feedback
    node.scores = [c.absolute_score for c in result.case_results]
    node.verdicts = result.verdict_counts
    node.elapsed = time.perf_counter() - started
    return node


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
    frontier = [root]
    stalls = 0
    while len(slog.nodes) < config.budget_programs:
        if deadline is not None and time.perf_counter() > deadline:
            log.info("session time is up after %d programs", len(slog.nodes))
            break
        if not frontier:
            frontier = [slog.best]  # nothing improving is left: expand the best again (new edits)
        frontier.sort(key=lambda n: (-n.fitness, n.id))
        parent = frontier.pop(0)
        if config.edit_mode == "typed":
            children = proposer.typed(parent.code, parent.feedback, config.children_per_node, seen)
        else:
            children = proposer.free(parent.code, parent.feedback, config.children_per_node)
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
        for code, label in fresh:
            if len(slog.nodes) >= config.budget_programs:
                break
            child = _judge_node(evaluator, Node(len(slog.nodes), parent.id, code, label, parent.depth + 1), started)
            slog.nodes.append(child)
            if on_node:
                on_node(child)
            twin = max((n for n in slog.nodes[:-1] if jaccard(n.code, code) > 0.95), key=lambda n: n.fitness, default=None)
            if twin is None or child.fitness > twin.fitness:
                frontier.append(child)
        frontier = sorted(frontier, key=lambda n: (-n.fitness, n.id))[: config.beam_width]
    return slog


def repeated_sampling(session: Any, model: ChatModel, config: Any, rng: np.random.Generator,
                      start_code: str | None, deadline: float | None = None,
                      on_node: Callable[[Node], None] | None = None, edits_per_sample: int = 3) -> SearchLog:
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
        if config.edit_mode == "typed" and start_code is not None:
            code, labels = start_code, []
            for _ in range(edits_per_sample):
                picked = proposer.typed(code, None, 1, set())
                if not picked:
                    break
                code = picked[0][0]
                labels.append(picked[0][1])
            candidates = [(code, " + ".join(labels))]
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

    return [-float(rank(o)) - 0.001 * i for i, o in enumerate(options)]


scripted_models.register(
    "ale_edit", lambda messages: "", _ale_edit_score,
    description="ALE-Bench typed edits by a fixed preference order (switches on, more time, cooler); tests only",
)
