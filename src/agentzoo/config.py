"""System configuration: one frozen dataclass per system, documented field by field.

Every system's ``Config`` subclasses :class:`SystemConfig`. A field is documented by a
string literal directly under it (as in CleanRL's ``Args``); :func:`field_docs` reads
those docstrings from the source so the CLI can show them. Presets are classmethods
``quick()`` (about a minute on 2 CPU cores) and ``paper()`` (the paper's setting).

Values given as strings (from the command line) are converted by :func:`parse_value`
according to the field's type annotation; a bad value raises :class:`ConfigError`
naming the field and the allowed values.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import inspect
import itertools
import json
import textwrap
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal, Self, Union, get_args, get_origin


class ConfigError(ValueError):
    """An invalid configuration: names the field and what is allowed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class SystemConfig:
    """Base of every system's configuration."""

    seed: int = 0
    """Seed of every random choice in the run (numpy, torch, LLM sampling)."""

    @classmethod
    def quick(cls) -> Self:
        """A setting that finishes in about a minute on 2 CPU cores (demo and smoke tests)."""
        return cls()

    @classmethod
    def paper(cls) -> Self:
        """The paper's setting, for machines that can afford it."""
        return cls()

    EXTRA_PRESETS: ClassVar[tuple[str, ...]] = ()
    """Names of further preset classmethods a system offers (e.g. ``cpu``)."""

    @classmethod
    def presets(cls) -> tuple[str, ...]:
        """Every preset name: ``quick``, ``paper`` and the system's extras."""
        return (*PRESETS, *cls.EXTRA_PRESETS)

    @classmethod
    def preset(cls, name: str) -> Self:
        """The preset called ``name`` (``quick``, ``paper`` or one of ``EXTRA_PRESETS``)."""
        if name not in cls.presets():
            raise ConfigError("preset", f"unknown preset {name!r}; allowed: {', '.join(cls.presets())}")
        factory = getattr(cls, name)
        config: Self = factory()
        return config

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied (validated by ``__post_init__``)."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ConfigError(unknown[0], f"unknown field; allowed: {', '.join(sorted(names))}")
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dictionary of the fields."""
        return {f.name: _to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Rebuild a config from :meth:`to_dict` output (unknown keys are an error)."""
        hints = typing.get_type_hints(cls)
        kwargs = {}
        names = {f.name for f in dataclasses.fields(cls)}
        for key, value in data.items():
            if key not in names:
                raise ConfigError(key, f"unknown field; allowed: {', '.join(sorted(names))}")
            kwargs[key] = _from_jsonable(hints[key], value, key)
        return cls(**kwargs)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)


PRESETS = ("quick", "paper")


def _to_jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, tuple | list):
        return [_to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_jsonable(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def _from_jsonable(tp: Any, value: Any, name: str) -> Any:
    origin = get_origin(tp)
    if value is None:
        return None
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(tp) if a is not type(None)]
        return _from_jsonable(inner[0], value, name) if len(inner) == 1 else value
    if origin is tuple and isinstance(value, list):
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_from_jsonable(args[0], v, name) for v in value)
        return tuple(_from_jsonable(a, v, name) for a, v in zip(args, value, strict=False))
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if tp is Path:
        return Path(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp) and isinstance(value, dict):
        hints = typing.get_type_hints(tp)
        return tp(**{k: _from_jsonable(hints[k], v, k) for k, v in value.items()})
    return value


def field_docs(cls: type) -> dict[str, str]:
    """The docstring written under each dataclass field, for ``cls`` and its bases."""
    return dict(_field_docs(cls))


