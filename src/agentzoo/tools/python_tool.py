"""The research agents' ``python`` tool: run a snippet in the sandbox, observe what it printed.

>>> from agentzoo.tools.python_tool import PythonTool
>>> PythonTool()(code="x = 6 * 7\\nprint('x is', x)\\nx / 2")
'stdout:\\nx is 42\\n\\nvalue: 21.0'

Each call is a fresh process (no state survives between calls) running this interpreter
(``sys.executable``, so numpy is importable) inside :func:`agentzoo.tools.sandbox.run` with no
network. Like a notebook cell, the value of a final expression is shown (its ``repr``) unless
it is None. The observation holds stdout, stderr (tracebacks trimmed to the snippet's frames),
the value and, when something went wrong, a status line; it never exceeds ``max_chars``.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agentzoo.tools import sandbox
from agentzoo.tools.registry import Tool
from agentzoo.tools.sandbox import Execution

__all__ = ["PythonResult", "PythonTool", "run_python"]

# Runs inside the sandbox: parse the snippet, execute all but a final expression, evaluate
# that, and print its repr after a marker line whose nonce the caller chose.
_RUNNER = """\
import ast, sys, traceback
nonce, limit = sys.argv[1], int(sys.argv[2])
source = open("snippet.py", encoding="utf-8").read()
namespace = {"__name__": "__main__", "__builtins__": __builtins__}
sys.argv = ["snippet.py"]
try:
    tree = ast.parse(source, "<snippet>")
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, "<snippet>", "exec"), namespace)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), "<snippet>", "eval"), namespace)
        if value is not None:
            text = repr(value)
            sys.stdout.flush()
            sys.stdout.write("\\n" + nonce + "\\n" + text[:limit])
except (KeyboardInterrupt, SystemExit):
    raise
except BaseException as err:
    tb = err.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != "<snippet>":
        tb = tb.tb_next
    traceback.print_exception(type(err), err, tb)
    sys.exit(1)
"""


@dataclass(frozen=True)
class PythonResult:
    """One snippet's run: what it printed, its final value, and the bounded observation."""

    stdout: str
    """Everything printed to stdout (before the final value)."""
    stderr: str
    """stderr, including a traceback limited to the snippet's own frames."""
    value: str | None
    """``repr`` of the final expression's value (None when absent or None)."""
    execution: Execution
    """The sandboxed run (limits, status, timings)."""
    observation: str
    """The text shown to the agent (at most ``max_chars`` characters)."""


def run_python(
    code: str,
    *,
    time_limit_s: float = 2.0,
    memory_limit_mb: float = 256.0,
    max_chars: int = 2000,
    max_processes: int = 16,
    mode: sandbox.Mode | None = None,
) -> PythonResult:
    """Run ``code`` in the sandbox and build its observation (see the module docstring)."""
    nonce = f"--agentzoo-value-{secrets.token_hex(8)}--"
    ex = sandbox.run(
        [sys.executable, "-B", "-s", "runner.py", nonce, str(max_chars)],
        files={"runner.py": _RUNNER, "snippet.py": code},
        time_limit_s=time_limit_s,
        cpu_limit_s=time_limit_s,
        memory_limit_mb=memory_limit_mb,
        max_processes=max_processes,
        max_output_bytes=max(64 * 1024, 16 * max_chars),
        max_file_bytes=16 << 20,
        tmp_size_mb=32,
        mode=mode,
    )
    stdout, value = ex.stdout_text, None
    head, marker, tail = stdout.rpartition("\n" + nonce + "\n")
    if marker:
        stdout, value = head, tail
    stderr = ex.stderr_text
    return PythonResult(
        stdout,
        stderr,
        value,
        ex,
        _observation(stdout, stderr, value, ex, time_limit_s, memory_limit_mb, max_chars),
    )


class PythonTool(Tool):
    """The ``python`` tool: ``code`` -> observation (stdout, stderr, final value, status)."""

    name = "python"
    description = (
        "Run a Python 3 snippet (numpy available, no network, fresh process each call) and "
        "return its stdout, stderr and the value of its last expression."
    )
    parameters: Mapping[str, Any] = {
        "type": "object",
        "properties": {"code": {"type": "string", "description": "Python source to execute."}},
        "required": ["code"],
        "additionalProperties": False,
    }

    def __init__(
        self,
        *,
        time_limit_s: float = 2.0,
        memory_limit_mb: float = 256.0,
        max_chars: int = 2000,
        mode: sandbox.Mode | None = None,
    ) -> None:
        """Limits of every call: wall/CPU seconds, memory (MiB), observation length."""
        self.time_limit_s = time_limit_s
        self.memory_limit_mb = memory_limit_mb
        self.max_chars = max_chars
        self.mode = mode

    def run(self, **arguments: Any) -> str:
        """Run ``arguments["code"]``; the observation of :func:`run_python`."""
        return run_python(
            str(arguments["code"]),
            time_limit_s=self.time_limit_s,
            memory_limit_mb=self.memory_limit_mb,
            max_chars=self.max_chars,
            mode=self.mode,
        ).observation


def _observation(
    stdout: str,
    stderr: str,
    value: str | None,
    ex: Execution,
    time_limit_s: float,
    memory_limit_mb: float,
    max_chars: int,
) -> str:
    status = ""
    if ex.timed_out:
        status = f"[timed out after {time_limit_s:g} s]"
    elif ex.memory_exceeded:
        status = (
            f"[memory limit exceeded: {ex.max_rss_mb:.0f} MiB used, limit {memory_limit_mb:g} MiB]"
        )
    elif ex.cpu_exceeded:
        status = f"[CPU time limit exceeded ({time_limit_s:g} s)]"
    elif ex.output_truncated:
        status = "[output limit reached: the program was stopped]"
    elif ex.signal is not None:
        status = f"[killed by signal {ex.signal}]"
    elif ex.exit_code:
        status = f"[exit code {ex.exit_code}]"
    # shares of the budget: the status and labels first, then stdout, stderr, value
    budget = max(0, max_chars - len(status) - 40)
    parts = []
    sections = [
        ("stdout", stdout, "middle"),
        ("stderr", stderr, "head"),
        ("value", value or "", "tail"),
    ]
    present = [s for s in sections if s[1].strip()]
    for i, (label, text, cut) in enumerate(present):
        share = budget // (len(present) - i)
        clipped = _clip(text.rstrip("\n"), share, keep="tail" if label == "stderr" else cut)
        budget -= len(clipped)
        parts.append(f"{label}: {clipped}" if label == "value" else f"{label}:\n{clipped}")
    if status:
        parts.append(status)
    text = "\n\n".join(parts) if parts else "(no output)"
    return text[:max_chars]


def _clip(text: str, limit: int, keep: str) -> str:
    if len(text) <= limit:
        return text
    note = f"[... {len(text) - limit} characters omitted ...]"
    room = max(0, limit - len(note) - 2)
    if keep == "tail":  # the end of a traceback says what went wrong
        return note + "\n" + text[len(text) - room :]
    if keep == "head":
        return text[:room] + "\n" + note
    half = room // 2
    return text[:half] + "\n" + note + "\n" + text[len(text) - (room - half) :]
