"""Compile-and-run for model-written C++ and Python, with a compile cache keyed by source hash.

>>> from agentzoo.tools import compile as cc
>>> built = cc.compile_program('#include <cstdio>\\nint main(){puts("hi");}', "cpp20")
>>> built.ok, cc.run_program(built.program, time_limit_s=2).stdout
(True, b'hi\\n')

* **C++** (``cpp17``, ``cpp20`` = ``cpp``, ``cpp23``): ``g++ -std=gnu++XX -O2`` run *inside the
  sandbox* (a source file can ``#include`` any path, so compiling untrusted code is itself
  untrusted), with a compile time limit; a compile error is a value
  (:attr:`CompileResult.error`, the first ``max_error_lines`` lines of the compiler's output).
* **Python** (``python``): checked for syntax in this process (``compile()`` executes
  nothing) and run with this interpreter (``sys.executable``), so numpy is importable.
* **Cache**: binaries (and deterministic compile errors) are stored under
  ``agentzoo.llm.cache.cache_dir() / "compile"``, keyed by the hash of the source, the
  language, the flags and the compiler's version; writes are atomic, so threads and processes
  may share the cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agentzoo.tools import sandbox
from agentzoo.tools.sandbox import Execution

__all__ = [
    "LANGUAGES",
    "CompileResult",
    "Program",
    "compile_and_run",
    "compile_program",
    "run_program",
]

log = logging.getLogger(__name__)

LANGUAGES: dict[str, str | None] = {
    "cpp": "gnu++20",
    "cpp17": "gnu++17",
    "cpp20": "gnu++20",
    "cpp23": "gnu++23",
    "python": None,
}
"""Language id -> the ``-std=`` given to g++ (None: not compiled)."""

CXX_FLAGS = ("-O2", "-pipe")
PYTHON_FLAGS = ("-B", "-s")  # no .pyc files, no user site-packages


@dataclass(frozen=True)
class Program:
    """A program ready to run in the sandbox: files to place in the work dir and the command."""

    language: str
    """Language id (a key of :data:`LANGUAGES`)."""
    source_hash: str
    """The cache key (sha256 of source, language, flags and compiler version)."""
    argv: tuple[str, ...]
    """The command line, relative to the work directory (``./main`` or ``python main.py``)."""
    files: Mapping[str, bytes | Path] = field(default_factory=dict)
    """Work-directory files the command needs (the binary, or the Python source)."""


@dataclass(frozen=True)
class CompileResult:
    """The outcome of :func:`compile_program`; a compile error is a value, not an exception."""

    ok: bool
    """True when ``program`` is runnable."""
    program: Program | None
    """The program (None on a compile error)."""
    error: str
    """The compiler's diagnostics on failure (first ``max_error_lines`` lines), else ''."""
    cached: bool
    """Served from the compile cache."""
    compile_s: float
    """Wall seconds spent compiling (0 for a cache hit)."""
    execution: Execution | None = None
    """The compiler's sandboxed run (None for cache hits and Python)."""


