"""A seeded generator of invented entities and their relations.

People, cities, companies, institutes and papers, with the relations ``born_in``,
``born_year``, ``founded_by``, ``founded_year``, ``hq_in``, ``population``, ``authored``,
``year``, ``venue`` and ``citations``. Names are built from syllables and filtered against a
list of common words and given names, so no pretraining knowledge helps.

The world is the union of three entity-disjoint sub-worlds, one per split (train, dev,
test): a test question's entities, and its answer, never occur in a training question.
About one entity in three gets a *distractor*: another entity of the same kind sharing part
of its name (a surname, a company stem) but none of its facts.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from agentzoo.seeding import rng as seeded_rng

SPLITS = ("train", "dev", "test")
_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kr", "tr", "st")
_VOWELS = ("a", "e", "i", "o", "u")
_CODAS = ("", "", "n", "r", "s", "l", "x", "k", "v")
OCCUPATIONS = ("engineer", "chemist", "historian", "architect", "economist", "botanist",
               "composer", "geologist", "surgeon", "linguist")
COMPANY_SUFFIXES = ("Labs", "Systems", "Works", "Group", "Dynamics", "Foundry")
VENUES = ("Journal of Applied Quorics", "Annals of Synthetic Tessology", "Proceedings of the Vrendal Symposium",
          "Review of Kestric Studies", "Letters in Morvane Science")
TITLE_WORDS = ("analysis", "dynamics", "theory", "models", "structure", "measurement", "networks",
               "stability", "transport", "synthesis")


@dataclass(frozen=True)
class WorldConfig:
    """Size of the generated world (counts over all splits together)."""

    people: int = 120
    """Invented people (founders, authors, others)."""
    companies: int = 60
    """Companies, each founded by a distinct person."""
    cities: int = 40
    """Cities (birthplaces, headquarters)."""
    papers: int = 80
    """Papers in the scholar corpus."""
    institutes: int = 12
    """Research institutes (page-only entities, more text to search through)."""
    distractor_rate: float = 1 / 3
    """Expected distractors per person or company."""
    split_fractions: tuple[float, float, float] = (0.6, 0.2, 0.2)
    """Share of every entity kind in train, dev and test."""

    def __post_init__(self) -> None:
        for name in ("people", "companies", "cities", "papers", "institutes"):
            if getattr(self, name) < 3:
                raise ValueError(f"world.{name} must be >= 3 (one per split), got {getattr(self, name)}")
        if self.companies > self.people:
            raise ValueError("world.companies must be <= world.people (one founder per company)")
        if not 0 <= self.distractor_rate <= 1:
            raise ValueError("world.distractor_rate must be in [0, 1]")
        if len(self.split_fractions) != 3 or abs(sum(self.split_fractions) - 1) > 1e-9:
            raise ValueError("world.split_fractions must be three shares summing to 1")

    @classmethod
    def tiny(cls) -> WorldConfig:
        """About 30 entities: for quick runs and tests."""
        return cls(people=12, companies=6, cities=6, papers=6, institutes=3)


@dataclass(frozen=True)
class Entity:
    """One invented entity. ``attrs`` holds its relations (entity ids or literal values)."""

    id: str
    kind: str
    """``person``, ``city``, ``company``, ``institute`` or ``paper``."""
    name: str
    split: str
    attrs: dict[str, object] = field(default_factory=dict)
    distractor_of: str | None = None
    """For a distractor: the id of the entity whose name it shares."""


@dataclass(frozen=True)
class World:
    """All entities, by id; built by :func:`generate`."""

    config: WorldConfig
    seed: int
    entities: dict[str, Entity]

    def of_kind(self, kind: str, split: str | None = None, distractors: bool = True) -> list[Entity]:
        return [
            e for e in self.entities.values()
            if e.kind == kind and (split is None or e.split == split) and (distractors or e.distractor_of is None)
        ]

    def name(self, entity_id: str) -> str:
        return self.entities[entity_id].name

    def digest(self) -> str:
        """A hash of every entity and fact: the same seed gives the same digest."""
        payload = json.dumps([asdict(e) for e in self.entities.values()], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


@cache
def common_words() -> frozenset[str]:
    text = resources.files("agentzoo.envs.research").joinpath("common_words.txt").read_text()
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


class _Names:
    """Unique invented names from syllables; never a common word, never reused."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def word(self, syllables: tuple[int, int] = (2, 3)) -> str:
        for _ in range(1000):
            n = int(self.rng.integers(syllables[0], syllables[1] + 1))
            parts = [
                str(self.rng.choice(_ONSETS)) + str(self.rng.choice(_VOWELS)) + (str(self.rng.choice(_CODAS)) if i == n - 1 else "")
                for i in range(n)
            ]
            word = "".join(parts).capitalize()
            if word.lower() not in common_words() and word not in self.used and 4 <= len(word) <= 11:
                self.used.add(word)
                return word
        raise RuntimeError("ran out of invented names; enlarge the syllable tables")


