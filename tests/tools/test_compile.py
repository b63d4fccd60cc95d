"""agentzoo.tools.compile: C++ and Python hello-world, compile errors as values, the cache."""

from __future__ import annotations

import sys

import pytest

from agentzoo.tools import compile as cc

HELLO_CPP = '#include <cstdio>\nint main(){ char s[32]; if (scanf("%31s", s) == 1) printf("hello %s\\n", s); }\n'


def test_cpp_hello_world(bwrap_mode: str) -> None:
    built, ex = cc.compile_and_run(HELLO_CPP, "cpp20", stdin="world", time_limit_s=10)
    assert built.ok and built.error == "" and built.program is not None
    assert ex is not None and ex.ok and ex.stdout == b"hello world\n"
    assert built.program.argv == ("./main",)


def test_cpp20_feature_compiles(bwrap_mode: str) -> None:
    # C++20 without heavy headers: a concept, consteval, designated initialisers
    source = (
        "#include <cstdio>\ntemplate <class T> concept Small = sizeof(T) <= 4;\n"
        "consteval int sq(int x) { return x * x; }\nstruct P { int a, b; };\n"
        'int main(){ P p{.a = 1, .b = sq(3)}; Small auto s = p.a + p.b; printf("%d\\n", s); }\n'
    )
    built, ex = cc.compile_and_run(source, "cpp", time_limit_s=10)
    assert built.ok, built.error
    assert ex is not None and ex.stdout == b"10\n"
    assert not cc.compile_program(source, "cpp17", use_cache=False).ok  # concepts need C++20


def test_compile_error_is_a_value(bwrap_mode: str) -> None:
    built = cc.compile_program("int main() { return undefined_name; }\n", "cpp17")
    assert not built.ok and built.program is None
    assert "undefined_name" in built.error and "error" in built.error
    again = cc.compile_program("int main() { return undefined_name; }\n", "cpp17")
    assert again.cached and not again.ok and again.error == built.error


def test_compile_error_lines_are_capped(bwrap_mode: str) -> None:
    source = "int main() {\n" + "".join(f"  int x{i} = y{i};\n" for i in range(200)) + "}\n"
    built = cc.compile_program(source, "cpp20", max_error_lines=10, use_cache=False)
    assert not built.ok
    lines = built.error.splitlines()
    assert len(lines) == 11 and lines[-1].startswith("... (")


def test_cache_hit_by_source_hash(bwrap_mode: str) -> None:
    source = "#include <cstdio>\nint main(){ puts(X); }\n"
    first = cc.compile_program(source, "cpp20", flags=['-DX="x"'])
    second = cc.compile_program(source, "cpp20", flags=['-DX="x"'])
    other_flags = cc.compile_program(source, "cpp20", flags=['-DX="y"'])
    assert first.ok and second.ok and other_flags.ok
    assert not first.cached and second.cached and not other_flags.cached
    assert (
        first.program is not None and second.program is not None and other_flags.program is not None
    )
    assert (
        first.program.source_hash == second.program.source_hash != other_flags.program.source_hash
    )
    assert cc.run_program(second.program, time_limit_s=10).stdout == b"x\n"
    assert cc.run_program(other_flags.program, time_limit_s=10).stdout == b"y\n"


def test_compiler_cannot_include_host_files(bwrap_mode: str) -> None:
    built = cc.compile_program(
        '#include "/etc/hostname"\n#include "/root/.bashrc"\nint main(){}\n', use_cache=False
    )
    assert not built.ok and "No such file" in built.error


def test_python_hello_world_with_numpy(bwrap_mode: str) -> None:
    source = "import numpy as np\nn = int(input())\nprint('hello', int(np.arange(n).sum()))\n"
    built, ex = cc.compile_and_run(source, "python", stdin="5", time_limit_s=30)
    assert built.ok and built.program is not None
    assert built.program.argv[0] == sys.executable
    assert ex is not None and ex.ok and ex.stdout == b"hello 10\n", ex.stderr


def test_python_syntax_error_is_a_value() -> None:
    built = cc.compile_program("def f(:\n    pass\n", "python")
    assert not built.ok and built.error.startswith("SyntaxError")


def test_python_runtime_error_exit_code(bwrap_mode: str) -> None:
    built, ex = cc.compile_and_run("raise SystemExit(4)\n", "python", time_limit_s=30)
    assert built.ok and ex is not None and ex.exit_code == 4


def test_unknown_language() -> None:
    with pytest.raises(ValueError, match="allowed"):
        cc.compile_program("fn main() {}", "rust")


def test_concurrent_compiles_of_one_source_compile_once(bwrap_mode: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    source = '#include <cstdio>\nint main(){ puts("once"); }\n'
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: cc.compile_program(source, "cpp17"), range(3)))
    assert all(r.ok for r in results)
    assert sum(not r.cached for r in results) == 1
