"""Imitative Strategy Diffusion (MA): n agents play a threshold game and see each other.

With c collective choosers out of n and threshold k: if c >= k every agent's capital is
multiplied by ``high``; otherwise collective choosers' by ``low`` and independent choosers' by
``normal`` (authors' ``investment_environment.py``). Capital starts at ``start`` and compounds;
the reward an agent is shown is its capital delta. After each round every agent's history
gets four messages: the question, its own answer, the others' final choices (index order,
never itself; omitted in ``no_peers``) and the outcome. Unparseable answers count as
independent in the game and as parse failures in the metrics.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from agentzoo.llm import Message, system, user
from agentzoo.llm.base import assistant
from agentzoo.systems.atp.decide import Decider, Decision, canonical_answer
from agentzoo.systems.atp.items import MAGame

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    collective: int
    """c: agents that chose the collective option."""
    success: bool
    capitals: tuple[float, ...]
    deltas: tuple[float, ...]


def play_round(collective: Sequence[bool], k: int, factors: tuple[float, float, float],
               capitals: Sequence[float]) -> Outcome:
    """One round of the threshold game (factors = (high, normal, low))."""
    high, normal, low = factors
    c = sum(bool(x) for x in collective)
    success = c >= k
    new = [cap * (high if success else (low if is_c else normal)) for cap, is_c in zip(capitals, collective, strict=True)]
    return Outcome(c, success, tuple(new), tuple(round(n - o, 10) for n, o in zip(new, capitals, strict=True)))


def others_message(agent: int, labels: Sequence[str], raw: Sequence[str] | None = None) -> str:
    """'Other agents' decisions: Agent j final choice: X; ...' for every j != agent, in index order."""
    if raw is not None:
        parts = [f"Agent {j + 1} answered: {raw[j]}" for j in range(len(labels)) if j != agent]
    else:
        parts = [f"Agent {j + 1} final choice: {labels[j]}" for j in range(len(labels)) if j != agent]
    return "Other agents' decisions: " + "; ".join(parts)


def outcome_message(outcome: Outcome, n: int, factors: tuple[float, float, float], delta: float) -> str:
    high, normal, low = factors
    share = round(100 * outcome.collective / n)
    if outcome.success:
        text = f"The threshold was reached, so every agent's capital was multiplied by {high:g}"
    else:
        text = (f"The threshold was not reached, so collective choosers' capital was multiplied by {low:g} "
                f"and independent choosers' by {normal:g}")
    return f"Outcome: Collective choices {outcome.collective}/{n} ({share}%). {text}. Your reward (delta): {round(delta, 4):g}"


def _label(options: tuple[str, str], choice: int | None) -> str:
    return "unclear" if choice is None else options[choice]


@dataclass(frozen=True)
class MAArm:
    name: str
    peers: bool = True
    fixed_collective: int = 0


def arms_for(names: Sequence[str], fixed: int) -> list[MAArm]:
    table = {"grid": MAArm("grid"), "no_peers": MAArm("no_peers", peers=False),
             "seeded": MAArm("seeded", fixed_collective=fixed)}
    return [table[n] for n in names]


def play_game(game: MAGame, game_index: int, arm: MAArm, decider: Decider, *, n: int, k: int,
              factors: tuple[float, float, float], rounds: int, window: int, start: float,
              reward_mode: str = "multiplicative", peer_history: str = "final_only",
              model_label: str = "model") -> pd.DataFrame:
    """Play one game; one row per (agent, round)."""
    sys_prompt = game.system_prompt(n, k, factors, start)
    options = (game.independent, game.collective)  # canonical: rule-following first, deviation second
    capitals = [start] * n
    history: list[list[list[Message]]] = [[] for _ in range(n)]  # per agent, per round: its messages
    fixed = set(range(n - arm.fixed_collective, n))
    rows = []
    for r in range(rounds):
        q = game.round_question(n, k, factors, start, reward_mode)  # type: ignore[arg-type]
        deciding = [i for i in range(n) if i not in fixed]
        conversations = [[system(sys_prompt), *[m for past in history[i][-window:] for m in past], user(q)]
                         if window > 0 else [system(sys_prompt), user(q)] for i in deciding]
        made = decider.decide(conversations, [options] * len(deciding),
                              [(model_label, arm.name, game_index, k, factors, i, r) for i in deciding])
        decisions: dict[int, Decision] = dict(zip(deciding, made, strict=True))
        for i in fixed:
            decisions[i] = Decision(1, canonical_answer(game.collective), 1.0, 1.0)
        collective = [decisions[i].choice == 1 for i in range(n)]
        outcome = play_round(collective, k, factors, capitals)
        labels = [_label(options, decisions[i].choice) for i in range(n)]
        raw = [decisions[i].answer for i in range(n)] if peer_history == "full" else None
        for i in range(n):
            messages: list[Message] = [user(q), assistant(decisions[i].answer)]
            if arm.peers:
                messages.append(user(others_message(i, labels, raw)))
            messages.append(user(outcome_message(outcome, n, factors, outcome.deltas[i])))
            history[i].append(messages)
            rows.append({
                "paradigm": "ma", "arm": arm.name, "model": model_label, "game": game.environment,
                "game_index": game_index, "k": k, "factors": "/".join(f"{f:g}" for f in factors), "agent": i,
                "fixed": i in fixed, "round": r, "choice": decisions[i].choice,
                "collective": float(collective[i]) if decisions[i].choice is not None else float("nan"),
                "parsed": decisions[i].choice is not None, "p_collective": decisions[i].p_deviate,
                "delta": outcome.deltas[i], "capital": outcome.capitals[i], "success": outcome.success,
                "collective_count": outcome.collective,
            })
        capitals = list(outcome.capitals)
    log.debug("MA %s/%s %s k=%d done", model_label, arm.name, game.environment, k)
    return pd.DataFrame(rows)
