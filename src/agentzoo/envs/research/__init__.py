"""A synthetic, verifiable research world (used by ``mars`` and ``matpo``).

Invented entities (:mod:`.entities`), web pages and paper records written from their facts
(:mod:`.documents`), questions with exact answers and gold plans (:mod:`.questions`), the
tools ``search``/``open``/``scholar``/``python`` (:mod:`.tools`), the reward
``0.9·EM + 0.1·format`` (:mod:`.reward`) and the gold program (:mod:`.gold`).

>>> from agentzoo.envs.research import ResearchWorld, WorldConfig
>>> rw = ResearchWorld.build(WorldConfig.tiny(), seed=0)
>>> q = rw.questions.all("test", ("1hop",))[0]
>>> rw.oracle(q) == q.answer
True
"""

from __future__ import annotations

from dataclasses import dataclass

from agentzoo.envs.research.documents import Page, approx_tokens, build_pages
from agentzoo.envs.research.entities import SPLITS, Entity, World, WorldConfig, generate
from agentzoo.envs.research.gold import NO_INFO, GoldCall, gold_calls, oracle_answer, summary_for
from agentzoo.envs.research.questions import QTYPES, Question, QuestionBank, Step
from agentzoo.envs.research.reward import exact_match, normalize_answer, reward
from agentzoo.envs.research.tools import ResearchTools, ToolOutput, render_outputs

__all__ = [
    "NO_INFO",
    "QTYPES",
    "SPLITS",
    "Entity",
    "GoldCall",
    "Page",
    "Question",
    "QuestionBank",
    "ResearchTools",
    "ResearchWorld",
    "Step",
    "ToolOutput",
    "World",
    "WorldConfig",
    "approx_tokens",
    "build_pages",
    "exact_match",
    "generate",
    "gold_calls",
    "normalize_answer",
    "oracle_answer",
    "render_outputs",
    "reward",
    "summary_for",
]


@dataclass
class ResearchWorld:
    """A world, its pages, its question bank and its tools, built together from one seed."""

    world: World
    pages: list[Page]
    questions: QuestionBank
    tools: ResearchTools

    @classmethod
    def build(
        cls,
        config: WorldConfig | None = None,
        seed: int = 0,
        *,
        top_k: int = 3,
        page_tokens: tuple[int, int] = (60, 90),
        sandbox_mode: str | None = None,
    ) -> ResearchWorld:
        world = generate(config, seed)
        pages = build_pages(world, page_tokens)
        return cls(world, pages, QuestionBank(world, pages), ResearchTools(pages, top_k=top_k, sandbox_mode=sandbox_mode))

    def oracle(self, question: Question) -> str | None:
        return oracle_answer(question, self.tools)
