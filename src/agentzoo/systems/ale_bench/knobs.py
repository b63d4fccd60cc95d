"""Typed edits of a skeleton program: its ``// @param`` and ``// @switch`` knobs.

A knob line looks like::

    const double T0 = 5000.0;  // @param T0=5000 [1,100000] log
    const bool USE_2OPT = false;  // @switch USE_2OPT

An :class:`Edit` changes one knob ("T0 x2", "T0 x0.1", "TIME_FRAC +0.1", "USE_2OPT on"); applying
it rewrites the literal in the code and in the marker, so edits compose (:func:`apply_all`). The refinement agent
asks the model to choose among edits (typed mode); the non-LLM baseline samples knob settings.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_PARAM = re.compile(
    r"^(?P<code>.*\b(?P<name>[A-Za-z_]\w*)\s*=\s*)(?P<value>-?[\d.]+(?:[eE][-+]?\d+)?)(?P<rest>\s*;.*)"
    r"//\s*@param\s+(?P=name)=(?P<mval>\S+)\s*\[(?P<lo>[^,\]]+),(?P<hi>[^\]]+)\](?P<log>\s+log)?\s*$"
)
_SWITCH = re.compile(
    r"^(?P<code>.*\b(?P<name>[A-Za-z_]\w*)\s*=\s*)(?P<value>true|false)(?P<rest>\s*;.*)//\s*@switch\s+(?P=name)\s*$"
)


@dataclass(frozen=True)
class Knob:
    name: str
    kind: str  # "param" or "switch"
    value: float
    lo: float = 0.0
    hi: float = 1.0
    log: bool = False
    integer: bool = False

    def describe(self) -> str:
        if self.kind == "switch":
            return f"{self.name} = {'on' if self.value else 'off'}"
        scale = ", log scale" if self.log else ""
        return f"{self.name} = {_fmt(self.value, self.integer)} (range {_fmt(self.lo, self.integer)}..{_fmt(self.hi, self.integer)}{scale})"


@dataclass(frozen=True)
class Edit:
    knob: str
    value: float
    label: str


def _fmt(value: float, integer: bool) -> str:
    if integer:
        return str(round(value))
    return f"{value:.6g}"


def knobs(code: str) -> list[Knob]:
    """The knobs declared in ``code``, in order."""
    found = []
    for line in code.splitlines():
        m = _PARAM.match(line)
        if m:
            integer = "." not in m["value"] and "e" not in m["value"].lower()
            found.append(Knob(m["name"], "param", float(m["value"]), float(m["lo"]), float(m["hi"]),
                              bool(m["log"]), integer))
            continue
        m = _SWITCH.match(line)
        if m:
            found.append(Knob(m["name"], "switch", 1.0 if m["value"] == "true" else 0.0))
    return found


LOG_FACTORS = (("x0.1", 0.1), ("x0.5", 0.5), ("x2", 2.0), ("x10", 10.0))
"""Moves of a ``log`` knob: small (x0.5, x2) and large (x0.1, x10) steps on its log scale."""
LINEAR_STEPS = (1, -1, 3, -3)
"""Moves of a linear knob, in tenths of its range (an integer knob: in steps of max(1, range/10))."""


def candidate_edits(code: str) -> list[Edit]:
    """Every single-knob edit of the menu: x0.1, x0.5, x2 and x10 for log params, +-10 % and +-30 %
    of the range for linear ones (integer knobs: +-1 and +-3 steps of max(1, range/10)), a toggle for
    switches. Values are clamped to the range; edits that change nothing (or repeat another edit's
    value) are left out."""
    out: list[Edit] = []
    for k in knobs(code):
        if k.kind == "switch":
            out.append(Edit(k.name, 1.0 - k.value, f"{k.name} {'off' if k.value else 'on'}"))
            continue
        if k.log:
            moves = [(k.value * factor, how) for how, factor in LOG_FACTORS]
        else:
            step = max(1.0, round((k.hi - k.lo) / 10)) if k.integer else (k.hi - k.lo) / 10
            moves = [(k.value + n * step, f"{'+' if n > 0 else '-'}{_fmt(abs(n) * step, k.integer)}") for n in LINEAR_STEPS]
        values: set[float] = set()
        for value, how in moves:
            value = min(k.hi, max(k.lo, round(value) if k.integer else value))
            if not math.isclose(value, k.value) and not any(math.isclose(value, v) for v in values):
                values.add(value)
                out.append(Edit(k.name, value, f"{k.name} {how}"))
    return out


def apply_all(code: str, edits: list[Edit] | tuple[Edit, ...]) -> str:
    """``code`` with every edit applied in turn (a composite edit)."""
    for edit in edits:
        code = apply(code, edit)
    return code


def apply(code: str, edit: Edit) -> str:
    """``code`` with one knob set to ``edit.value`` (the code literal and the marker)."""
    lines = code.splitlines(keepends=True)
    for i, line in enumerate(lines):
        body, newline = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        m = _PARAM.match(body)
        if m and m["name"] == edit.knob:
            integer = "." not in m["value"] and "e" not in m["value"].lower()
            literal = _fmt(edit.value, integer)
            if not integer and "." not in literal and "e" not in literal:
                literal += ".0"
            marker = f"// @param {edit.knob}={_fmt(edit.value, integer)} [{m['lo']},{m['hi']}]" + (" log" if m["log"] else "")
            rest = m["rest"][: m["rest"].index("//")] if "//" in m["rest"] else m["rest"]
            lines[i] = f"{m['code']}{literal}{rest.rstrip()}  {marker}{newline}"
            return "".join(lines)
        m = _SWITCH.match(body)
        if m and m["name"] == edit.knob:
            rest = m["rest"][: m["rest"].index("//")] if "//" in m["rest"] else m["rest"]
            value = "true" if edit.value else "false"
            lines[i] = f"{m['code']}{value}{rest.rstrip()}  // @switch {edit.knob}{newline}"
            return "".join(lines)
    raise KeyError(f"no knob named {edit.knob!r} in the program")


def settings(code: str) -> dict[str, float]:
    return {k.name: k.value for k in knobs(code)}
