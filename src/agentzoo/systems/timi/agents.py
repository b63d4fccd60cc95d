"""The four agents (paper): macro analysis A_ma, strategy adaptation A_sa, bot evolution A_be,
feedback reflection A_fr - and how they ask a model.

Agents talk in the paper's envelope ``<msg from="A_ma" to="A_sa"><json>{...}</json></msg>``
(every exchange is kept for the report). With a model that scores options (the embedded
SmolLM2-135M, ``scripted:``), every decision is a forced choice over a typed menu
(``choice_logprobs``: strategy families, slots, which risk event first) and all numbers come
from gamma's calibrators and the LP; with a server model that cannot score, the agent asks
for ``{"choice": ...}`` and parses it. A parse failure is counted and the library default
(the menu's first option) is used.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from agentzoo.llm import ChatModel, LLMError, Message, UnsupportedError, system, user
from agentzoo.llm.parsing import parse_choice, parse_tagged
from agentzoo.systems.timi.features import PairFeatures, class_summary
from agentzoo.systems.timi.strategies import FAMILIES, FAMILY_TEXT, INTRADAY

log = logging.getLogger(__name__)

ROLES = {"A_ma": "semantic", "A_sa": "semantic", "A_sa_gamma": "math", "A_be": "code", "A_fr": "math"}
SYSTEM = ("You are part of TiMi, a rational quantitative trading team. Decide only from the technical "
          "features and backtest numbers given. Answer with one option.")
FAMILY_WORD = {"opening_range": "momentum", "trend": "trend", "breakout": "breakout", "reversion": "reversion",
               "grid": "grid"}
WORD_FAMILY = {v: k for k, v in FAMILY_WORD.items()}
INDICATORS = {"opening_range": ("opening range move", "ATR"), "trend": ("SMA", "EMA", "ATR"),
              "breakout": ("Donchian channel", "ATR"), "reversion": ("RSI", "Bollinger bands"), "grid": ("SMA",)}


def envelope(sender: str, receiver: str, payload: object) -> str:
    """The paper's message format: XML envelope, JSON payload."""
    return f'<msg from="{sender}" to="{receiver}"><json>{json.dumps(payload, sort_keys=True, default=float)}</json></msg>'


def open_envelope(text: str) -> dict[str, object] | None:
    """The JSON payload of the last envelope in ``text`` (None if absent or malformed)."""
    found = parse_tagged(text, "json", last=True)
    if not found.ok:
        return None
    try:
        value = json.loads(found.value)
    except (json.JSONDecodeError, TypeError):
        return None
    return value if isinstance(value, dict) else None


@dataclass(frozen=True)
class Question:
    """One forced choice asked of an agent's model."""

    agent: str
    prompt: str
    options: tuple[str, ...]
    payload: dict[str, object] = field(default_factory=dict)
    default: int = 0


@dataclass(frozen=True)
class Answer:
    index: int
    scores: tuple[float, ...]
    ok: bool

    def ranking(self) -> list[int]:
        return sorted(range(len(self.scores)), key=lambda i: (-self.scores[i], i))


