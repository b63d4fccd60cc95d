"""A delegation toy task on the tiny model of :mod:`agentzoo.rl.tiny` (spec: learning sanity).

The answer is visible only to the worker, so the planner can score only by delegating and the
worker only learns if credit reaches it:

* planner prompt ``<bos> p``; its first token is ``k`` (delegate) or, otherwise, its answer;
* a worker gets a fresh context ``<bos> w x <sep>`` holding the secret symbol ``x`` and writes one
  token ``y``, which returns to the planner as context ``y`` (loss mask 0) and is its answer.

(A first version let the planner write its answer after reading ``y``; the planner's answer and
the worker's output then collapsed together onto one constant symbol before the planner learned to
copy, a chicken-and-egg problem of the toy, not of the credit rule, so the planner relays ``y``.)

Reward, as MATPO's: ``0.9·[z = x] + 0.1·0.5·(planner_ok + worker_ok)`` with planner_ok = it
delegated and worker_ok = ``y`` is a symbol. With ``inherit`` both roles learn (reward → 1); with
``planner_only`` the worker gets no gradient, stays random, and delegation pays only by chance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from agentzoo.rl.rollout import Rollout, RolloutTree, Segment
from agentzoo.seeding import stream_key
from agentzoo.systems.matpo.reward import matpo_reward

ALPHABET = "abcdkpw"
"""Symbols a-d, the delegation token k, and the role markers p and w."""


@dataclass(frozen=True)
class DelegationTask:
    """Secrets are drawn from the first ``symbols`` letters."""

    symbols: int = 4

    def __post_init__(self) -> None:
        if not 1 <= self.symbols <= 4:
            raise ValueError("symbols must be in 1..4")

    @staticmethod
    def ids(tokenizer: Any, text: str) -> list[int]:
        return list(tokenizer(text)["input_ids"])

    def sample(self, rng: np.random.Generator, n: int) -> list[str]:
        return [ALPHABET[int(i)] for i in rng.integers(0, self.symbols, n)]

    def rollout(self, engine: Any, secrets: Sequence[str], t: int, group: int) -> list[RolloutTree]:
        """``group`` planner episodes per secret: planner turn, batched workers, planner answer."""
        tok = engine.tokenizer
        bos, sep, delegate = tok.bos_token_id, tok.sep_token_id, self.ids(tok, "k")[0]
        symbols = set(self.ids(tok, ALPHABET[: self.symbols]))
        xs = [x for x in secrets for _ in range(group)]
        planner_prompt = [bos, *self.ids(tok, "p")]
        first = engine.generate([planner_prompt] * len(xs), max_new_tokens=1, temperature=1.0,
                                seeds=[stream_key(t, "planner", i) for i in range(len(xs))])
        spawned = [i for i, g in enumerate(first) if g.ids[0] == delegate]
        worker_prompts = [[bos, *self.ids(tok, "w"), *self.ids(tok, xs[i]), sep] for i in spawned]
        workers = dict(zip(spawned, engine.generate(worker_prompts, max_new_tokens=1, temperature=1.0,
                                                    seeds=[stream_key(t, "worker", i) for i in spawned]), strict=True))
        trees = []
        for i, x in enumerate(xs):
            gid = f"{t}/{i // group}"
            root = Rollout(f"{gid}/{i}", None, gid, "planner",
                           [Segment.context(planner_prompt, "prompt"), Segment.action(first[i].ids, first[i].logprobs, "planner")])
            tree = RolloutTree(root)
            worker_ok: list[bool] = []
            answer = first[i].ids[0]
            if i in workers:
                w = workers[i]
                root.append(Segment.context([w.ids[0]], "observation"))
                tree.add(Rollout(f"{root.id}/w0", root.id, gid, "worker",
                                 [Segment.context(worker_prompts[spawned.index(i)], "prompt"),
                                  Segment.action(w.ids, w.logprobs, "worker")]))
                worker_ok.append(w.ids[0] in symbols)
                answer = w.ids[0]
            tree.set_reward(matpo_reward(float(answer == self.ids(tok, x)[0]), i in workers, worker_ok))
            trees.append(tree)
        return trees
