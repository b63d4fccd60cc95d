"""Tools that agents call by name: a small interface, argument validation, a registry.

>>> from agentzoo.tools.registry import FunctionTool, ToolRegistry
>>> add = FunctionTool("add", "Add two integers.", lambda a, b: str(a + b),
...                    {"a": {"type": "integer"}, "b": {"type": "integer"}})
>>> tools = ToolRegistry([add])
>>> tools.call("add", {"a": 2, "b": 3})
'5'
>>> tools.call("add", {"a": "two"})
"Error: invalid arguments for tool 'add': a: expected integer, got str ('two'); b: required"

A :class:`Tool` has a ``name``, a ``description`` and a JSON schema of its ``parameters`` (an
``object`` schema), so an agent can list tools in a prompt (:meth:`ToolRegistry.describe`) or
pass them to an OpenAI-compatible server (:meth:`ToolRegistry.specs`). Calling a tool always
returns an observation string: invalid arguments, unknown tools and a tool's own exceptions
come back as ``Error: ...`` observations the model can read and correct, never as a crash.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["FunctionTool", "Tool", "ToolRegistry", "validate"]

log = logging.getLogger(__name__)

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (dict,),
    "null": (type(None),),
}


def validate(value: Any, schema: Mapping[str, Any], path: str = "") -> list[str]:
    """Check ``value`` against a JSON schema (the subset tools use: ``type``, ``enum``,
    ``properties``, ``required``, ``additionalProperties``, ``items``, ``minimum``,
    ``maximum``, ``minLength``, ``maxLength``, ``minItems``, ``maxItems``). Returns the
    problems found, each prefixed with where it is; empty when the value is valid."""
    where = f"{path}: " if path else ""
    kinds = schema.get("type")
    if kinds is not None:
        names = [kinds] if isinstance(kinds, str) else list(kinds)
        if not any(_is(value, name) for name in names):
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            return [f"{where}expected {' or '.join(names)}, got {type(value).__name__} ({shown})"]
    problems: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}must be one of {list(schema['enum'])}, got {value!r}")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            problems.append(f"{where}must be >= {schema['minimum']}, got {value}")
        if "maximum" in schema and value > schema["maximum"]:
            problems.append(f"{where}must be <= {schema['maximum']}, got {value}")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            problems.append(f"{where}must have at least {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            problems.append(f"{where}must have at most {schema['maxLength']} characters")
    if isinstance(value, list | tuple):
        if "minItems" in schema and len(value) < schema["minItems"]:
            problems.append(f"{where}must have at least {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            problems.append(f"{where}must have at most {schema['maxItems']} items")
        if isinstance(schema.get("items"), Mapping):
            for i, item in enumerate(value):
                problems += validate(item, schema["items"], f"{path}[{i}]")
    if isinstance(value, dict):
        properties: Mapping[str, Any] = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                problems += validate(item, properties[key], f"{path}.{key}" if path else key)
            elif schema.get("additionalProperties", True) is False:
                allowed = ", ".join(properties) or "none"
                problems.append(f"{where}unexpected argument {key!r} (allowed: {allowed})")
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"{path + '.' if path else ''}{key}: required")
    return problems


def _is(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float) and value.is_integer():
        return True
    return isinstance(value, _TYPES.get(name, (object,)))


class Tool(ABC):
    """A tool an agent can call. Subclasses set :attr:`name`, :attr:`description`,
    :attr:`parameters` and implement :meth:`run`; callers use ``tool(**arguments)``."""

    name: str = ""
    """Identifier the model writes to call the tool (``search``, ``python``, ...)."""
    description: str = ""
    """One or two sentences for the prompt: what the tool does and returns."""
    parameters: Mapping[str, Any] = {"type": "object", "properties": {}}
    """JSON schema (``type: object``) of the keyword arguments of :meth:`run`."""

    @abstractmethod
    def run(self, **arguments: Any) -> str:
        """Do the work with validated arguments; return the observation text."""

    def __call__(self, arguments: Mapping[str, Any] | str | None = None, /, **kwargs: Any) -> str:
        """Validate the arguments (a mapping, a JSON object string, or keywords), fill in
        schema defaults, and run. Every failure becomes an ``Error: ...`` observation."""
        if isinstance(arguments, str):
            try:
                arguments = json.loads(arguments) if arguments.strip() else {}
            except json.JSONDecodeError as err:
                return f"Error: arguments for tool {self.name!r} are not valid JSON ({err})"
        if not isinstance(arguments or {}, Mapping):
            return f"Error: arguments for tool {self.name!r} must be a JSON object"
        merged = {**(arguments or {}), **kwargs}
        properties = self.parameters.get("properties", {})
        for key, prop in properties.items():
            if key not in merged and isinstance(prop, Mapping) and "default" in prop:
                merged[key] = prop["default"]
        problems = validate(merged, self.parameters)
        if problems:
            return f"Error: invalid arguments for tool {self.name!r}: {'; '.join(problems)}"
        for key, prop in properties.items():  # JSON has one number type: 3.0 is a valid integer
            if (
                isinstance(prop, Mapping)
                and prop.get("type") == "integer"
                and isinstance(merged.get(key), float)
            ):
                merged[key] = int(merged[key])
        try:
            return self.run(**merged)
        except Exception as err:  # a tool's failure is an observation, not a crash
            log.warning("tool %s failed: %s", self.name, err, exc_info=True)
            return f"Error: tool {self.name!r} failed: {type(err).__name__}: {err}"

    def spec(self) -> dict[str, Any]:
        """The OpenAI function-calling description of this tool."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": dict(self.parameters),
            },
        }

    def signature(self) -> str:
        """``name(arg: type, opt?: type) - description``: one line for a prompt."""
        properties = self.parameters.get("properties", {})
        required = set(self.parameters.get("required", []))
        args = []
        for key, prop in properties.items():
            kind = prop.get("type", "any") if isinstance(prop, Mapping) else "any"
            kind = "|".join(kind) if isinstance(kind, list) else kind
            args.append(f"{key}{'' if key in required else '?'}: {kind}")
        return f"{self.name}({', '.join(args)}) - {self.description}"