@dataclass
class Agents:
    """The models behind the roles, with counters and the message log."""

    models: dict[str, ChatModel]
    """Role (``semantic``, ``code``, ``math``) -> model."""
    calls: Counter[str] = field(default_factory=Counter)
    parse_failures: Counter[str] = field(default_factory=Counter)
    messages: list[str] = field(default_factory=list)
    forbidden: bool = False
    """Set during deployment: any model call is an error (counted in ``deploy_attempts``)."""
    deploy_attempts: int = 0
    calibrate: bool = False
    """Contextual calibration of forced choices (Zhao et al. 2021): subtract each option's log-prob
    under a content-free prompt, so a small model's prior for short or frequent words (not the
    evidence) does not decide; the prior is scored once per menu."""
    priors: dict[tuple[str, tuple[str, ...]], list[float]] = field(default_factory=dict)

    def _calibrated(self, role: str, qs: list[Question], scores: list[list[float]]) -> list[list[float]]:
        menus = sorted({q.options for q in qs if (role, q.options) not in self.priors})
        if menus:
            neutral = [system(SYSTEM), user("No information is available. Answer with one option.")]
            for menu, prior in zip(menus, self.models[role].choice_logprobs_batch([(neutral, m) for m in menus])):
                self.priors[(role, menu)] = list(prior)
                self.calls["prior"] += 1
        return [[s - p for s, p in zip(sc, self.priors[(role, q.options)])] for q, sc in zip(qs, scores)]

    def model_of(self, agent: str) -> ChatModel:
        return self.models[ROLES[agent]]

    def ask(self, questions: Sequence[Question]) -> list[Answer]:
        """Ask every question (batched per model); never raises for model errors."""
        if self.forbidden:
            self.deploy_attempts += len(questions)
            raise RuntimeError("LLM call during deployment")
        answers: list[Answer | None] = [None] * len(questions)
        by_role: dict[str, list[int]] = {}
        for i, q in enumerate(questions):
            by_role.setdefault(ROLES[q.agent], []).append(i)
        for role, idx in by_role.items():
            model = self.models[role]
            convs = [[system(SYSTEM), user(questions[i].prompt + "\n" + envelope("TiMi", questions[i].agent,
                                                                                 questions[i].payload))] for i in idx]
            try:
                scores = model.choice_logprobs_batch([(c, questions[i].options) for c, i in zip(convs, idx)])
                if self.calibrate:
                    scores = self._calibrated(role, [questions[i] for i in idx], scores)
                for i, s in zip(idx, scores):
                    answers[i] = _pick(questions[i], s)
            except UnsupportedError:
                answers_text = self._ask_text(model, [questions[i] for i in idx], convs)
                for i, a in zip(idx, answers_text):
                    answers[i] = a
            except (LLMError, ValueError) as exc:
                log.warning("%s model failed (%s); library defaults used", role, exc)
                for i in idx:
                    self.parse_failures[questions[i].agent] += 1
                    answers[i] = _default(questions[i])
            for i in idx:
                q = questions[i]
                self.calls[q.agent] += 1
                got = answers[i]
                assert got is not None
                self.messages.append(envelope(q.agent, "TiMi", {"question": q.payload.get("kind", ""),
                                                                 "choice": q.options[got.index], "ok": got.ok}))
        return [a for a in answers if a is not None]

    def _ask_text(self, model: ChatModel, qs: list[Question], convs: list[list[Message]]) -> list[Answer]:
        for q, c in zip(qs, convs):
            c[-1] = user(c[-1]["content"] + f'\nOptions: {", ".join(q.options)}. Reply with JSON {{"choice": "<option>"}}.')
        try:
            replies = model.chat_batch(convs, max_tokens=64, temperature=0.0)
        except LLMError as exc:
            log.warning("model failed (%s); library defaults used", exc)
            replies = []
        out = []
        for k, q in enumerate(qs):
            parsed = parse_choice(replies[k].text, q.options) if k < len(replies) else None
            if parsed is not None and parsed.ok:
                scores = tuple(0.0 if j == parsed.value else -1e9 for j in range(len(q.options)))
                out.append(Answer(int(parsed.value), scores, True))
            else:
                self.parse_failures[q.agent] += 1
                out.append(_default(q))
        return out

    def write_code(self, prompt: str) -> str:
        """A_be in code mode: the model writes the three files (free text)."""
        if self.forbidden:
            self.deploy_attempts += 1
            raise RuntimeError("LLM call during deployment")
        self.calls["A_be"] += 1
        try:
            reply = self.models["code"].chat([system(SYSTEM), user(prompt)], max_tokens=3000, temperature=0.0)
        except LLMError as exc:
            log.warning("code model failed: %s", exc)
            return ""
        return reply.text


def _pick(q: Question, scores: Sequence[float]) -> Answer:
    s = tuple(float(x) if math.isfinite(x) else -1e9 for x in scores)
    best = max(range(len(s)), key=lambda i: (s[i], -i))
    return Answer(best, s, True)


def _default(q: Question) -> Answer:
    return Answer(q.default, tuple(0.0 if i == q.default else -1e9 for i in range(len(q.options))), False)


# ---------------------------------------------------------------------- A_ma
@dataclass(frozen=True)
class StrategySet:
    """A_ma's output: the general strategy set S (families, ranked) and the indicator set I."""

    families: tuple[str, ...]
    indicators: tuple[str, ...]
    scores: tuple[float, ...] = ()


def macro_questions(cls: str, feats: list[PairFeatures], intraday: bool) -> Question:
    allowed = [f for f in FAMILIES if intraday or f not in INTRADAY]
    summary = class_summary(feats)
    text = (f"Asset class {cls}, {len(feats)} instruments, training window averages: daily vol "
            f"{summary['sigma_day']:.3f}, 60m autocorr {summary['acf60']:+.2f}, first hour vs rest of day corr "
            f"{summary['open_rest_corr']:+.2f}. Families: "
            + "; ".join(f"{FAMILY_WORD[f]} ({FAMILY_TEXT[f].split(':')[0]})" for f in allowed)
            + ". Which family fits this market best?")
    return Question("A_ma", text, tuple(FAMILY_WORD[f] for f in allowed),
                    {"kind": "macro", "open_rest_corr": round(summary["open_rest_corr"], 3),
                     "acf60": round(summary["acf60"], 3)})


def strategy_set(answer: Answer, q: Question) -> StrategySet:
    fams = [WORD_FAMILY[q.options[i]] for i in answer.ranking()]
    inds = tuple(dict.fromkeys(x for f in fams[:3] for x in INDICATORS[f]))
    return StrategySet(tuple(fams), inds, answer.scores)


