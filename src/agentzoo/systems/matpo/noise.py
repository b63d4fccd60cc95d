"""Noisy tools: the research world's search with spoiled results (the paper's robustness claim).

MATPO's paper reports that the planner+worker split is more robust to noisy tool outputs, because
bulky and misleading results stay in the worker's context. :class:`NoisyTools` perturbs each
search result independently with probability ``level``, in one of three ways:

* ``swap`` — the result is replaced by a distractor page: preferably one whose title shares a word
  with the query (a name-sharing entity, as the world's own distractors), else any other page;
* ``truncate`` — only the first third of the page's words remain;
* ``corrupt`` — half of the page's words are replaced by random letters of the same length.

Truncated and corrupted results keep their doc id, so ``open(doc_id)`` still shows the clean page;
``open`` and ``python`` are never perturbed. The draw for a result depends on the run seed, the
question, the query, how many times this rollout already sent that query, and the rank, so every
arm meets the same noise on the same first search and a repeated search draws afresh.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from agentzoo.envs.research import ResearchTools, ToolOutput
from agentzoo.seeding import rng


@dataclass
class NoisyTools:
    """``search`` with perturbed results; ``open`` and ``python`` pass through."""

    tools: ResearchTools
    level: float = 0.0
    """Probability that each search result is perturbed."""
    kinds: tuple[str, ...] = ("swap", "truncate", "corrupt")
    seed: int = 0
    perturbed: Counter[str] = field(default_factory=Counter)
    """Perturbed results so far, by kind."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.level <= 1.0:
            raise ValueError(f"noise level must be in [0, 1], got {self.level}")
        unknown = set(self.kinds) - {"swap", "truncate", "corrupt"}
        if unknown or not self.kinds:
            raise ValueError(f"noise kinds must be among swap, truncate, corrupt, got {self.kinds}")

    @cached_property
    def _web(self) -> list[str]:
        return sorted(d for d, p in self.tools.pages.items() if p.kind == "page")

    def search(self, query: str, key: Sequence[object] = ()) -> list[ToolOutput]:
        outputs = self.tools.search(query)
        if self.level <= 0.0:
            return outputs
        shown = {o.doc_id for o in outputs}
        out = []
        for rank, output in enumerate(outputs):
            g = rng(self.seed, "tool-noise", *key, query, rank)
            if g.random() >= self.level:
                out.append(output)
                continue
            kind = self.kinds[int(g.integers(len(self.kinds)))]
            self.perturbed[kind] += 1
            if kind == "swap":
                doc_id = self._distractor(query, shown, g)
                shown.add(doc_id)
                page = self.tools.pages[doc_id]
                out.append(ToolOutput(page.doc_id, page.title, page.text))
            elif kind == "truncate":
                words = output.text.split()
                out.append(ToolOutput(output.doc_id, output.title, " ".join(words[: max(1, len(words) // 3)])
                                      + " [truncated]"))
            else:
                out.append(ToolOutput(output.doc_id, output.title, _garble(output.text, g)))
        return out

    def _distractor(self, query: str, shown: set[str], g: np.random.Generator) -> str:
        words = {w.lower() for w in query.split() if len(w) > 3}
        candidates = [d for d in self._web if d not in shown]
        if not candidates:
            return sorted(shown)[0]
        near = [d for d in candidates if words & {w.lower() for w in self.tools.pages[d].title.split()}]
        pool = near or candidates
        return pool[int(g.integers(len(pool)))]

    def open(self, doc_id: str) -> ToolOutput | None:
        return self.tools.open(doc_id)

    def python(self, code: str) -> str:
        return self.tools.python(code)


def _garble(text: str, g: np.random.Generator) -> str:
    """Half of the words (chosen at random) replaced by random lowercase letters of the same length."""
    words = text.split()
    hit = g.random(len(words)) < 0.5
    letters = "abcdefghijklmnopqrstuvwxyz"
    return " ".join(
        "".join(letters[int(i)] for i in g.integers(0, 26, len(w))) if h else w for w, h in zip(words, hit, strict=True)
    )
