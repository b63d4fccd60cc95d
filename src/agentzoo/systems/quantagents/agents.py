"""The four agents and how they talk to their models.

Otto (manager), Bob (simulated-trading analyst), Dave (risk-control analyst) and Emily (market-news
analyst) share one interface, :class:`Agent`:

* ``choice`` mode (the embedded 135M model): the agent picks among typed options by summed option
  log-probabilities (``choice_logprobs``); options are single letters so no option is favoured by
  its length; every number in the prompt comes from the tools;
* ``text`` mode (``openai:`` servers): the agent answers in JSON matching its record; one repair retry,
  then the record falls back to a safe default with ``parse_failed=True``, counted.

``scripted:quantagents`` registers deterministic role rules for tests: Emily labels by the
lexicon, Bob names the regime from volatility, Otto adopts Bob's best-ranked candidate unless the
risk score is above the threshold, and cuts exposure in a risk alert.
"""

from __future__ import annotations

import json
import logging
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from agentzoo.llm import ChatModel, LLMError, assistant, system, user
from agentzoo.llm import scripted as scripted_llm
from agentzoo.llm.base import Conversation
from agentzoo.llm.parsing import parse_json

log = logging.getLogger(__name__)
T = TypeVar("T")
LETTERS = "ABCDEFGHIJ"
PERSONAS = {
    "otto": "You are Otto, the manager of an equity fund. You make the final decisions, allocate the budget, "
            "approve strategies and act on risk alerts.",
    "bob": "You are Bob, the simulated-trading analyst. You test strategies in a simulated market before any "
           "capital is committed.",
    "dave": "You are Dave, the risk-control analyst. You watch beta, liquidity, sector exposure and volatility.",
    "emily": "You are Emily, the market-news analyst. You read the news and judge its sentiment.",
}
LABELS = ("positive", "neutral", "negative")
ANSWER_PREFIX = "Answer:"
"""The reply starts with this; each option continues it as " A", " B", ... A prefix ending in a space
followed by a bare letter splits the tokens unnaturally: SmolLM2 then gives every letter a log-prob near
-10 and its choice is noise (measured: -9.8 vs -1.5 for the same option)."""


def letter_options(n: int) -> list[str]:
    """The forced-choice options " A" ... for ``n`` options (a leading space, as the letter follows "Answer:")."""
    return [f" {letter}" for letter in LETTERS[:n]]