# ---------------------------------------------------------------------- A_sa (phi)
def semantic_question(f: PairFeatures, evidence: dict[str, dict[str, float]], candidates: list[str]) -> Question:
    """phi(S, p): rank the candidate families for pair p from their historical (train) performance."""
    rows = "; ".join(f"{FAMILY_WORD[c]}: Sharpe {evidence[c]['sharpe']:+.1f}, "
                     f"{evidence[c]['trades_per_day']:.1f} trades/day" for c in candidates)
    text = (f"{f.pair}: daily vol {f.sigma_day:.3f}, first hour vs rest of day corr {f.open_rest_corr:+.2f}, "
            f"60m autocorr {f.acf60:+.2f}. Training results after costs: {rows}. Which family should trade it?")
    return Question("A_sa", text, tuple(FAMILY_WORD[c] for c in candidates),
                    {"kind": "semantic", "sharpe": {c: round(evidence[c]["sharpe"], 3) for c in candidates},
                     "open_rest_corr": round(f.open_rest_corr, 3)})


# ---------------------------------------------------------------------- A_be (slots)
EXIT_OPTIONS = ("stop", "target", "both", "signal")
"""Exit styles: ATR stop, take-profit, both, or the strategy's own exit signal only."""


def slot_question(pair: str, family: str, f: PairFeatures) -> Question:
    text = (f"Bot for {pair}, family {FAMILY_WORD[family]}. Daily vol {f.sigma_day:.4f}, ATR/price {f.atr_rel:.5f}. "
            "Exit style: stop (ATR stop loss), target (take profit), both, or signal (exit on the strategy signal only)?")
    return Question("A_be", text, EXIT_OPTIONS, {"kind": "slots", "pair": pair, "family": family})


def entry_question(pair: str, family: str, variants: Sequence[str]) -> Question:
    return Question("A_be", f"Bot for {pair}, family {FAMILY_WORD[family]}: which entry rule?", tuple(variants),
                    {"kind": "entry", "pair": pair, "family": family})


# ---------------------------------------------------------------------- A_fr
def priority_question(pair: str, kinds: Sequence[str], details: Sequence[str]) -> Question:
    text = f"Validation of {pair} found risk events: " + "; ".join(details) + ". Which risk should be fixed first?"
    return Question("A_fr", text, tuple(k.replace("_", " ") for k in kinds), {"kind": "priority", "pair": pair,
                                                                              "events": list(kinds)})


def function_edit_question(pair: str, options: Sequence[str], details: Sequence[str]) -> Question:
    text = (f"The parameter layer of {pair}'s bot cannot satisfy its limits ({'; '.join(details)}). "
            "Which function-layer change should A_be make?")
    return Question("A_fr", text, tuple(options), {"kind": "function_edit", "pair": pair})


def text_edit_question(pair: str, options: Sequence[str], details: Sequence[str]) -> Question:
    text = f"Risk events of {pair}: {'; '.join(details)}. Which parameter change should be made?"
    return Question("A_fr", text, tuple(options), {"kind": "text_edit", "pair": pair})


# ---------------------------------------------------------------------- scripted:timi
def _scripted_score(messages: Sequence[Message], options: Sequence[str]) -> list[float]:
    """Rule-based stand-in for tests and the reference run (never a result by itself)."""
    payload = open_envelope(messages[-1]["content"]) or {}
    kind = payload.get("kind")
    prefs: list[str] = []
    if kind == "macro":
        if float(payload.get("open_rest_corr", 0)) > 0.05:  # type: ignore[arg-type]
            prefs = ["momentum", "trend", "breakout"]
        elif float(payload.get("acf60", 0)) < -0.05:  # type: ignore[arg-type]
            prefs = ["reversion", "grid"]
        else:
            prefs = ["trend", "breakout", "momentum"]
    elif kind == "semantic":
        ev = payload.get("sharpe", {})
        assert isinstance(ev, dict)
        prefs = [FAMILY_WORD[c] for c in sorted(ev, key=lambda c: -float(ev[c]))]
        if "opening_range" in ev and float(payload.get("open_rest_corr", 0)) > 0.1:  # type: ignore[arg-type]
            prefs.insert(0, "momentum")  # the opening move predicts the day: momentum first
    elif kind == "slots":
        prefs = ["signal"] if payload.get("family") == "opening_range" else ["stop"]
    out = [0.0] * len(options)
    for rank, word in enumerate(prefs):
        if word in options:
            out[options.index(word)] = 10.0 - rank
    return [o - 0.01 * i for i, o in enumerate(out)]  # ties: the first option


def register_scripted() -> None:
    from agentzoo.llm import scripted

    scripted.register("timi", lambda messages: "", _scripted_score,
                      description="TiMi rules: opening-move correlation -> momentum, best train Sharpe first")


CODE_BLOCK = re.compile(r"<(params\.json|functions\.py|strategy\.py)>\s*(.*?)\s*</\1>", re.DOTALL)


def parse_code_reply(text: str) -> dict[str, str]:
    """The three files from a code-mode reply (``<strategy.py>...</strategy.py>`` blocks)."""
    return {m.group(1): m.group(2).strip("`\n") + "\n" for m in CODE_BLOCK.finditer(text or "")}