def compile_program(
    source: str | bytes,
    language: str = "cpp20",
    *,
    flags: Sequence[str] = (),
    time_limit_s: float = 60.0,
    memory_limit_mb: float = 4096.0,
    max_error_lines: int = 100,
    use_cache: bool = True,
    mode: sandbox.Mode | None = None,
) -> CompileResult:
    """Compile ``source`` (C++) or check it (Python); see the module docstring.

    ``flags`` are extra compiler flags (C++) or interpreter options (Python), and enter the
    cache key. Raises ``ValueError`` for an unknown language, never for a bad program.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language: unknown {language!r}; allowed: {', '.join(LANGUAGES)}")
    code = source.encode() if isinstance(source, str) else source
    std = LANGUAGES[language]
    if std is None:
        return _check_python(code, language, tuple(flags), max_error_lines)
    if language == "cpp23" and not _gxx_accepts(std):
        raise ValueError("language: cpp23 is not supported by this g++ (-std=gnu++23 rejected)")
    key = _key(code, language, (f"-std={std}", *CXX_FLAGS, *flags))
    entry = _cache_root() / key[:2] / key
    with _key_lock(key):
        if use_cache:
            hit = _cached(entry, language, key, max_error_lines)
            if hit is not None:
                return hit
        started = time.perf_counter()
        work = Path(tempfile.mkdtemp(prefix="agentzoo-cc-"))
        try:
            ex = sandbox.run(
                ["g++", f"-std={std}", *CXX_FLAGS, *flags, "-o", "main", "main.cpp"],
                files={"main.cpp": code},
                workdir=work,
                time_limit_s=time_limit_s,
                memory_limit_mb=memory_limit_mb,
                max_processes=32,
                max_output_bytes=1 << 20,
                max_file_bytes=512 << 20,
                mode=mode,
                tmp_size_mb=512,
            )
            elapsed = time.perf_counter() - started
            binary = work / "main"
            if ex.exit_code == 0 and binary.is_file():
                if use_cache:
                    _store(entry, "main", binary.read_bytes(), executable=True)
                    program_path = entry / "main"
                else:
                    program_path = Path(tempfile.mkdtemp(prefix="agentzoo-bin-")) / "main"
                    shutil.copy2(binary, program_path)
                return CompileResult(
                    True, _cxx_program(language, key, program_path), "", False, elapsed, ex
                )
            error = _diagnostics(ex, time_limit_s, max_error_lines)
            if (
                use_cache
                and ex.exit_code not in (None, 0)
                and not (ex.timed_out or ex.memory_exceeded)
            ):
                _store(entry, "error.txt", error.encode(), executable=False)
            return CompileResult(False, None, error, False, elapsed, ex)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def run_program(
    program: Program,
    *,
    stdin: bytes | str | None = None,
    args: Sequence[str] = (),
    files: Mapping[str, sandbox.FileContent] | None = None,
    **limits: object,
) -> Execution:
    """Run a compiled program in the sandbox; ``limits`` are :func:`agentzoo.tools.sandbox.run`'s
    keyword arguments (``time_limit_s``, ``memory_limit_mb``, ``workdir``, ...)."""
    placed: dict[str, sandbox.FileContent] = dict(program.files)
    placed.update(files or {})
    return sandbox.run([*program.argv, *args], stdin=stdin, files=placed, **limits)  # type: ignore[arg-type]


def compile_and_run(
    source: str | bytes,
    language: str = "cpp20",
    *,
    stdin: bytes | str | None = None,
    flags: Sequence[str] = (),
    compile_time_limit_s: float = 60.0,
    **limits: object,
) -> tuple[CompileResult, Execution | None]:
    """Compile, then run once; the execution is None when compilation failed."""
    built = compile_program(source, language, flags=flags, time_limit_s=compile_time_limit_s)
    if not built.ok or built.program is None:
        return built, None
    return built, run_program(built.program, stdin=stdin, **limits)  # type: ignore[arg-type]


# -- internals ----------------------------------------------------------------------------------


def _check_python(
    code: bytes, language: str, flags: tuple[str, ...], max_error_lines: int
) -> CompileResult:
    started = time.perf_counter()
    key = _key(code, language, (*PYTHON_FLAGS, *flags))
    try:
        compile(code, "main.py", "exec", dont_inherit=True)  # parses only; runs nothing
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as err:
        message = _head(f"{type(err).__name__}: {err}", max_error_lines)
        return CompileResult(False, None, message, False, time.perf_counter() - started)
    program = Program(
        language, key, (sys.executable, *PYTHON_FLAGS, *flags, "main.py"), {"main.py": code}
    )
    return CompileResult(True, program, "", False, time.perf_counter() - started)


def _cxx_program(language: str, key: str, binary: Path) -> Program:
    return Program(language, key, ("./main",), {"main": binary})


def _cached(entry: Path, language: str, key: str, max_error_lines: int) -> CompileResult | None:
    if (entry / "main").is_file():
        return CompileResult(True, _cxx_program(language, key, entry / "main"), "", True, 0.0)
    if (entry / "error.txt").is_file():
        error = _head((entry / "error.txt").read_text(errors="replace"), max_error_lines)
        return CompileResult(False, None, error, True, 0.0)
    return None


def _store(entry: Path, name: str, data: bytes, *, executable: bool) -> None:
    entry.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=entry, prefix=f".{name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o755 if executable else 0o644)
        os.replace(tmp, entry / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _diagnostics(ex: Execution, time_limit_s: float, max_error_lines: int) -> str:
    if ex.timed_out:
        return f"compilation timed out after {time_limit_s:g} s"
    if ex.memory_exceeded:
        return f"compilation exceeded the memory limit ({ex.max_rss_mb:.0f} MiB used)"
    text = (ex.stderr_text + ex.stdout_text).strip()
    return _head(text or f"compiler failed: {ex.status}", max_error_lines)


def _head(text: str, max_lines: int) -> str:
    lines = text.splitlines()
    if len(lines) <= max_lines:
        return text
    return "\n".join([*lines[:max_lines], f"... ({len(lines) - max_lines} more lines)"])


def _key(code: bytes, language: str, flags: Sequence[str]) -> str:
    meta = json.dumps(
        {"language": language, "flags": list(flags), "compiler": _compiler_id(language)}
    )
    return hashlib.sha256(meta.encode() + b"\0" + code).hexdigest()


def _compiler_id(language: str) -> str:
    if LANGUAGES[language] is None:
        return sys.version
    return _gxx_version()


@functools.cache
def _gxx_version() -> str:
    gxx = shutil.which("g++")
    if gxx is None:
        return "g++ missing"
    try:
        out = subprocess.run([gxx, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "g++ unknown"
    return f"{os.path.realpath(gxx)} {out.splitlines()[0] if out else ''}"


@functools.cache
def _gxx_accepts(std: str) -> bool:
    gxx = shutil.which("g++")
    if gxx is None:
        return False
    done = subprocess.run(
        [gxx, f"-std={std}", "-fsyntax-only", "-x", "c++", "-"],
        input=b"int main(){}",
        capture_output=True,
    )
    return done.returncode == 0


def _cache_root() -> Path:
    from agentzoo.llm.cache import cache_dir

    return cache_dir() / "compile"


_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _key_lock(key: str) -> threading.Lock:
    """One lock per cache key: two threads compiling the same source compile it once."""
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())
