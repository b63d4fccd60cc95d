"""Run untrusted, model-written code: bubblewrap isolation, rlimits, time/memory/output limits.

>>> from agentzoo.tools import sandbox
>>> ex = sandbox.run(["python3", "-c", "print(input()[::-1])"], stdin="olleh", time_limit_s=5)
>>> ex.stdout, ex.exit_code, ex.mode
(b'hello\\n', 0, 'bwrap')

What a run gets (see ``docs/tools.md`` for the threat model):

* **Isolation** (``mode="bwrap"``, Debian ``bubblewrap``): new pid/net/ipc/uts/cgroup
  namespaces; a root holding only read-only ``/usr``, ``/etc`` and the Python installation; no
  home directory, no repository, no host ``/tmp``; private ``/tmp`` and work directory of
  bounded size (or a host ``workdir`` you pass: then the only writable host path); no network
  unless ``network=True``; ``--die-with-parent``; no capabilities; as root, an unprivileged
  uid of its own (see :mod:`agentzoo.tools._launch`).
* **Limits**: rlimits on CPU time, file size, number of processes and threads, core dumps off,
  and a data-segment guard; a wall-clock timeout that kills every process of the run; memory
  judged from the children's maximum RSS (``os.wait4``), never ``RLIMIT_AS`` (it breaks numpy);
  stdout and stderr capped (exceeding the cap stops the program, like a judge's output limit).
* **Fallback**: without bubblewrap or user namespaces, ``mode="auto"`` logs a loud warning and
  runs with rlimits only; :attr:`Execution.mode` says ``"rlimit"``. ``mode="bwrap"`` (or
  ``AGENTZOO_SANDBOX=bwrap``) refuses to run unsandboxed and raises
  :class:`SandboxUnavailableError`.

:func:`run` is thread-safe: concurrent runs share nothing but the uid pool's lock files.
:func:`spawn` starts the same kind of run for a conversation over stdin/stdout (interactive
judges, a feeder that trades one bar per decision), with the same limits and verdict.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from agentzoo.tools import _launch, _prepare
from agentzoo.tools._execution import Execution, finish
from agentzoo.tools._launch import SandboxUnavailableError
from agentzoo.tools._prepare import FileContent
from agentzoo.tools._process import Process
from agentzoo.tools._supervise import SandboxError

__all__ = [
    "Execution",
    "FileContent",
    "Mode",
    "Process",
    "SandboxError",
    "SandboxUnavailableError",
    "resolve_mode",
    "run",
    "spawn",
]

Mode = Literal["auto", "bwrap", "rlimit"]
"""``auto``: bubblewrap when it works, else rlimits only (with a loud warning); ``bwrap``:
refuse to run without isolation; ``rlimit``: rlimits only (no file or network isolation)."""

_MIB = 1 << 20

def resolve_mode(mode: Mode | None = None) -> str:
    """The mode a run would use now: ``"bwrap"`` or ``"rlimit"`` (raises when ``bwrap`` is
    required and unavailable). ``mode`` defaults to ``$AGENTZOO_SANDBOX`` or ``auto``."""
    return _launch.resolve_mode(mode)[0]


def run(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    stdin: bytes | str | None = None,
    files: Mapping[str, FileContent] | None = None,
    workdir: str | os.PathLike[str] | None = None,
    time_limit_s: float = 10.0,
    memory_limit_mb: float | None = 1024.0,
    cpu_limit_s: float | None = None,
    max_processes: int = 64,
    max_output_bytes: int = 16 * _MIB,
    network: bool = False,
    env: Mapping[str, str] | None = None,
    mode: Mode | None = None,
    max_file_bytes: int = 64 * _MIB,
    memory_guard: bool = True,
    ro_paths: Sequence[str | os.PathLike[str]] = (),
    tmp_size_mb: float = 128.0,
) -> Execution:
    """Run ``cmd`` in the sandbox and return what happened (never raises for the program's
    failures: they are in the :class:`Execution`).

    Args:
        cmd: program and arguments; a relative program path (``./main``) is looked up in the
            work directory, a bare name on ``/usr/local/bin:/usr/bin:/bin``.
        stdin: data fed to standard input (``str`` is UTF-8 encoded); None gives an empty stdin.
        files: files to create in the work directory before the run: relative name -> bytes,
            text, or a host path (its permission bits are kept, so binaries stay executable;
            with bubblewrap and no ``workdir`` it is bound read-only rather than copied).
        workdir: a host directory to work in (created if missing, kept afterwards, so the
            program's output files can be read). By default the work directory is private:
            a tmpfs of ``tmp_size_mb`` inside bubblewrap (nothing touches the host disk), or
            a temporary directory deleted after the run in rlimit mode.
        time_limit_s: wall-clock limit; the whole run is killed when it is reached.
        memory_limit_mb: judged from the maximum RSS (``memory_exceeded``); None: unlimited.
        cpu_limit_s: ``RLIMIT_CPU`` per process (rounded up to whole seconds); default
            ``ceil(time_limit_s) + 1``.
        max_processes: ``RLIMIT_NPROC``: processes plus threads the program may have at once.
        max_output_bytes: cap on each of stdout and stderr; reaching it stops the program.
        network: share the host's network (default: none, not even loopback to the host).
        env: extra environment variables (the caller's environment is never passed on).
        mode: ``auto``, ``bwrap`` (refuse to run unsandboxed) or ``rlimit``; default
            ``$AGENTZOO_SANDBOX`` or ``auto``.
        max_file_bytes: ``RLIMIT_FSIZE``: the largest file the program may write.
        memory_guard: also set ``RLIMIT_DATA`` to ``max(2·limit, limit + 512 MiB)`` so a
            runaway allocation is stopped, not only reported.
        ro_paths: extra host paths made visible read-only at the same place (bwrap mode).
        tmp_size_mb: size of the private ``/tmp``, ``/dev/shm`` and work tmpfs (bwrap mode).
    """
    setup = _setup(cmd, locals())
    try:
        data = stdin.encode() if isinstance(stdin, str) else stdin
        return finish(setup, setup.supervisor(data, interactive=False))
    finally:
        setup.close()


def spawn(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    files: Mapping[str, FileContent] | None = None,
    workdir: str | os.PathLike[str] | None = None,
    time_limit_s: float = 10.0,
    memory_limit_mb: float | None = 1024.0,
    cpu_limit_s: float | None = None,
    max_processes: int = 64,
    max_output_bytes: int = 16 * _MIB,
    network: bool = False,
    env: Mapping[str, str] | None = None,
    mode: Mode | None = None,
    max_file_bytes: int = 64 * _MIB,
    memory_guard: bool = True,
    ro_paths: Sequence[str | os.PathLike[str]] = (),
    tmp_size_mb: float = 128.0,
) -> Process:
    """Start ``cmd`` in the sandbox for an interactive conversation; arguments as in
    :func:`run` (``max_output_bytes`` caps stderr only: stdout is the caller's to read).

    >>> with spawn(["cat"], time_limit_s=5) as p:
    ...     _ = p.stdin.write(b"ping\\n"); p.stdin.flush()
    ...     p.stdout.readline()
    b'ping\\n'
    """
    setup = _setup(cmd, locals())
    try:
        supervisor = setup.supervisor(None, interactive=True)
    except BaseException:
        setup.close()
        raise
    return Process(setup, supervisor)


def _setup(cmd: Sequence[str | os.PathLike[str]], arguments: Mapping[str, Any]) -> _prepare.Setup:
    """Prepare a run from :func:`run`'s or :func:`spawn`'s arguments (their ``locals()``, taken
    first thing, so they hold exactly the parameters): one place that passes the options on."""
    options = {name: value for name, value in arguments.items() if name not in ("cmd", "stdin")}
    return _prepare.Setup(cmd, **options)