class FunctionTool(Tool):
    """A :class:`Tool` around a plain function of keyword arguments that returns text."""

    def __init__(
        self,
        name: str,
        description: str,
        function: Callable[..., Any],
        properties: Mapping[str, Any] | None = None,
        required: Iterable[str] | None = None,
    ) -> None:
        """``properties`` maps argument names to JSON schemas; ``required`` defaults to the
        properties that have no ``default``. Unknown arguments are rejected."""
        props = dict(properties or {})
        self.name = name
        self.description = description
        self.function = function
        needed = (
            list(required)
            if required is not None
            else [k for k, v in props.items() if "default" not in v]
        )
        self.parameters = {
            "type": "object",
            "properties": props,
            "required": needed,
            "additionalProperties": False,
        }

    def run(self, **arguments: Any) -> str:
        """Call the function; its result is turned into text with ``str``."""
        return str(self.function(**arguments))


class ToolRegistry:
    """Tools by name: list them for a prompt, call them by name with validated arguments."""

    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        """Register ``tools`` in order (their names must be distinct)."""
        self._tools: dict[str, Tool] = {}
        for tool in tools:
            self.register(tool)

    def register(self, tool: Tool) -> Tool:
        """Add a tool; a name already taken raises ``ValueError``."""
        if not tool.name or not tool.name.replace("_", "").replace("-", "").isalnum():
            raise ValueError(f"tool name {tool.name!r}: use letters, digits, '_' or '-'")
        if tool.name in self._tools:
            raise ValueError(f"tool name {tool.name!r} is already registered")
        self._tools[tool.name] = tool
        return tool

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __getitem__(self, name: str) -> Tool:
        return self._tools[name]

    def __iter__(self) -> Any:
        return iter(self._tools.values())

    def __len__(self) -> int:
        return len(self._tools)

    @property
    def names(self) -> list[str]:
        """Tool names in registration order."""
        return list(self._tools)

    def call(self, name: str, arguments: Mapping[str, Any] | str | None = None) -> str:
        """Call tool ``name``; an unknown name gives an ``Error: ...`` observation."""
        tool = self._tools.get(name)
        if tool is None:
            return (
                f"Error: unknown tool {name!r}; available tools: {', '.join(self._tools) or 'none'}"
            )
        return tool(arguments)

    def call_text(self, text: str, tag: str = "tool_call") -> str:
        """Parse a model's output for a tool call (``agentzoo.llm.parsing.parse_tool_call``)
        and make it; a malformed call gives an ``Error: ...`` observation."""
        from agentzoo.llm.parsing import parse_tool_call

        parsed = parse_tool_call(text, tag)
        if not parsed.ok:
            return f"Error: {parsed.error}"
        return self.call(parsed.value.name, parsed.value.arguments)

    def describe(self) -> str:
        """One line per tool (:meth:`Tool.signature`), for a prompt."""
        return "\n".join(f"- {tool.signature()}" for tool in self._tools.values())

    def specs(self) -> list[dict[str, Any]]:
        """OpenAI function-calling descriptions of every tool."""
        return [tool.spec() for tool in self._tools.values()]
