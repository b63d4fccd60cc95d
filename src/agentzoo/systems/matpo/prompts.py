"""Role prompts (ours; the authors' are tied to their MCP tool format) and the tag protocol.

One tag protocol for every role (the spec's pitfall: mixed formats make parse failures that look
like learning failures):

* planner: ``<subtask>what to find</subtask>`` delegates to a worker (the authors' agent-type
  tool ``browsing_agent(subtask)``); ``<answer>...</answer>`` ends the episode. A worker's
  return comes back as ``<result>...</result>``.
* worker: ``<search>query</search>``, ``<open>doc_id</open>``, ``<python>code</python>``,
  ``<answer>...</answer>``; tool output comes back as ``<results>`` or ``<output>``.
* single agent (the baseline): the worker's tools and ``<answer>``, on the main question.

Prompts are short on purpose: every token is prefilled on every turn on a CPU.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from agentzoo.llm.base import Message

PLANNER = "planner"
WORKER = "worker"
SINGLE = "single"

TOOL_TAGS = ("search", "open", "python")
ACTION_TAGS = ("subtask", *TOOL_TAGS, "answer")
ALLOWED = {PLANNER: ("subtask", "answer"), WORKER: (*TOOL_TAGS, "answer"), SINGLE: (*TOOL_TAGS, "answer")}
STOP = {
    PLANNER: ("</subtask>", "</answer>"),
    WORKER: ("</search>", "</open>", "</python>", "</answer>", "</subtask>"),
    SINGLE: ("</search>", "</open>", "</python>", "</answer>", "</subtask>"),
}

_TOOL_LINES = (
    "<search>query</search> searches the web.",
    "<open>doc_id</open> shows one page.",
    "<python>code</python> runs Python and shows what it prints.",
)

PLANNER_SYSTEM = "\n".join([
    "You plan research. Write exactly one action per turn:",
    "<subtask>what to find</subtask> asks a worker, who can search the web.",
    "<answer>short answer</answer> gives the final answer.",
    "Worker replies come back in <result>...</result>.",
])
WORKER_SYSTEM = "\n".join([
    "You solve one subtask by research. Write exactly one action per turn:",
    *_TOOL_LINES,
    "<answer>the fact you found</answer> ends the subtask.",
])
SINGLE_SYSTEM = "\n".join([
    "You answer questions by research. Write exactly one action per turn:",
    *_TOOL_LINES,
    "<answer>short answer</answer> gives the final answer.",
])
FINAL_SUMMARY = "No turns left. Reply now with <answer>what you found</answer>."


def planner_messages(question: str) -> list[Message]:
    return [{"role": "system", "content": PLANNER_SYSTEM}, {"role": "user", "content": f"Question: {question}"}]


def worker_user(question: str, subtask: str) -> str:
    """The worker's task message: the main task and the assigned subtask (authors' template, our words)."""
    return f"Main task: {question}\nSubtask: {subtask}"


def worker_messages(question: str, subtask: str) -> list[Message]:
    """A fresh context: the worker system prompt and the templated task; no planner token."""
    return [{"role": "system", "content": WORKER_SYSTEM}, {"role": "user", "content": worker_user(question, subtask)}]


def single_messages(question: str) -> list[Message]:
    return [{"role": "system", "content": SINGLE_SYSTEM}, {"role": "user", "content": f"Question: {question}"}]


def result_observation(text: str) -> str:
    return f"<result>{text}</result>"


NO_DELEGATION = "Invalid action: workers cannot delegate. Use a tool or <answer>."
BUDGET_EXHAUSTED = "Worker budget exhausted: no more subtasks. Give the <answer>."


# ---------------------------------------------------------------------- parsing
@dataclass(frozen=True)
class ParsedAction:
    """One turn's action: ``kind`` is one of :data:`ACTION_TAGS` or ``invalid`` (with ``reason``)."""

    kind: str
    body: str = ""
    reason: str = ""


_THINK = re.compile(r"<think>.*?(</think>|$)", re.DOTALL)
_MARK = re.compile(r"<(/?)(" + "|".join(ACTION_TAGS) + r")\s*>")


def strip_think(text: str) -> str:
    """Remove ``<think>...</think>`` blocks (an unclosed one runs to the end)."""
    return _THINK.sub("", text)


def parse_action(text: str) -> ParsedAction:
    """Exactly one well-formed, non-nested action tag, else ``invalid`` with the reason; never raises.

    Unbalanced tags (an opening without its closing, or a closing without its opening), nested
    tags, several actions and an empty body are all invalid. Text outside the tag is ignored.
    """
    text = strip_think(text)
    stack: list[tuple[str, int]] = []
    found: list[tuple[str, str]] = []
    for mark in _MARK.finditer(text):
        closing, tag = mark.group(1) == "/", mark.group(2)
        if not closing:
            if stack:
                return ParsedAction("invalid", reason=f"<{tag}> is nested inside <{stack[-1][0]}>")
            stack.append((tag, mark.end()))
            continue
        if not stack or stack[-1][0] != tag:
            return ParsedAction("invalid", reason=f"</{tag}> closes a tag that was not opened")
        opened, start = stack.pop()
        found.append((opened, text[start : mark.start()].strip()))
    if stack:
        return ParsedAction("invalid", reason=f"<{stack[-1][0]}> is not closed")
    if not found:
        return ParsedAction("invalid", reason="no action tag")
    if len(found) > 1:
        return ParsedAction("invalid", reason="more than one action")
    kind, body = found[0]
    if not body:
        return ParsedAction("invalid", reason=f"empty <{kind}>")
    return ParsedAction(kind, body)


_TOOL_BLOCK = re.compile(r"<(subtask|search|open|python)\s*>.*?(</\1\s*>|$)", re.DOTALL)
_ANY_TAG = re.compile(r"</?[A-Za-z_][\w-]*\s*/?>")


def strip_return(text: str) -> str:
    """The worker's last message as the planner reads it (authors' three steps, first two):
    ``<think>`` blocks removed, tool-call blocks removed, remaining tag markup removed."""
    text = strip_think(text)
    text = _TOOL_BLOCK.sub(" ", text)
    text = _ANY_TAG.sub(" ", text)
    return " ".join(text.split())


def action_text(kind: str, body: str) -> str:
    """The canonical text of an action (what the gold program writes)."""
    return f"<{kind}>{body}</{kind}>"


def cap_tokens(text: str, max_tokens: int, count: Callable[[str], int]) -> str:
    """The longest whole-word prefix of ``text`` of at most ``max_tokens`` tokens (authors' third step,
    in tokens instead of 20k characters); a single over-long word is cut by characters."""
    if count(text) <= max_tokens:
        return text
    words = text.split()
    lo, hi = 0, len(words)
    while lo < hi:  # the most words that fit
        mid = (lo + hi + 1) // 2
        if count(" ".join(words[:mid])) <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    if lo > 0:
        return " ".join(words[:lo])
    word = words[0] if words else ""
    lo, hi = 0, len(word)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(word[:mid]) <= max_tokens:
            lo = mid
        else:
            hi = mid - 1
    return word[:lo]


def worker_return(text: str, max_tokens: int, count: Callable[[str], int]) -> str:
    """What goes back to the planner: stripped (:func:`strip_return`) and capped (:func:`cap_tokens`)."""
    return cap_tokens(strip_return(text) or "(no answer)", max_tokens, count)
