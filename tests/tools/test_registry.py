"""agentzoo.tools.registry: argument validation, errors as observations, listing tools."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from agentzoo.tools.registry import FunctionTool, Tool, ToolRegistry, validate


def _registry() -> ToolRegistry:
    add = FunctionTool(
        "add",
        "Add two integers.",
        lambda a, b, scale=1: str((a + b) * scale),
        {
            "a": {"type": "integer"},
            "b": {"type": "integer"},
            "scale": {"type": "integer", "minimum": 1, "default": 1},
        },
    )
    unit = FunctionTool(
        "unit", "Pick a unit.", lambda unit: unit, {"unit": {"type": "string", "enum": ["m", "s"]}}
    )
    boom = FunctionTool("boom", "Always fails.", lambda: 1 / 0)
    return ToolRegistry([add, unit, boom])


def test_valid_calls_and_defaults() -> None:
    tools = _registry()
    assert tools.call("add", {"a": 2, "b": 3}) == "5"
    assert tools.call("add", {"a": 2, "b": 3, "scale": 10}) == "50"
    assert tools.call("add", '{"a": 1, "b": 1}') == "2"  # JSON text, as models write it
    assert tools.call("add", {"a": 2.0, "b": 1}) == "3"  # JSON has one number type
    assert tools["add"](a=4, b=4) == "8"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"a": "two", "b": 1}, "a: expected integer, got str ('two')"),
        ({"a": 1}, "b: required"),
        ({"a": 1, "b": 2, "c": 3}, "unexpected argument 'c' (allowed: a, b, scale)"),
        ({"a": 1, "b": 2, "scale": 0}, "scale: must be >= 1, got 0"),
        ({"a": True, "b": 2}, "a: expected integer, got bool"),
        ('{"a": 1,', "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
    ],
)
def test_invalid_arguments_become_observations(arguments: Any, message: str) -> None:
    result = _registry().call("add", arguments)
    assert result.startswith("Error: ") and message in result


def test_enum_unknown_tool_and_tool_failure() -> None:
    tools = _registry()
    assert tools.call("unit", {"unit": "s"}) == "s"
    assert "must be one of ['m', 's'], got 'kg'" in tools.call("unit", {"unit": "kg"})
    assert tools.call("fly", {}) == "Error: unknown tool 'fly'; available tools: add, unit, boom"
    assert tools.call("boom") == "Error: tool 'boom' failed: ZeroDivisionError: division by zero"


def test_call_text_parses_model_output() -> None:
    tools = _registry()
    text = 'I will add.\n<tool_call>{"name": "add", "arguments": {"a": 20, "b": 22}}</tool_call>'
    assert tools.call_text(text) == "42"
    assert tools.call_text("no call here").startswith("Error: no tool call found")


def test_listing_for_prompts_and_servers() -> None:
    tools = _registry()
    assert tools.names == ["add", "unit", "boom"] and len(tools) == 3 and "add" in tools
    assert (
        tools.describe().splitlines()[0]
        == "- add(a: integer, b: integer, scale?: integer) - Add two integers."
    )
    spec = tools.specs()[1]
    assert spec["type"] == "function" and spec["function"]["name"] == "unit"
    assert spec["function"]["parameters"]["properties"]["unit"]["enum"] == ["m", "s"]


def test_registry_rejects_bad_names() -> None:
    tools = _registry()
    with pytest.raises(ValueError, match="already registered"):
        tools.register(FunctionTool("add", "again", lambda: ""))
    with pytest.raises(ValueError, match="letters"):
        tools.register(FunctionTool("bad name!", "x", lambda: ""))


def test_subclassing_tool() -> None:
    class Echo(Tool):
        name = "echo"
        description = "Echo the text."
        parameters: Mapping[str, Any] = {
            "type": "object",
            "properties": {"text": {"type": "string", "maxLength": 5}},
            "required": ["text"],
        }

        def run(self, **arguments: Any) -> str:
            return str(arguments["text"])

    echo = Echo()
    assert echo(text="hi") == "hi"
    assert "at most 5 characters" in echo(text="toolong")


def test_validate_nested() -> None:
    schema = {
        "type": "object",
        "properties": {"xs": {"type": "array", "items": {"type": "number"}, "maxItems": 3}},
    }
    assert validate({"xs": [1, 2.5]}, schema) == []
    assert validate({"xs": [1, "x"]}, schema) == ["xs[1]: expected number, got str ('x')"]
    assert validate({"xs": [1, 2, 3, 4]}, schema) == ["xs: must have at most 3 items"]
    assert validate(5, {"type": ["string", "null"]}) == ["expected string or null, got int (5)"]