@dataclass
class RoleStats:
    """LLM usage of one role."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    parse_failures: int = 0
    seconds: float = 0.0
    """Wall time spent waiting for the model."""


@dataclass
class Agent:
    """One role bound to a model and a decision mode."""

    role: str
    model: ChatModel
    mode: str = "choice"
    """``choice`` (forced choice over options) or ``text`` (JSON parsed into records)."""
    stats: RoleStats = field(default_factory=RoleStats)

    def messages(self, prompt: str) -> list[Any]:
        return [system(PERSONAS[self.role]), user(prompt)]

    def choose(self, prompt: str, n_options: int) -> tuple[int | None, str]:
        """The index of the option the model prefers among the first ``n_options`` letters (None on failure)."""
        options = letter_options(n_options)
        self.stats.calls += 1
        start = time.perf_counter()
        try:
            scores = self.model.choice_logprobs(self.messages(prompt), options, prefix=ANSWER_PREFIX)
        except (LLMError, ValueError) as exc:
            self.stats.parse_failures += 1
            log.warning("%s: forced choice failed: %s", self.role, exc)
            return None, f"error: {exc}"
        finally:
            self.stats.seconds += time.perf_counter() - start
        if len(scores) != n_options or not all(math.isfinite(s) for s in scores):
            self.stats.parse_failures += 1
            return None, f"malformed scores {scores!r}"
        best = max(range(n_options), key=lambda i: scores[i])
        return best, f"choice {options[best].strip()} (log-probs {', '.join(f'{s:.2f}' for s in scores)})"

    def choose_batch(self, prompts: Sequence[str], n_options: int) -> list[int | None]:
        """One forced choice per prompt, in one batched call."""
        if not prompts:
            return []
        options = letter_options(n_options)
        self.stats.calls += len(prompts)
        start = time.perf_counter()
        try:
            rows = self.model.choice_logprobs_batch([(self.messages(p), options) for p in prompts], prefix=ANSWER_PREFIX)
        except (LLMError, ValueError) as exc:
            self.stats.parse_failures += len(prompts)
            log.warning("%s: forced choice failed: %s", self.role, exc)
            return [None] * len(prompts)
        finally:
            self.stats.seconds += time.perf_counter() - start
        out: list[int | None] = []
        for scores in rows:
            if len(scores) != n_options or not all(math.isfinite(s) for s in scores):
                self.stats.parse_failures += 1
                out.append(None)
            else:
                out.append(max(range(n_options), key=lambda i: scores[i]))
        return out

    def write(self, prompt: str, max_tokens: int) -> str:
        """Free text (a short report); an error gives empty text and a counted failure."""
        self.stats.calls += 1
        start = time.perf_counter()
        try:
            reply = self.model.chat(self.messages(prompt), max_tokens=max_tokens, temperature=0.0)
        except LLMError as exc:
            self.stats.parse_failures += 1
            log.warning("%s: generation failed: %s", self.role, exc)
            return ""
        finally:
            self.stats.seconds += time.perf_counter() - start
        self.stats.prompt_tokens += reply.prompt_tokens
        self.stats.completion_tokens += reply.completion_tokens
        return reply.text.strip()

    def ask_json(self, prompt: str, read: Callable[[dict[str, Any]], T | None], max_tokens: int = 384) -> tuple[T | None, str]:
        """JSON answer read by ``read`` (None = does not match the schema); one repair retry, then None."""
        conversation: list[Any] = self.messages(prompt + "\nReply with one JSON object only.")
        raw = ""
        for attempt in range(2):
            self.stats.calls += 1
            start = time.perf_counter()
            try:
                reply = self.model.chat(conversation, max_tokens=max_tokens, temperature=0.0)
            except LLMError as exc:
                log.warning("%s: request failed: %s", self.role, exc)
                raw = f"error: {exc}"
                break
            finally:
                self.stats.seconds += time.perf_counter() - start
            self.stats.prompt_tokens += reply.prompt_tokens
            self.stats.completion_tokens += reply.completion_tokens
            raw = reply.text
            parsed = parse_json(raw)
            value = None
            if parsed.ok:
                try:
                    value = read(parsed.value)
                except (KeyError, TypeError, ValueError, IndexError):
                    value = None
            if value is not None:
                return value, raw
            if attempt == 0:
                conversation = [*conversation, assistant(raw),
                                user("That was not a JSON object with the requested fields. Reply with the JSON only.")]
        self.stats.parse_failures += 1
        return None, raw


def header(meeting: str, role: str, task: str) -> str:
    return f"[meeting: {meeting} | role: {role} | task: {task}]"


# ---------------------------------------------------------------------- scripted role rules (tests)
_R_LINE = re.compile(r"Risk score R = ([0-9.]+) \(alert threshold ([0-9.]+)\)")
_VOL_LINE = re.compile(r"market volatility ([0-9.]+)%")
_OPTION = re.compile(r"^([A-J])\) ([a-z_]+)", re.MULTILINE)


def _task(messages: Conversation) -> tuple[str, str]:
    text = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    found = re.search(r"task: (\w+)\]", text)
    return (found.group(1) if found else ""), text


def _scripted_letter(messages: Conversation) -> str:
    """The letter the scripted rules pick for a forced-choice prompt."""
    task, text = _task(messages)
    options = dict((name, letter) for letter, name in _OPTION.findall(text))
    if task == "label":
        from agentzoo.systems.quantagents.tools import SentimentAnalyzer

        headline = text.rsplit("Headline: ", 1)[-1].split("\n")[0]
        tau = SentimentAnalyzer.lexicon_tau(headline)
        return "A" if tau > 0.1 else ("C" if tau < -0.1 else "B")
    if task == "regime":
        vol = float(_VOL_LINE.search(text).group(1)) if _VOL_LINE.search(text) else 0.0  # type: ignore[union-attr]
        return "A" if vol < 20 else ("B" if vol < 35 else "C")
    if task == "alert":
        return options.get("reduce_exposure", "A")
    risk = _R_LINE.search(text)
    if risk and float(risk.group(1)) > float(risk.group(2)) and "reduce_exposure" in options:
        return options["reduce_exposure"]
    return "A"  # Bob's ranking puts the best simulated Sharpe first


def _scripted_respond(messages: Conversation) -> str:
    task, text = _task(messages)
    wants_json = "JSON" in text
    if not wants_json:
        return "Sentiment is mixed; the tools' numbers are in the table." if task == "report" else _scripted_letter(messages)
    if task == "report":
        return json.dumps({"regime_view": "calm", "risks": [], "text": "Sentiment is mixed.", "labels": {}})
    if task == "propose":  # every listed family with its default parameters
        families = re.findall(r"^- (\w+):", text, re.MULTILINE)
        return json.dumps({"proposals": [{"family": f, "params": {}, "rationale": "rule"} for f in families]})
    letter = _scripted_letter(messages)
    options = {letter_: name for letter_, name in _OPTION.findall(text)}
    return json.dumps({"choice": options.get(letter, "hold"), "action": options.get(letter, "hold"), "rationale": "rule"})


def _scripted_score(messages: Conversation, options: Sequence[str]) -> list[float]:
    letter = _scripted_letter(messages)
    return [0.0 if o.strip() == letter else math.log(1e-4) for o in options]


def register_scripted() -> None:
    """Make ``scripted:quantagents`` available (idempotent)."""
    scripted_llm.register("quantagents", _scripted_respond, _scripted_score,
                          description="QuantAgents role rules: lexicon sentiment, best simulated Sharpe, de-risk on alerts")


register_scripted()
