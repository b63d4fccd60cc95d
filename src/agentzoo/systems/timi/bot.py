"""The three-layer bot: rendering (template mode), the layer-law checker, and loading.

A bot is three files (paper): ``params.json`` (parameter layer: every tunable value),
``functions.py`` (function layer: indicators, preprocessing, order routines) and
``strategy.py`` (strategy layer: signals, sizing, entry and exit). The laws, checked on the
syntax tree before any bot runs:

1. *functional cohesion / downward dependencies*: ``strategy.py`` imports only ``functions``;
   ``functions.py`` imports only ``math`` and ``collections`` and never ``strategy``;
2. *parameters outside the code*: no numeric literal except 0, 1 and -1 in either code file;
3. every ``P["name"]`` read by the code exists in ``params.json``;
4. (safety, for model-written code) no ``open``, ``eval``, ``exec``, ``__import__``,
   ``compile``, ``globals``, ``getattr``, dunder attributes, or other imports (no ``socket``,
   no ``agentzoo``).

A bot that breaks a law is rejected with the reasons (a counted failure); the previous
version is kept.
"""

from __future__ import annotations

import ast
import builtins as _builtins
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agentzoo.systems.timi import bot_templates as tpl
from agentzoo.systems.timi.strategies import Bot, BotSpec

FUNCTION_IMPORTS = {"math", "collections"}
FORBIDDEN_NAMES = {"open", "eval", "exec", "__import__", "compile", "globals", "locals", "getattr", "setattr",
                   "delattr", "vars", "input", "breakpoint", "memoryview", "__builtins__"}


class BotRejected(ValueError):
    """A bot broke a layer law or could not be loaded; ``reasons`` lists why."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class BotSource:
    """The three files of a bot."""

    params_json: str
    functions_py: str
    strategy_py: str

    def files(self) -> dict[str, str]:
        return {"params.json": self.params_json, "functions.py": self.functions_py, "strategy.py": self.strategy_py}

    def code_sha256(self) -> str:
        """Hash of the two code layers (unchanged by a parameter-layer edit)."""
        return hashlib.sha256((self.functions_py + "\0" + self.strategy_py).encode()).hexdigest()

    @property
    def params(self) -> dict[str, float]:
        loaded: dict[str, float] = json.loads(self.params_json)["params"]
        return loaded


# ---------------------------------------------------------------------- rendering
def render(bot: Bot) -> BotSource:
    """Template mode: the bot's slots pick routines and strategy code; its numbers go to params.json."""
    s: BotSpec = bot.spec
    key = (s.family, s.entry)
    if key not in tpl.FAMILY_CODE:
        raise BotRejected([f"no template for family {s.family!r} with entry {s.entry!r}"])
    routines = ["ATR", "RiskManager", *tpl.NEEDS[key]]
    functions_py = tpl.FUNCTIONS_HEADER + "".join(tpl.ROUTINES[r] for r in dict.fromkeys(routines))
    init, body = tpl.FAMILY_CODE[key]
    strategy_py = tpl.STRATEGY_HEADER.format(
        size='1' if s.family == "grid" else 'P["size"]',
        k_atr='P["k_atr"]' if s.stop == "atr" else "0",
        tp='P["tp_a"] + P["tp_b"] * P["trend_s"]' if s.take_profit == "atr" else "0",
        session_end='bar["minutes_to_close"] <= P["exit_bars"] * P["minutes_per_bar"]' if s.session_exit else "False",
        init=init, body=body,
    )
    params = {k: float(v) for k, v in sorted(bot.params.items())}
    doc = {"spec": {"family": s.family, "entry": s.entry, "stop": s.stop, "take_profit": s.take_profit,
                    "session_exit": s.session_exit}, "params": params}
    return BotSource(json.dumps(doc, indent=2, sort_keys=True) + "\n", functions_py, strategy_py)


def with_params(source: BotSource, values: Mapping[str, float]) -> BotSource:
    """A parameter-layer edit: only params.json changes."""
    doc = json.loads(source.params_json)
    doc["params"].update({k: float(v) for k, v in values.items()})
    return BotSource(json.dumps(doc, indent=2, sort_keys=True) + "\n", source.functions_py, source.strategy_py)


