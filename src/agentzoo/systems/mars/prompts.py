"""Role prompts (ours; the paper's prompts are not public) and the tag protocol.

System 2 emits exactly one of ``<search purpose="...">q</search>``, ``<scholar purpose="...">
q</scholar>``, ``<python>code</python>`` or ``<answer>...</answer>`` per turn. Search and scholar
outputs come back as ``<summary>...</summary>`` written by System 1 (or, for the single agent,
as raw ``<results>...</results>``); python output comes back as ``<output>...</output>``.
Prompts are short on purpose: every token of them is prefilled on every turn on a CPU.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agentzoo.llm.base import Message

STOP = ("</search>", "</scholar>", "</python>", "</answer>")

_TOOL_LINES = {
    "search": '<search purpose="what to find">query</search> searches the web.',
    "scholar": '<scholar purpose="what to find">query</scholar> searches papers.',
    "python": "<python>code</python> runs Python and shows what it prints.",
}


def system2_prompt(tools: tuple[str, ...], use_sys1: bool) -> str:
    lines = [
        "You answer questions by research. Write exactly one action per turn:",
        *(_TOOL_LINES[t] for t in tools),
        "<answer>short answer</answer> gives the final answer.",
        "Search results come back " + ("summarised in <summary>...</summary>." if use_sys1 else "in <results>...</results>."),
    ]
    return "\n".join(lines)


CLOSED_BOOK = "Answer the question from memory. Reply only with <answer>short answer</answer>."

SYSTEM1 = (
    "You summarise search results for a researcher. Copy the sentences that serve the purpose. "
    'If none do, write "No relevant information."'
)


def system2_messages(question: str, tools: tuple[str, ...], use_sys1: bool) -> list[Message]:
    return [{"role": "system", "content": system2_prompt(tools, use_sys1)},
            {"role": "user", "content": f"Question: {question}"}]


def system1_messages(purpose: str, bin_text: str) -> list[Message]:
    return [{"role": "system", "content": SYSTEM1},
            {"role": "user", "content": f"Purpose: {purpose}\nResults:\n{bin_text}"}]


def summary_observation(summaries: list[str]) -> str:
    return "<summary>" + "\n".join(s.strip() for s in summaries) + "</summary>"


# ---------------------------------------------------------------------- parsing
@dataclass(frozen=True)
class ParsedAction:
    """System 2's action: ``kind`` is search, scholar, python, answer or invalid."""

    kind: str
    body: str = ""
    purpose: str = ""
    reason: str = ""
    """Why an action is invalid."""


_TAG = re.compile(r"<(search|scholar|python|answer)(\s[^>]*)?>(.*?)</\1>", re.DOTALL)
_OPEN = re.compile(r"<(search|scholar|python|answer)\b")
_PURPOSE = re.compile(r'^\s*purpose\s*=\s*"([^"]*)"\s*$')


def parse_action(text: str) -> ParsedAction:
    """Exactly one well-formed tag, else an invalid action with the reason (never raises)."""
    tags = list(_TAG.finditer(text))
    if not tags:
        return ParsedAction("invalid", reason="no complete action tag" if _OPEN.search(text) is None
                            else "an action tag is not closed")
    if len(_OPEN.findall(text)) > 1 or len(tags) > 1:
        return ParsedAction("invalid", reason="more than one action")
    kind, attrs, body = tags[0].group(1), tags[0].group(2) or "", tags[0].group(3).strip()
    if not body:
        return ParsedAction("invalid", reason=f"empty <{kind}>")
    if kind in ("search", "scholar"):
        match = _PURPOSE.match(attrs)
        if match is None or not match.group(1).strip():
            return ParsedAction("invalid", reason=f'<{kind}> needs a purpose="..." attribute')
        return ParsedAction(kind, body, match.group(1).strip())
    if attrs.strip():
        return ParsedAction("invalid", reason=f"<{kind}> takes no attributes")
    return ParsedAction(kind, body)


def action_text(kind: str, body: str, purpose: str = "") -> str:
    """The canonical text of an action (what the gold program writes)."""
    if kind in ("search", "scholar"):
        return f'<{kind} purpose="{purpose}">{body}</{kind}>'
    return f"<{kind}>{body}</{kind}>"
