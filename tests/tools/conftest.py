"""Fixtures for the tools tests: a private compile cache and the sandbox mode under test."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentzoo.tools import sandbox


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep compile-cache writes out of the user's cache (sandbox-init stays shared)."""
    from agentzoo.tools import _helper

    _helper.init_path()  # build or find sandbox-init in the real cache first
    monkeypatch.setenv("AGENTZOO_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(scope="session")
def bwrap_mode() -> str:
    """``bwrap`` when bubblewrap works here; skips the isolation tests otherwise."""
    try:
        return sandbox.resolve_mode("bwrap")
    except sandbox.SandboxUnavailableError as err:
        pytest.skip(f"bubblewrap unavailable: {err}")


@pytest.fixture(scope="session")
def hello_cpp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A compiled C++ program: echoes its arguments, reads numbers from stdin and sums them."""
    from agentzoo.tools import compile as cc

    source = (
        "#include <cstdio>\n#include <cstdlib>\n"
        "int main(int argc, char** argv){ long long s = 0, x;"
        ' while (scanf("%lld", &x) == 1) s += x; printf("sum=%lld\\n", s);'
        " return argc > 1 ? atoi(argv[1]) : 0; }\n"
    )
    built = cc.compile_program(source, "cpp20", use_cache=False)
    assert built.ok, built.error
    assert built.program is not None
    binary = built.program.files["main"]
    assert isinstance(binary, Path)
    return binary