# ---------------------------------------------------------------------- the laws
def _imports(tree: ast.AST) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((a.name.split(".")[0], node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            out.append(((node.module or "").split(".")[0] or ".", node.lineno))
    return out


def _param_reads(tree: ast.AST) -> list[tuple[str, int]]:
    """Names read as P["x"], params["x"] or P.get("x")."""
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
            base = node.value
            if (isinstance(base, ast.Name) and base.id in {"P", "params"}) or (
                    isinstance(base, ast.Attribute) and base.attr in {"P", "params"}):
                out.append((node.slice.value, node.lineno))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and isinstance(node.func.value, ast.Name) and node.func.value.id in {"P", "params"}
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            out.append((node.args[0].value, node.lineno))
    return out


def _literals(tree: ast.AST) -> list[tuple[object, int]]:
    bad: list[tuple[object, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | complex) and not isinstance(node.value, bool):
            if node.value not in (0, 1):
                bad.append((node.value, node.lineno))
    return bad


def _unsafe(tree: ast.AST) -> list[str]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            out.append(f"line {node.lineno}: forbidden name {node.id!r}")
        elif isinstance(node, ast.Attribute) and node.attr.startswith("__") and node.attr.endswith("__"):
            out.append(f"line {node.lineno}: forbidden dunder attribute {node.attr!r}")
    return out


def check_laws(source: BotSource) -> list[str]:
    """Every violated law, with file and line; empty when the bot may run."""
    reasons: list[str] = []
    try:
        doc = json.loads(source.params_json)
        params = doc["params"]
        if not isinstance(params, dict) or not all(isinstance(v, int | float) and math.isfinite(v) for v in params.values()):
            raise ValueError("params must map names to finite numbers")
    except (ValueError, KeyError, TypeError) as exc:
        return [f"params.json: {exc}"]
    trees = {}
    for name, code in (("functions.py", source.functions_py), ("strategy.py", source.strategy_py)):
        try:
            trees[name] = ast.parse(code)
        except SyntaxError as exc:
            reasons.append(f"{name}: syntax error line {exc.lineno}: {exc.msg}")
    if reasons:
        return reasons
    for module, line in _imports(trees["strategy.py"]):
        if module != "functions":
            reasons.append(f"strategy.py line {line}: imports {module!r} (the strategy layer may import only functions)")
    for module, line in _imports(trees["functions.py"]):
        if module == "strategy":
            reasons.append(f"functions.py line {line}: imports strategy (upward dependency)")
        elif module not in FUNCTION_IMPORTS:
            reasons.append(f"functions.py line {line}: imports {module!r} (allowed: {', '.join(sorted(FUNCTION_IMPORTS))})")
    for name, tree in trees.items():
        for value, line in _literals(tree):
            reasons.append(f"{name} line {line}: numeric literal {value!r} (parameters belong in params.json)")
        for key, line in _param_reads(tree):
            if key not in params:
                reasons.append(f"{name} line {line}: reads P[{key!r}], which params.json does not define")
        reasons.extend(f"{name} {r}" for r in _unsafe(tree))
    return reasons


# ---------------------------------------------------------------------- loading (in-process)
_SAFE_BUILTINS = {name: getattr(_builtins, name) for name in (
    "abs", "max", "min", "len", "range", "float", "int", "bool", "list", "dict", "tuple", "round", "sum", "sorted",
    "enumerate", "zip", "isinstance", "ValueError", "ZeroDivisionError", "object", "super", "property",
    "__build_class__", "reversed", "any", "all", "map", "filter")}


def load(source: BotSource) -> Any:
    """Check the laws, then build the bot object (``make_bot(params)``) in a restricted namespace.

    In-process loading is for template bots, whose code we generated; model-written code runs in
    the sandbox (:mod:`agentzoo.systems.timi.deploy`). Raises :class:`BotRejected`.
    """
    reasons = check_laws(source)
    if reasons:
        raise BotRejected(reasons)
    import collections
    import types

    allowed = {"math": math, "collections": collections}
    functions = types.ModuleType("functions")

    def guarded_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
        if name == "functions":
            return functions
        if name in allowed:
            return allowed[name]
        raise ImportError(f"bot code may not import {name!r}")

    builtins = dict(_SAFE_BUILTINS, __import__=guarded_import)
    functions.__dict__.update({"__builtins__": builtins, "__name__": "functions"})
    try:
        exec(compile(source.functions_py, "functions.py", "exec"), functions.__dict__)
        namespace: dict[str, Any] = {"__builtins__": builtins, "__name__": "strategy"}
        exec(compile(source.strategy_py, "strategy.py", "exec"), namespace)
        return namespace["make_bot"](dict(source.params))
    except Exception as exc:
        raise BotRejected([f"loading failed: {type(exc).__name__}: {exc}"]) from exc
