"""A tolerant parser for what models write: JSON, tagged blocks, tool calls, answers.

Nothing here raises on malformed model output: every function returns a
:class:`ParseResult` whose ``ok`` is False and whose ``error`` says what was wrong, so a
run can count the failure or feed it back to the model as an observation.

Accepted tool-call forms (the first that parses wins)::

    <tool_call>{"name": "search", "arguments": {"query": "x"}}</tool_call>
    ```json {"name": "search", "arguments": {"query": "x"}} ```
    {"tool": "search", "args": {"query": "x"}}
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ParseResult:
    """The outcome of parsing: ``value`` when ``ok``, else ``error`` explains."""

    ok: bool
    value: Any = None
    error: str = ""
    raw: str = ""

    @classmethod
    def fail(cls, error: str, raw: str) -> ParseResult:
        return cls(False, None, error, raw)


@dataclass(frozen=True)
class ToolCall:
    """A parsed tool call."""

    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _balanced_spans(text: str, opener: str, closer: str) -> list[str]:
    """Top-level ``opener ... closer`` spans, respecting strings."""
    spans, depth, start, in_string, escape, quote = [], 0, -1, False, False, ""
    for i, ch in enumerate(text):
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == quote:
                in_string = False
            continue
        if ch in "\"'" and depth > 0:
            in_string, quote = True, ch
        elif ch == opener:
            if depth == 0:
                start = i
            depth += 1
        elif ch == closer and depth > 0:
            depth -= 1
            if depth == 0:
                spans.append(text[start : i + 1])
    return spans


def _loads_lenient(candidate: str) -> Any:
    """json.loads, then with trailing commas removed, then as a Python literal."""
    candidate = candidate.strip()
    try:
        return json.loads(candidate)
    except json.JSONDecodeError:
        pass
    repaired = _TRAILING_COMMA.sub(r"\1", candidate)
    try:
        return json.loads(repaired)
    except json.JSONDecodeError:
        pass
    try:  # single quotes, True/False/None
        value = ast.literal_eval(repaired)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise ValueError("not JSON") from None
    if isinstance(value, dict | list):
        return json.loads(json.dumps(value))
    raise ValueError("not a JSON object or array")


def parse_json(text: str, *, expect: type = dict) -> ParseResult:
    """The first JSON object (or array, with ``expect=list``) found in ``text``."""
    if not isinstance(text, str):
        return ParseResult.fail("model output is not text", repr(text))
    opener, closer = ("{", "}") if expect is dict else ("[", "]")
    candidates = [text]
    candidates += _FENCE.findall(text)
    candidates += _balanced_spans(text, opener, closer)
    for candidate in candidates:
        try:
            value = _loads_lenient(candidate)
        except (ValueError, TypeError):
            continue
        if isinstance(value, expect):
            return ParseResult(True, value, "", text)
    return ParseResult.fail(f"no JSON {expect.__name__} found", text)


def parse_tagged(text: str, tag: str, *, last: bool = False) -> ParseResult:
    """The content of ``<tag>...</tag>``; an unclosed final tag runs to the end of the text."""
    if not isinstance(text, str):
        return ParseResult.fail("model output is not text", repr(text))
    pattern = re.compile(rf"<{re.escape(tag)}>(.*?)(?:</{re.escape(tag)}>|$)", re.DOTALL)
    found = pattern.findall(text)
    if not found:
        return ParseResult.fail(f"no <{tag}> block", text)
    return ParseResult(True, (found[-1] if last else found[0]).strip(), "", text)


def _as_tool_call(value: Any) -> ToolCall | None:
    if not isinstance(value, dict):
        return None
    name = value.get("name", value.get("tool", value.get("function")))
    if isinstance(name, dict):  # OpenAI style {"function": {"name":..., "arguments":...}}
        value, name = name, name.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    arguments = value.get("arguments", value.get("args", value.get("parameters", {})))
    if isinstance(arguments, str):
        parsed = parse_json(arguments)
        arguments = parsed.value if parsed.ok else {"input": arguments}
    if not isinstance(arguments, dict):
        arguments = {"input": arguments}
    return ToolCall(name.strip(), arguments)


def parse_tool_calls(text: str, tag: str = "tool_call") -> list[ParseResult]:
    """Every tool call in ``text`` (tagged blocks first; else the JSON objects in the text)."""
    if not isinstance(text, str):
        return [ParseResult.fail("model output is not text", repr(text))]
    blocks = re.findall(rf"<{tag}>(.*?)(?:</{tag}>|$)", text, re.DOTALL)
    results = []
    for block in blocks:
        parsed = parse_json(block)
        call = _as_tool_call(parsed.value) if parsed.ok else None
        if call is None:
            results.append(ParseResult.fail(f"malformed <{tag}>: expected {{\"name\": ..., \"arguments\": {{...}}}}", block))
        else:
            results.append(ParseResult(True, call, "", block))
    if blocks:
        return results
    for span in _FENCE.findall(text) or _balanced_spans(text, "{", "}"):
        try:
            call = _as_tool_call(_loads_lenient(span))
        except (ValueError, TypeError):
            continue
        if call is not None:
            results.append(ParseResult(True, call, "", span))
    return results


def parse_tool_call(text: str, tag: str = "tool_call") -> ParseResult:
    """The first tool call in ``text``, or a failure saying why there is none."""
    calls = parse_tool_calls(text, tag)
    if not calls:
        return ParseResult.fail("no tool call found", text if isinstance(text, str) else repr(text))
    return calls[0]


_ANSWER_LINE = re.compile(r"(?:final answer|answer)\s*[:：]\s*(.+)", re.IGNORECASE)


def parse_answer(text: str, tag: str = "answer") -> ParseResult:
    """The final answer: ``<answer>..</answer>`` (last one), else an ``Answer: ...`` line."""
    tagged = parse_tagged(text, tag, last=True)
    if tagged.ok and tagged.value:
        return tagged
    if isinstance(text, str):
        lines = _ANSWER_LINE.findall(text)
        if lines:
            return ParseResult(True, lines[-1].strip(), "", text)
    return ParseResult.fail(f"no <{tag}> block or 'Answer:' line", text if isinstance(text, str) else repr(text))


def parse_choice(text: str, options: Sequence[str], key: str = "choice") -> ParseResult:
    """Which of ``options`` the text chose: a JSON ``{"choice": ...}`` first, else an exact
    mention of exactly one option. Ambiguous or absent choices are failures."""
    parsed = parse_json(text)
    if parsed.ok and key in parsed.value:
        value = str(parsed.value[key]).strip()
        for i, option in enumerate(options):
            if value.lower() == option.lower():
                return ParseResult(True, i, "", text)
        return ParseResult.fail(f"{key!r} is {value!r}, not one of {list(options)}", text)
    if not isinstance(text, str):
        return ParseResult.fail("model output is not text", repr(text))
    mentioned = [
        i for i, o in enumerate(options)
        if re.search(rf"(?<![\w]){re.escape(o)}(?![\w])", text, re.IGNORECASE)
    ]
    if len(mentioned) == 1:
        return ParseResult(True, mentioned[0], "", text)
    reason = "several options mentioned" if mentioned else "no option mentioned"
    return ParseResult.fail(reason, text)
