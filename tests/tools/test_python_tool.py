"""agentzoo.tools.python_tool: stdout, stderr, last-expression value, limits, bounded text."""

from __future__ import annotations

import pytest

from agentzoo.tools.python_tool import PythonTool, run_python
from agentzoo.tools.registry import ToolRegistry


def test_stdout_and_last_expression(bwrap_mode: str) -> None:
    result = run_python("x = 6 * 7\nprint('x is', x)\nx / 2")
    assert (result.stdout, result.value) == ("x is 42\n", "21.0")
    assert result.observation == "stdout:\nx is 42\n\nvalue: 21.0"
    assert result.execution.mode == "bwrap"


def test_value_only_when_last_statement_is_expression(bwrap_mode: str) -> None:
    assert run_python("y = 3").observation == "(no output)"
    assert run_python("None").value is None
    assert run_python("[i * i for i in range(4)]").value == "[0, 1, 4, 9]"
    numpy = run_python("import numpy as np\nnp.arange(6).reshape(2, 3).sum(axis=0)")
    assert numpy.value == "array([3, 5, 7])", numpy.stderr


def test_traceback_is_trimmed_to_the_snippet(bwrap_mode: str) -> None:
    result = run_python("def f(n):\n    return 1 / n\nf(0)")
    assert result.value is None and result.execution.exit_code == 1
    assert 'File "<snippet>", line 2, in f' in result.stderr
    assert "runner.py" not in result.stderr and "ZeroDivisionError" in result.stderr
    assert result.observation.endswith("[exit code 1]")
    syntax = run_python("def f(:\n    pass")
    assert "SyntaxError" in syntax.stderr and "runner.py" not in syntax.stderr


def test_limits_show_in_observation(bwrap_mode: str) -> None:
    assert run_python("while True: pass", time_limit_s=1).observation == "[timed out after 1 s]"
    memory = run_python("x = bytearray(b'1') * (300 << 20)", memory_limit_mb=128, time_limit_s=30)
    assert memory.observation.startswith("[memory limit exceeded")
    assert run_python("import sys; sys.exit(3)", time_limit_s=30).observation == "[exit code 3]"


@pytest.mark.parametrize(
    "code",
    [
        "print('a' * 100000)",
        "import sys\nsys.stderr.write('e' * 50000)\n'v' * 50000",
        "for i in range(5000): print(i)\nraise ValueError('x' * 9000)",
    ],
)
def test_observation_is_bounded(bwrap_mode: str, code: str) -> None:
    result = run_python(code, max_chars=500)
    assert len(result.observation) <= 500
    assert "characters omitted" in result.observation


def test_no_network_and_no_repo(bwrap_mode: str) -> None:
    code = (
        "import socket, os\n"
        "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n    net = 'open'\n"
        "except OSError:\n    net = 'blocked'\n"
        f"(net, os.path.exists({str(__file__)!r}))"
    )
    assert run_python(code).value == "('blocked', False)"


def test_tool_interface(bwrap_mode: str) -> None:
    tools = ToolRegistry([PythonTool(time_limit_s=5)])
    assert tools.call("python", {"code": "1 + 1"}) == "value: 2"
    assert tools.call("python", {"code": 3}).startswith("Error: invalid arguments")
    assert tools.call("python", {}).endswith("code: required")
    assert tools.describe() == f"- python(code: string) - {PythonTool.description}"
