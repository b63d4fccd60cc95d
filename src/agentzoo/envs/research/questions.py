"""Questions with exact answers, their supporting documents and a gold plan.

Types (spec mars.md): ``1hop`` (one fact of one entity), ``2hop`` (a bridge: the founder of a
company, then a fact of that person, or the reverse), ``compute`` (two facts, then arithmetic
in python) and ``scholar`` (a fact of a paper record, or its first author's birthplace).
Every question stores its answer, the ids of its supporting documents and a :class:`Step`
plan (tool, query, purpose, the supporting sentence and the value it gives) from which
:mod:`agentzoo.envs.research.gold` writes gold trajectories. Splits are entity-disjoint
because the world's sub-worlds are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agentzoo.envs.research.documents import Page
from agentzoo.envs.research.entities import SPLITS, World

QTYPES = ("1hop", "2hop", "compute", "scholar")


@dataclass(frozen=True)
class Step:
    """One gold tool call: ``tool(query)`` with a purpose; ``fact`` (a sentence of document
    ``doc_id``) gives ``value``. For ``python``, ``query`` is the code and ``value`` its output."""

    tool: str
    query: str
    purpose: str
    doc_id: str
    fact: str
    value: str


@dataclass(frozen=True)
class Question:
    id: str
    qtype: str
    text: str
    answer: str
    split: str
    support: tuple[str, ...]
    """Doc ids of the supporting documents."""
    entities: tuple[str, ...]
    """Entity ids the question and its answer involve."""
    plan: tuple[Step, ...]


class QuestionBank:
    """Every question the world supports, by split and type."""

    def __init__(self, world: World, pages: list[Page]) -> None:
        self.world = world
        self.page_of = {p.entity_id: p for p in pages}
        self.questions: dict[tuple[str, str], list[Question]] = {(s, t): [] for s in SPLITS for t in QTYPES}
        for split in SPLITS:
            self._enumerate(split)

    # ------------------------------------------------------------------ helpers
    def _fact(self, entity_id: str, relation: str, value: object, tool: str = "search") -> Step:
        page = self.page_of[entity_id]
        name = self.world.name(entity_id)
        purpose = _PURPOSES[relation].format(n=name)
        query = name if tool == "scholar" else f"{name} {_KEYWORDS[relation]}"
        return Step(tool, query, purpose, page.doc_id, page.facts[relation], str(value))

    def _add(self, split: str, qtype: str, text: str, answer: object, plan: list[Step], entities: list[str]) -> None:
        bucket = self.questions[(split, qtype)]
        support = tuple(dict.fromkeys(s.doc_id for s in plan if s.doc_id))
        bucket.append(Question(f"{split}-{qtype}-{len(bucket)}", qtype, text, str(answer), split, support,
                               tuple(dict.fromkeys(entities)), tuple(plan)))

    # ------------------------------------------------------------------ enumeration
    def _enumerate(self, split: str) -> None:
        w = self.world
        people = w.of_kind("person", split, distractors=False)
        companies = w.of_kind("company", split, distractors=False)
        cities = w.of_kind("city", split)
        for p in people:
            city = str(p.attrs["born_in"])
            self._add(split, "1hop", f"Where was {p.name} born?", w.name(city),
                      [self._fact(p.id, "born_in", w.name(city))], [p.id, city])
            self._add(split, "1hop", f"In what year was {p.name} born?", p.attrs["born_year"],
                      [self._fact(p.id, "born_year", p.attrs["born_year"])], [p.id])
        for c in companies:
            founder, hq = str(c.attrs["founded_by"]), str(c.attrs["hq_in"])
            self._add(split, "1hop", f"Who founded {c.name}?", w.name(founder),
                      [self._fact(c.id, "founded_by", w.name(founder))], [c.id, founder])
            self._add(split, "1hop", f"In which city is {c.name} headquartered?", w.name(hq),
                      [self._fact(c.id, "hq_in", w.name(hq))], [c.id, hq])
            self._add(split, "1hop", f"In what year was {c.name} founded?", c.attrs["founded_year"],
                      [self._fact(c.id, "founded_year", c.attrs["founded_year"])], [c.id])
            # 2-hop bridges through the founder
            f = w.entities[founder]
            birth = str(f.attrs["born_in"])
            self._add(split, "2hop", f"In which city was the founder of {c.name} born?", w.name(birth),
                      [self._fact(c.id, "founded_by", f.name), self._fact(f.id, "born_in", w.name(birth))],
                      [c.id, f.id, birth])
            self._add(split, "2hop", f"In what year was the founder of {c.name} born?", f.attrs["born_year"],
                      [self._fact(c.id, "founded_by", f.name), self._fact(f.id, "born_year", f.attrs["born_year"])],
                      [c.id, f.id])
            self._add(split, "2hop", f"In which city is the company founded by {f.name} headquartered?", w.name(hq),
                      [self._fact(f.id, "founded", c.name), self._fact(c.id, "hq_in", w.name(hq))],
                      [f.id, c.id, hq])
            # compute: two facts, then python
            born, year = int(f.attrs["born_year"]), int(c.attrs["founded_year"])  # type: ignore[call-overload]
            code = f"print({year} - {born})"
            self._add(split, "compute", f"How many years after the birth of {f.name} was {c.name} founded?",
                      year - born,
                      [self._fact(f.id, "born_year", born), self._fact(c.id, "founded_year", year),
                       Step("python", code, "compute the difference", "", "", str(year - born))],
                      [f.id, c.id])
        for i, c1 in enumerate(companies):
            for c2 in companies[i + 1 : i + 3]:
                y1, y2 = int(c1.attrs["founded_year"]), int(c2.attrs["founded_year"])  # type: ignore[call-overload]
                code = f"print(abs({y1} - {y2}))"
                self._add(split, "compute", f"How many years apart were {c1.name} and {c2.name} founded?",
                          abs(y1 - y2),
                          [self._fact(c1.id, "founded_year", y1), self._fact(c2.id, "founded_year", y2),
                           Step("python", code, "compute the difference", "", "", str(abs(y1 - y2)))],
                          [c1.id, c2.id])
        for town in cities:
            self._add(split, "1hop", f"What is the population of {town.name}?", town.attrs["population"],
                      [self._fact(town.id, "population", town.attrs["population"])], [town.id])
        for paper in w.of_kind("paper", split):
            t, a = paper.name, paper.attrs
            first = str(a["authored"][0])  # type: ignore[index]
            self._add(split, "scholar", f'How many citations does the paper "{t}" have?', a["citations"],
                      [self._fact(paper.id, "citations", a["citations"], "scholar")], [paper.id])
            self._add(split, "scholar", f'In what year was the paper "{t}" published?', a["year"],
                      [self._fact(paper.id, "year", a["year"], "scholar")], [paper.id])
            self._add(split, "scholar", f'Who is the first author of the paper "{t}"?', w.name(first),
                      [self._fact(paper.id, "first_author", w.name(first), "scholar")], [paper.id, first])
            author = w.entities[first]
            birth = str(author.attrs["born_in"])
            self._add(split, "scholar", f'Where was the first author of the paper "{t}" born?', w.name(birth),
                      [self._fact(paper.id, "first_author", author.name, "scholar"),
                       self._fact(author.id, "born_in", w.name(birth))],
                      [paper.id, author.id, birth])

    # ------------------------------------------------------------------ access
    def all(self, split: str, qtypes: tuple[str, ...] = QTYPES) -> list[Question]:
        for t in qtypes:
            if t not in QTYPES:
                raise ValueError(f"unknown question type {t!r}; allowed: {', '.join(QTYPES)}")
        return [q for t in qtypes for q in self.questions[(split, t)]]

    def sample(self, split: str, qtypes: tuple[str, ...], n: int, rng: np.random.Generator) -> list[Question]:
        """``n`` questions drawn uniformly over types, then uniformly within a type (with
        replacement only when a type has fewer than needed)."""
        pools = [self.questions[(split, t)] for t in qtypes if self.questions[(split, t)]]
        if not pools:
            raise ValueError(f"no {split} questions of types {qtypes}")
        out = []
        for _ in range(n):
            pool = pools[int(rng.integers(len(pools)))]
            out.append(pool[int(rng.integers(len(pool)))])
        return out

    def held_out(self, split: str, qtype: str, n: int, seed: int) -> list[Question]:
        """A fixed evaluation set: the first ``n`` questions of a seeded permutation."""
        from agentzoo.seeding import rng as seeded_rng

        pool = self.questions[(split, qtype)]
        order = seeded_rng(seed, "held-out", split, qtype).permutation(len(pool))
        return [pool[int(i)] for i in order[:n]]


_KEYWORDS = {  # a search engine user's query: the name and a word for the relation
    "born_in": "born", "born_year": "born", "founded": "founder", "founded_by": "founder",
    "founded_year": "founded", "hq_in": "headquarters", "population": "population",
}
_PURPOSES = {
    "born_in": "find where {n} was born",
    "born_year": "find the year {n} was born",
    "founded": "find the company {n} founded",
    "founded_by": "find who founded {n}",
    "founded_year": "find the year {n} was founded",
    "hq_in": "find where {n} is headquartered",
    "population": "find the population of {n}",
    "citations": "find how many citations {n} has",
    "year": "find the year {n} was published",
    "first_author": "find the first author of {n}",
}
