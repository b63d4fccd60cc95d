"""The tolerant parser: malformed output is a failure value, never an exception."""

from __future__ import annotations

import pytest

from agentzoo.llm.parsing import (
    ToolCall,
    parse_answer,
    parse_choice,
    parse_json,
    parse_tagged,
    parse_tool_call,
    parse_tool_calls,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{"a": 1}', {"a": 1}),
        ('Sure! ```json\n{"a": [1, 2,],}\n``` done', {"a": [1, 2]}),
        ("Here: {'a': True, 'b': None} ok", {"a": True, "b": None}),
        ('prefix {"a": "}{"} suffix {"b": 2}', {"a": "}{"}),
    ],
)
def test_parse_json_finds_and_repairs(text, value):
    result = parse_json(text)
    assert result.ok and result.value == value


@pytest.mark.parametrize("text", ["", "no json here", "{broken: [}", "[1, 2]", None, 42])
def test_parse_json_failures_are_values(text):
    result = parse_json(text)  # type: ignore[arg-type]
    assert not result.ok and result.error


def test_tool_calls_in_all_forms():
    tagged = '<tool_call>{"name": "search", "arguments": {"query": "x"}}</tool_call>'
    assert parse_tool_call(tagged).value == ToolCall("search", {"query": "x"})
    loose = 'I will call {"tool": "open", "args": {"id": 3}} now'
    assert parse_tool_call(loose).value == ToolCall("open", {"id": 3})
    openai_style = '{"function": {"name": "python", "arguments": "{\\"code\\": \\"1+1\\"}"}}'
    assert parse_tool_call(openai_style).value == ToolCall("python", {"code": "1+1"})
    two = tagged + ' and <tool_call>{"name": "open", "arguments": {"id": 1}}</tool_call>'
    assert [r.value.name for r in parse_tool_calls(two)] == ["search", "open"]


def test_malformed_tool_calls_report_why():
    bad = parse_tool_call("<tool_call>{name: search</tool_call>")
    assert not bad.ok and "malformed <tool_call>" in bad.error
    assert not parse_tool_call("just words").ok
    assert not parse_tool_call('{"arguments": {}}').ok  # no name


def test_tagged_answer_and_choice():
    assert parse_tagged("<think>a</think><answer> 42 </answer>", "answer").value == "42"
    assert parse_tagged("<answer>unfinished", "answer").value == "unfinished"
    assert parse_answer("<answer>1</answer> <answer>2</answer>").value == "2"
    assert parse_answer("reasoning...\nFinal answer: Paris").value == "Paris"
    assert not parse_answer("I do not know").ok
    assert parse_choice('{"choice": "B"}', ["A", "B"]).value == 1
    assert not parse_choice('{"choice": "C"}', ["A", "B"]).ok
    assert parse_choice("I pick comply.", ["comply", "violate"]).value == 0
    assert parse_choice("comply or violate?", ["comply", "violate"]).error == "several options mentioned"