@cache
def _field_docs(cls: Any) -> dict[str, str]:
    """The docstring written under each dataclass field, for ``cls`` and its bases."""
    docs: dict[str, str] = {}
    klass: Any
    for klass in reversed(cls.__mro__):
        if klass is object or not dataclasses.is_dataclass(klass):
            continue
        try:
            source = textwrap.dedent(inspect.getsource(typing.cast(type, klass)))
        except (OSError, TypeError):
            continue
        tree = ast.parse(source)
        body = next((n for n in tree.body if isinstance(n, ast.ClassDef)), None)
        if body is None:
            continue
        statements = body.body
        for node, following in itertools.pairwise(statements):
            if (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[node.target.id] = inspect.cleandoc(following.value.value)
    for f in dataclasses.fields(cls):
        help_text = f.metadata.get("help")
        if help_text:
            docs[f.name] = str(help_text)
    return docs


def describe_type(tp: Any) -> str:
    """A short human name for a field type (used in help and error messages)."""
    origin = get_origin(tp)
    if origin is Literal:
        return "{" + ",".join(str(a) for a in get_args(tp)) + "}"
    if origin in (Union, types.UnionType):
        return " | ".join(describe_type(a) for a in get_args(tp))
    if origin in (tuple, list):
        args = [a for a in get_args(tp) if a is not Ellipsis]
        return "comma-separated " + (describe_type(args[0]) if args else "values")
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "{" + ",".join(str(m.value) for m in tp) + "}"
    if tp is type(None):
        return "none"
    return getattr(tp, "__name__", str(tp))


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_value(name: str, tp: Any, text: str) -> Any:
    """Convert the command-line string ``text`` to the type ``tp`` of field ``name``."""
    origin = get_origin(tp)
    try:
        if origin in (Union, types.UnionType):
            members = get_args(tp)
            if type(None) in members and text.lower() in {"none", "null", ""}:
                return None
            for member in members:
                if member is type(None):
                    continue
                try:
                    return parse_value(name, member, text)
                except ConfigError:
                    continue
            raise ConfigError(name, f"{text!r} is not a valid {describe_type(tp)}")
        if origin is Literal:
            allowed = get_args(tp)
            for option in allowed:
                if str(option) == text:
                    return option
            raise ConfigError(name, f"{text!r} is not allowed; allowed: {', '.join(map(str, allowed))}")
        if origin in (tuple, list):
            item_args = [a for a in get_args(tp) if a is not Ellipsis]
            item_type = item_args[0] if item_args else str
            parts = [p.strip() for p in text.split(",") if p.strip()]
            if origin is tuple and len(get_args(tp)) > 1 and get_args(tp)[1] is not Ellipsis:
                fixed = get_args(tp)
                if len(parts) != len(fixed):
                    raise ConfigError(name, f"expects {len(fixed)} comma-separated values, got {text!r}")
                return tuple(parse_value(name, t, p) for t, p in zip(fixed, parts, strict=True))
            items = [parse_value(name, item_type, p) for p in parts]
            return tuple(items) if origin is tuple else items
        if tp is bool:
            lowered = text.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ConfigError(name, f"{text!r} is not a boolean; allowed: true, false")
        if tp is int:
            return int(text)
        if tp is float:
            return float(text)
        if tp is str:
            return text
        if tp is Path:
            return Path(text)
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            try:
                return tp(text)
            except ValueError:
                values = ", ".join(str(m.value) for m in tp)
                raise ConfigError(name, f"{text!r} is not allowed; allowed: {values}") from None
    except ValueError as exc:
        if isinstance(exc, ConfigError):
            raise
        raise ConfigError(name, f"{text!r} is not a valid {describe_type(tp)}") from None
    raise ConfigError(name, f"fields of type {describe_type(tp)} cannot be set from the command line")


def apply_overrides(config: SystemConfig, overrides: Mapping[str, str]) -> SystemConfig:
    """Apply ``{field_name: string_value}`` overrides, converting by the field types."""
    hints = typing.get_type_hints(type(config))
    names = [f.name for f in dataclasses.fields(config)]
    changes: dict[str, Any] = {}
    for key, text in overrides.items():
        name = key.replace("-", "_")
        if name not in names:
            raise ConfigError(key, f"unknown field; allowed: {', '.join(names)}")
        changes[name] = parse_value(name, hints[name], text)
    try:
        return config.replace(**changes)
    except ConfigError:
        raise
    except (TypeError, ValueError) as exc:
        raise ConfigError("config", str(exc)) from exc


def require(condition: bool, field: str, message: str) -> None:
    """Raise :class:`ConfigError` for ``field`` unless ``condition`` holds (for ``__post_init__``)."""
    if not condition:
        raise ConfigError(field, message)
