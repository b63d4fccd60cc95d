"""llm-check: a diagnostic run that checks an LLM backend end to end.

It asks short factual questions (free text, graded by whether the expected word appears),
the same questions as forced choices (``choice_logprobs``, graded by the top option), and
times model loading and generation at batch size 1 and at a larger batch. It is the
first thing ``make demo`` runs: if this works, the model layer works.

    agentzoo run llm-check --model local
    agentzoo run llm-check --model openai:Qwen2.5-7B-Instruct@http://127.0.0.1:8000/v1
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Self

import pandas as pd

from agentzoo.config import SystemConfig, require
from agentzoo.llm import UnsupportedError, load_model, user
from agentzoo.progress import track
from agentzoo.runs import Result
from agentzoo.seeding import rng

log = logging.getLogger(__name__)

# (question, expected answer, distractors): general knowledge, generated here for the check.
QUESTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("What is the capital of France?", "Paris", ("London", "Berlin", "Madrid")),
    ("What is the capital of Italy?", "Rome", ("Paris", "Vienna", "Athens")),
    ("What is the capital of Japan?", "Tokyo", ("Beijing", "Seoul", "Bangkok")),
    ("What is the capital of Germany?", "Berlin", ("Munich", "Paris", "Warsaw")),
    ("What is the capital of Spain?", "Madrid", ("Lisbon", "Rome", "Barcelona")),
    ("What is the largest planet in the solar system?", "Jupiter", ("Mars", "Venus", "Mercury")),
    ("Which animal is known as the king of the jungle?", "lion", ("cat", "dog", "mouse")),
    ("What colour is the sky on a clear day?", "blue", ("green", "red", "yellow")),
    ("What do bees make?", "honey", ("milk", "silk", "wax paper")),
    ("How many legs does a spider have?", "eight", ("six", "four", "ten")),
    ("What is frozen water called?", "ice", ("steam", "sand", "glass")),
    ("Which star is at the centre of our solar system?", "Sun", ("Moon", "Sirius", "Polaris")),
)


@dataclass(frozen=True)
class Config(SystemConfig):
    """Settings of the LLM check."""

    model: str = "local"
    """Model spec: local | local:PATH | openai:MODEL@URL | scripted:NAME."""
    n_questions: int = 6
    """How many of the built-in questions to ask (at most 12)."""
    max_tokens: int = 24
    """Tokens generated per free-text answer."""
    batch_size: int = 6
    """Conversations per call in the batched-throughput measurement."""
    cache: bool = False
    """Use the response cache (off by default so the timings measure the model)."""

    def __post_init__(self) -> None:
        require(1 <= self.n_questions <= len(QUESTIONS), "n_questions", f"must be in 1..{len(QUESTIONS)}")
        require(self.max_tokens >= 1, "max_tokens", "must be >= 1")
        require(self.batch_size >= 1, "batch_size", "must be >= 1")

    @classmethod
    def quick(cls) -> Self:
        return cls()

    @classmethod
    def paper(cls) -> Self:
        return cls(n_questions=len(QUESTIONS), max_tokens=48, batch_size=12)


def run(config: Config) -> Result:
    start = time.perf_counter()
    model = load_model(config.model, cache=config.cache, seed=config.seed)
    load_seconds = time.perf_counter() - start
    order = rng(config.seed, "questions").permutation(len(QUESTIONS))[: config.n_questions]
    chosen = [QUESTIONS[i] for i in order]

    rows = []
    gen_seconds = gen_tokens = 0.0
    choice_failures = 0
    for question, answer, distractors in track(chosen, "llm-check"):
        prompt = [user(f"{question} Answer in one word.")]
        t0 = time.perf_counter()
        reply = model.chat(prompt, max_tokens=config.max_tokens, temperature=0.0, seed=config.seed)
        gen_seconds += time.perf_counter() - t0
        gen_tokens += reply.completion_tokens
        options = [answer, *distractors]
        try:
            scores = model.choice_logprobs([user(question)], options)
            top = options[max(range(len(options)), key=lambda i: scores[i])]
            total = math.log(sum(math.exp(s) for s in scores))
            p_correct = math.exp(scores[0] - total)
        except UnsupportedError as exc:
            log.warning("choice_logprobs unsupported by %s: %s", config.model, exc)
            top, p_correct, choice_failures = "", math.nan, choice_failures + 1
        rows.append({
            "question": question, "expected": answer, "reply": reply.text,
            "qa_correct": answer.lower() in reply.text.lower(), "finish_reason": reply.finish_reason,
            "completion_tokens": reply.completion_tokens, "choice_top": top,
            "choice_correct": top == answer, "p_correct_normalised": p_correct,
        })
    records = pd.DataFrame(rows)

    batch = [[user(f"{q} Answer in one word.")] for q, _, _ in (chosen * config.batch_size)[: config.batch_size]]
    t0 = time.perf_counter()
    replies = model.chat_batch(batch, max_tokens=config.max_tokens, temperature=0.7, seed=config.seed)
    batch_seconds = time.perf_counter() - t0
    batch_tokens = sum(r.completion_tokens for r in replies)

    metrics = {
        "qa_accuracy": float(records["qa_correct"].mean()),
        "choice_accuracy": float(records["choice_correct"].mean()),
        "p_correct_mean": float(records["p_correct_normalised"].mean()),
        "choice_unsupported": choice_failures,
        "load_seconds": load_seconds,
        "tokens_per_second_batch1": gen_tokens / gen_seconds if gen_seconds else math.nan,
        "tokens_per_second_batched": batch_tokens / batch_seconds if batch_seconds else math.nan,
        "batch_size": config.batch_size,
    }
    log.info("llm-check %s: %s", config.model, metrics)
    return Result.create("llm-check", config, metrics, records=records,
                         timings={"load_seconds": load_seconds, "batch_seconds": batch_seconds})
