"""Pages and paper records written from the world's facts.

Every person, company, city and institute gets one web page: 3–6 fact sentences, each
written with one of several paraphrase templates, padded with boilerplate lines (navigation,
edit notes, "see also") up to a length drawn from ``page_tokens``, so that one fact sentence
is only about a fifth of a search result. Every paper gets a scholar record (title, authors,
year, venue, citations and a generated abstract). ``Page.facts`` maps a relation to the exact
sentence that states it, which is how the gold program and the tests find support.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from agentzoo.envs.research.entities import World
from agentzoo.seeding import rng as seeded_rng


def approx_tokens(text: str) -> int:
    """A tokenizer-free length estimate (about 3.6 characters per token for these pages;
    measured against SmolLM2's tokenizer in tests/envs/research)."""
    return max(1, round(len(text) / 3.6))


@dataclass(frozen=True)
class Page:
    """A searchable document."""

    doc_id: str
    title: str
    text: str
    entity_id: str
    kind: str
    """``page`` (web search) or ``paper`` (scholar)."""
    facts: dict[str, str] = field(default_factory=dict)
    """Relation name -> the sentence of ``text`` that states it."""


_PERSON = {
    "born_in": ("{n} was born in {v}.", "{n} is a native of {v}.", "The birthplace of {n} is {v}."),
    "born_year": ("{n} was born in the year {v}.", "The birth year of {n} is {v}.", "Records list {v} as the year {n} was born."),
    "occupation": ("{n} worked as a {v}.", "By profession, {n} was a {v}."),
    "founded": ("{n} founded {v}.", "{n} is the founder of {v}."),
    "authored": ('{n} wrote the paper "{v}".',),
}
_COMPANY = {
    "founded_by": ("{n} was founded by {v}.", "The founder of {n} is {v}."),
    "founded_year": ("{n} was founded in the year {v}.", "{n} has existed since {v}."),
    "hq_in": ("{n} is headquartered in {v}.", "The headquarters of {n} are in {v}."),
    "private": ("{n} is a privately held firm.",),
}
_CITY = {
    "population": ("The population of {n} is {v}.", "{n} has a population of {v}."),
    "kind": ("{n} is a city with a river port.", "{n} is a city known for its markets."),
}
_INSTITUTE = {
    "hq_in": ("{n} is located in {v}.", "The campus of {n} is in {v}."),
    "founded_year": ("{n} was established in {v}.",),
}
_BOILERPLATE = (
    "Navigation: Main page | Contents | Random article | Help.",
    "This article is a stub. You can help by expanding it.",
    "Last edited on 12 March. Text is available under an open licence.",
    "See also: List of {kind}s | Index of topics.",
    "References: archived copy, retrieved from the city library.",
    "Categories: {Kind}s | Articles with short descriptions.",
    "Jump to search. From the free encyclopedia.",
    "Tools: What links here | Related changes | Cite this page.",
)
_ABSTRACT = (
    "We study {w} in detail and report new measurements.",
    "Our results extend earlier work on {w}.",
    "The method is evaluated on three datasets.",
    "We discuss limitations and future directions.",
    "Code and data are available from the authors.",
)


def _pick(rng: np.random.Generator, options: tuple[str, ...], n: str, v: object) -> str:
    return str(rng.choice(options)).format(n=n, v=v)


def build_pages(world: World, page_tokens: tuple[int, int] = (60, 90)) -> list[Page]:
    """All web pages and paper records of ``world`` (deterministic for the world's seed)."""
    lo, hi = page_tokens
    if not 1 <= lo <= hi:
        raise ValueError(f"page_tokens must satisfy 1 <= lo <= hi, got {page_tokens}")
    rng = seeded_rng(world.seed, "research-pages")
    founded = {e.attrs["founded_by"]: e.name for e in world.of_kind("company") if "founded_by" in e.attrs}
    authored: dict[str, list[str]] = {}
    for paper in world.of_kind("paper"):
        for author in paper.attrs["authored"]:  # type: ignore[attr-defined]
            authored.setdefault(str(author), []).append(paper.name)
    pages: list[Page] = []
    for entity in world.entities.values():
        n, a = entity.name, entity.attrs
        facts: dict[str, str] = {}
        if entity.kind == "person":
            facts["born_in"] = _pick(rng, _PERSON["born_in"], n, world.name(str(a["born_in"])))
            facts["born_year"] = _pick(rng, _PERSON["born_year"], n, a["born_year"])
            facts["occupation"] = _pick(rng, _PERSON["occupation"], n, a["occupation"])
            if entity.id in founded:
                facts["founded"] = _pick(rng, _PERSON["founded"], n, founded[entity.id])
            if authored.get(entity.id):
                facts["authored"] = _pick(rng, _PERSON["authored"], n, authored[entity.id][0])
        elif entity.kind == "company":
            if "founded_by" in a:
                facts["founded_by"] = _pick(rng, _COMPANY["founded_by"], n, world.name(str(a["founded_by"])))
            else:
                facts["private"] = _pick(rng, _COMPANY["private"], n, "")
            facts["founded_year"] = _pick(rng, _COMPANY["founded_year"], n, a["founded_year"])
            facts["hq_in"] = _pick(rng, _COMPANY["hq_in"], n, world.name(str(a["hq_in"])))
        elif entity.kind == "city":
            facts["population"] = _pick(rng, _CITY["population"], n, a["population"])
            facts["kind"] = _pick(rng, _CITY["kind"], n, "")
        elif entity.kind == "institute":
            facts["hq_in"] = _pick(rng, _INSTITUTE["hq_in"], n, world.name(str(a["hq_in"])))
            facts["founded_year"] = _pick(rng, _INSTITUTE["founded_year"], n, a["founded_year"])
        elif entity.kind == "paper":
            pages.append(_paper_record(world, entity.id, rng, lo, hi))
            continue
        pages.append(_page(entity.id, n, entity.kind, facts, rng, lo, hi))
    order = seeded_rng(world.seed, "research-doc-ids").permutation(len(pages))
    renamed = []
    for number, i in enumerate(order):
        page = pages[int(i)]
        prefix = "p" if page.kind == "paper" else "d"
        renamed.append(Page(f"{prefix}{number:03d}", page.title, page.text, page.entity_id, page.kind, page.facts))
    return sorted(renamed, key=lambda p: p.doc_id)


def _pad(lines: list[str], extra: list[str], target: int) -> str:
    text = " ".join(lines)
    for line in extra:
        if approx_tokens(text) >= target:
            break
        text = f"{text} {line}"
    return text


def _page(entity_id: str, name: str, kind: str, facts: dict[str, str], rng: np.random.Generator, lo: int, hi: int) -> Page:
    target = int(rng.integers(lo, hi + 1))
    sentences = list(facts.values())
    order = rng.permutation(len(sentences))
    body = [sentences[int(i)] for i in order]
    boiler = [b.format(kind=kind, Kind=kind.capitalize()) for b in rng.permutation(_BOILERPLATE)]
    head, tail = boiler[:1], boiler[1:]
    text = _pad(head + body, tail, target)
    return Page("", name, text, entity_id, "page", dict(facts))


def _paper_record(world: World, paper_id: str, rng: np.random.Generator, lo: int, hi: int) -> Page:
    paper = world.entities[paper_id]
    title, a = paper.name, paper.attrs
    authors = [world.name(str(x)) for x in a["authored"]]  # type: ignore[attr-defined]
    facts = {
        "first_author": f'The first author of "{title}" is {authors[0]}.',
        "year": f'"{title}" was published in {a["year"]}.',
        "citations": f'"{title}" has been cited {a["citations"]} times.',
        "venue": f'"{title}" appeared in {a["venue"]}.',
    }
    header = [f"Title: {title}.", f"Authors: {', '.join(authors)}."]
    body = [facts[k] for k in rng.permutation(list(facts))]
    word = title.split()[-1]
    abstract = ["Abstract: " + _ABSTRACT[0].format(w=word)] + [s.format(w=word) for s in _ABSTRACT[1:]]
    text = _pad(header + body, abstract, int(rng.integers(lo, hi + 1)))
    return Page("", title, text, paper_id, "paper", facts)