def _split_counts(total: int, fractions: tuple[float, float, float]) -> list[int]:
    counts = [max(1, round(total * f)) for f in fractions]
    counts[0] = max(1, total - counts[1] - counts[2])
    return counts


def generate(config: WorldConfig | None = None, seed: int = 0) -> World:
    """The world of ``seed``: deterministic (same seed, same entities, same facts)."""
    config = config or WorldConfig()
    rng = seeded_rng(seed, "research-world")
    names = _Names(rng)
    entities: dict[str, Entity] = {}

    def add(entity: Entity) -> Entity:
        entities[entity.id] = entity
        return entity

    per_split = {
        kind: _split_counts(getattr(config, attr), config.split_fractions)
        for kind, attr in [("city", "cities"), ("person", "people"), ("company", "companies"),
                           ("institute", "institutes"), ("paper", "papers")]
    }
    for s, split in enumerate(SPLITS):
        cities = [
            add(Entity(f"city-{split}-{i}", "city", names.word((2, 3)), split,
                       {"population": int(rng.integers(100, 9900)) * 100}))
            for i in range(per_split["city"][s])
        ]
        n_people = max(per_split["person"][s], per_split["company"][s])
        people = []
        for i in range(n_people):
            people.append(add(Entity(
                f"person-{split}-{i}", "person", f"{names.word((2, 2))} {names.word((2, 3))}", split,
                {"born_in": cities[int(rng.integers(len(cities)))].id,
                 "born_year": int(rng.integers(1900, 1976)),
                 "occupation": str(rng.choice(OCCUPATIONS))},
            )))
        founders = rng.permutation(len(people))[: per_split["company"][s]]
        for i, p in enumerate(founders):
            founder = people[int(p)]
            add(Entity(
                f"company-{split}-{i}", "company", f"{names.word((2, 3))} {rng.choice(COMPANY_SUFFIXES)}", split,
                {"founded_by": founder.id,
                 "founded_year": int(founder.attrs["born_year"]) + int(rng.integers(21, 55)),  # type: ignore[call-overload]
                 "hq_in": cities[int(rng.integers(len(cities)))].id},
            ))
        for i in range(per_split["institute"][s]):
            add(Entity(
                f"institute-{split}-{i}", "institute", f"{names.word((2, 3))} Institute", split,
                {"hq_in": cities[int(rng.integers(len(cities)))].id, "founded_year": int(rng.integers(1850, 1990))},
            ))
        for i in range(per_split["paper"][s]):
            k = int(rng.integers(1, 4))
            authors = [people[int(j)].id for j in rng.choice(len(people), size=min(k, len(people)), replace=False)]
            words = rng.choice(TITLE_WORDS, size=2, replace=False)
            title = f"{str(words[0]).capitalize()} of {names.word((2, 3))} {words[1]}"
            add(Entity(
                f"paper-{split}-{i}", "paper", title, split,
                {"authored": authors, "year": int(rng.integers(1950, 2020)),
                 "venue": str(rng.choice(VENUES)), "citations": int(rng.integers(0, 3000))},
            ))
        _add_distractors(config, rng, names, entities, split, cities, add)
    return World(config, seed, entities)


def _add_distractors(config, rng, names, entities, split, cities, add) -> None:  # type: ignore[no-untyped-def]
    """Name-sharing entities with different facts (their values never equal the original's)."""
    originals = [e for e in list(entities.values()) if e.split == split and e.kind in ("person", "company")]
    for original in originals:
        if rng.random() >= config.distractor_rate:
            continue
        others = [c.id for c in cities if c.id not in (original.attrs.get("born_in"), original.attrs.get("hq_in"))]
        city = str(rng.choice(others)) if others else cities[0].id
        if original.kind == "person":
            surname = original.name.split(" ", 1)[1]
            year = int(original.attrs["born_year"]) + int(rng.choice([-1, 1])) * int(rng.integers(3, 20))
            add(Entity(
                f"{original.id}-d", "person", f"{names.word((2, 2))} {surname}", split,
                {"born_in": city, "born_year": year, "occupation": str(rng.choice(OCCUPATIONS))},
                distractor_of=original.id,
            ))
        else:
            stem, suffix = original.name.split(" ", 1)
            suffix = str(rng.choice([s for s in COMPANY_SUFFIXES if s != suffix]))
            year = int(original.attrs["founded_year"]) + int(rng.choice([-1, 1])) * int(rng.integers(3, 20))
            add(Entity(
                f"{original.id}-d", "company", f"{stem} {suffix}", split,
                {"founded_year": year, "hq_in": city}, distractor_of=original.id,
            ))
