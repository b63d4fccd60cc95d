"""The model's part of the refinement loop: proposing children of a program.

**Typed mode** (any model with ``choice_logprobs``, the embedded 135M one included). The prompt
shows the problem, the program's knobs, its test-run feedback (per-case scores and ratios,
verdicts, time, memory) and what the earlier attempts of the search did to the score; the model
scores every edit of the menu (:func:`knobs.candidate_edits`) as its reply. Those log-probabilities
are **calibrated** (PMI, Holtzman et al. 2021, "Surface form competition"): the log-probability of
the same option under a content-free prompt (the menu alone) is subtracted, so an option's wording
and place in the list stop deciding the choice and what the problem, the feedback and the history
add does. A child is a *composite* edit: ``n`` edits on distinct knobs drawn without replacement
from softmax(score / T) (Gumbel-top-k; the Plackett-Luce draw of an ordered set), so one
iteration makes several coordinated changes, all chosen by the model. The children of one
expansion get ``edits_per_child``, ``edits_per_child`` - 1, ... edits (at least one): a big jump
and smaller steps side by side (the one-shot baseline draws its k children the same way). A server without log-probs is asked in words, once per child
(sampled at ``temperature``); the edits its reply names, in order, make the child.

**Free mode** (``openai:`` models): whole programs or SEARCH/REPLACE blocks, parsed tolerantly;
the prompt carries the same feedback and history.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from agentzoo.llm import ChatModel, UnsupportedError
from agentzoo.systems.ale_bench import knobs
from agentzoo.systems.ale_bench.prompts import (
    Feedback,
    extract_program,
    free_messages,
    typed_messages,
    typed_null_messages,
)

log = logging.getLogger(__name__)

def normalise(code: str) -> str:
    """Code without comments and whitespace runs (for duplicate detection)."""
    code = re.sub(r"//[^\n]*|/\*.*?\*/|#[^\n]*$", "", code, flags=re.DOTALL | re.MULTILINE)
    return " ".join(code.split())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def jaccard(a: str, b: str) -> float:
    ta, tb = set(re.findall(r"\w+|[^\w\s]", a)), set(re.findall(r"\w+|[^\w\s]", b))
    return len(ta & tb) / max(1, len(ta | tb))


WORDS_FALLBACK_MISS = -5.0
"""Score of an edit that a words-only reply did not name (a named edit scores 0, 1/100, ...)."""


def draw_composite(edits: Sequence[knobs.Edit], scores: Sequence[float], n: int, temperature: float,
                   rng: np.random.Generator, lead: int = 0) -> list[int]:
    """Indices of up to ``n`` edits on distinct knobs, best first.

    T > 0: Gumbel-top-k over ``scores / T`` with other edits of a chosen knob masked, i.e.
    sequential draws from the renormalised softmax (Plackett-Luce). T = 0: deterministic; the
    ``lead``-th best edit first (so the children of one expansion differ), then the best others.
    """
    s = np.asarray(scores, dtype=float)
    if temperature > 0:
        order = list(np.argsort(-(s / temperature + rng.gumbel(size=len(s))), kind="stable"))
    else:
        ranked = list(np.argsort(-s, kind="stable"))
        first = ranked[lead % len(ranked)] if ranked else 0
        order = [first] + [i for i in ranked if i != first]
    picked: list[int] = []
    used: set[str] = set()
    for i in order:
        if edits[i].knob not in used:
            picked.append(int(i))
            used.add(edits[i].knob)
        if len(picked) == n:
            break
    return picked


def mentioned(text: str, options: Sequence[str]) -> list[int]:
    """Indices of the options a reply names, in the order of their first mention."""
    found = []
    for i, option in enumerate(options):
        m = re.search(rf"(?<![\w.]){re.escape(option)}(?![\w.])", text, re.IGNORECASE)
        if m:
            found.append((m.start(), i))
    return [i for _, i in sorted(found)]


class Proposer:
    """Asks the model for children of a node (typed composite edits or free-form programs)."""

    def __init__(self, model: ChatModel, problem: Any, config: Any, rng: np.random.Generator, slog: Any) -> None:
        self.model, self.problem, self.config, self.rng, self.slog = model, problem, config, rng, slog
        self._null: dict[tuple[str, ...], list[float]] = {}

    def _count(self, prompt_tokens: int = 0, completion_tokens: int = 0) -> None:
        self.slog.llm_calls += 1
        self.slog.prompt_tokens += prompt_tokens
        self.slog.completion_tokens += completion_tokens

    # ------------------------------------------------------------------------ typed mode
    def edit_scores(self, code: str, feedback: Feedback | None, history: Sequence[str],
                    edits: Sequence[knobs.Edit]) -> tuple[list[float], bool]:
        """The model's (calibrated) score of every edit; False when it came from a words reply."""
        n = getattr(self.config, "edits_per_child", 1)
        labels = [e.label for e in edits]
        messages = typed_messages(self.problem.title, self.problem.statement, self.problem.maximize,
                                  [kn.describe() for kn in knobs.knobs(code)], feedback, labels,
                                  self.config.domain_hints, history, n)
        try:
            scores = self.model.choice_logprobs(messages, labels)
        except UnsupportedError:
            return [], False
        self._count(sum(len(m["content"]) for m in messages) // 4)
        if getattr(self.config, "calibrate", False):
            key = tuple(labels)
            if key not in self._null:
                null = typed_null_messages(labels, self.config.domain_hints, n)
                self._null[key] = self.model.choice_logprobs(null, labels)
                self._count(sum(len(m["content"]) for m in null) // 4)
            scores = [a - b for a, b in zip(scores, self._null[key])]
        return list(scores), True

    def typed(self, code: str, feedback: Feedback | None, k: int, seen: set[str],
              history: Sequence[str] = ()) -> list[tuple[str, str]]:
        """Up to ``k`` children of ``code`` not in ``seen`` (composite edits chosen by the model)."""
        edits = knobs.candidate_edits(code)
        if not edits:
            return []
        n_max = max(1, getattr(self.config, "edits_per_child", 1))
        scores, logprobs_ok = self.edit_scores(code, feedback, history, edits)
        out: list[tuple[str, str]] = []
        batch_seen: set[str] = set()
        if not logprobs_ok:
            for picked in self._typed_words(code, feedback, history, edits, k, n_max):
                self._add(code, edits, picked, seen, batch_seen, out)
            return out[:k]
        for attempt in range(8 * k):
            if len(out) >= k:
                break
            # child j of an expansion gets n_max - (j mod children_per_node) edits (at least one)
            n = max(1, n_max - len(out) % self.config.children_per_node) if attempt < 4 * k else 1 + int(self.rng.integers(n_max))
            picked = draw_composite(edits, scores, n, self.config.temperature, self.rng, lead=attempt)
            self._add(code, edits, picked, seen, batch_seen, out)
        return out

    def _add(self, code: str, edits: Sequence[knobs.Edit], picked: Sequence[int], seen: set[str],
             batch_seen: set[str], out: list[tuple[str, str]]) -> None:
        if not picked:
            return
        child = knobs.apply_all(code, [edits[i] for i in picked])
        h = code_hash(child)
        if h in seen or h in batch_seen:
            return
        batch_seen.add(h)
        out.append((child, " + ".join(edits[i].label for i in picked)))

    def _typed_words(self, code: str, feedback: Feedback | None, history: Sequence[str],
                     edits: Sequence[knobs.Edit], k: int, n_max: int) -> list[list[int]]:
        """A server without log-probs: ``k`` replies in words, each naming the edits of one child."""
        labels = [e.label for e in edits]
        messages = typed_messages(self.problem.title, self.problem.statement, self.problem.maximize,
                                  [kn.describe() for kn in knobs.knobs(code)], feedback, labels,
                                  self.config.domain_hints, history, n_max)
        temperature = self.config.temperature if k > 1 else 0.0
        replies = self.model.chat_batch([messages] * k, max_tokens=24 * n_max + 16, temperature=temperature,
                                        seed=int(self.rng.integers(2**31)))
        out = []
        for reply in replies:
            self._count(reply.prompt_tokens, reply.completion_tokens)
            named = mentioned(reply.text, labels)
            if not named:
                self.slog.parse_failures += 1
                log.info("typed reply names no edit of the menu: %.80r", reply.text)
                continue
            scores = [WORDS_FALLBACK_MISS] * len(labels)
            for rank, i in enumerate(named):
                scores[i] = -0.01 * rank
            out.append(draw_composite(edits, scores, min(n_max, len(named)), 0.0, self.rng))
        return out

    # ------------------------------------------------------------------------ free mode
    def free(self, code: str | None, feedback: Feedback | None, k: int,
             history: Sequence[str] = ()) -> list[tuple[str, str]]:
        messages = free_messages(self.problem.title, self.problem.statement, self.config.language, code,
                                 feedback, self.config.domain_hints, self.problem.maximize, history)
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
