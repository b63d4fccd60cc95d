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

import contextlib
import math
import os
import select
import signal
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Literal

from agentzoo.tools import _launch, _prepare, _supervise
from agentzoo.tools._launch import SandboxUnavailableError
from agentzoo.tools._prepare import FileContent
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


@dataclass(frozen=True)
class Execution:
    """What happened to one sandboxed run."""

    stdout: bytes
    """Standard output, at most ``max_output_bytes`` of it."""
    stderr: bytes
    """Standard error, at most ``max_output_bytes`` of it."""
    exit_code: int | None
    """Exit status when the program exited normally, None when a signal ended it."""
    signal: int | None
    """The signal that ended the program (e.g. 9 SIGKILL, 11 SIGSEGV, 24 SIGXCPU), else None."""
    wall_s: float
    """The program's wall-clock seconds, from its start to its exit (measured by sandbox-init;
    the time limit counts over the same span)."""
    cpu_s: float
    """User + system CPU seconds of the program and its waited-for children."""
    max_rss_mb: float
    """Largest resident set size of any process of the run, in MiB (from ``os.wait4``)."""
    timed_out: bool
    """The wall-clock limit was reached and the run was killed."""
    memory_exceeded: bool
    """``max_rss_mb`` exceeded ``memory_limit_mb`` (or the data-segment guard stopped it)."""
    output_truncated: bool
    """stdout or stderr reached ``max_output_bytes``; the program was stopped there."""
    cpu_exceeded: bool
    """The CPU-time rlimit ended the program (SIGXCPU, then SIGKILL)."""
    mode: str
    """``"bwrap"`` (isolated) or ``"rlimit"`` (rlimits only, no file/network isolation)."""
    workdir: str
    """The work directory as the program saw it (deleted after the run unless the caller
    passed one)."""
    elapsed_s: float = 0.0
    """Wall-clock seconds of the whole run as the caller saw it (sandbox start-up included)."""

    @property
    def ok(self) -> bool:
        """Exited with status 0 and no limit was hit."""
        return self.exit_code == 0 and not (
            self.timed_out or self.memory_exceeded or self.output_truncated or self.cpu_exceeded
        )

    @property
    def stdout_text(self) -> str:
        """stdout decoded as UTF-8 (invalid bytes replaced)."""
        return self.stdout.decode("utf-8", errors="replace")

    @property
    def stderr_text(self) -> str:
        """stderr decoded as UTF-8 (invalid bytes replaced)."""
        return self.stderr.decode("utf-8", errors="replace")

    @property
    def status(self) -> str:
        """A short verdict: ``ok``, ``timeout``, ``memory``, ``cpu``, ``output``, ``signal N``
        (``SIGNAME``) or ``exit N``."""
        if self.timed_out:
            return "timeout"
        if self.memory_exceeded:
            return "memory"
        if self.cpu_exceeded:
            return "cpu"
        if self.output_truncated:
            return "output"
        if self.signal is not None:
            return f"signal {self.signal} ({_signal_name(self.signal)})"
        return "ok" if self.exit_code == 0 else f"exit {self.exit_code}"


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
    setup = _prepare.Setup(
        cmd,
        files=files,
        workdir=workdir,
        time_limit_s=time_limit_s,
        memory_limit_mb=memory_limit_mb,
        cpu_limit_s=cpu_limit_s,
        max_processes=max_processes,
        max_output_bytes=max_output_bytes,
        network=network,
        env=env,
        mode=mode,
        max_file_bytes=max_file_bytes,
        memory_guard=memory_guard,
        ro_paths=ro_paths,
        tmp_size_mb=tmp_size_mb,
    )
    try:
        data = stdin.encode() if isinstance(stdin, str) else stdin
        return _finish(setup, setup.supervisor(data, interactive=False))
    finally:
        setup.close()


def _finish(setup: _prepare.Setup, supervisor: _supervise.Supervisor) -> Execution:
    raw = supervisor.loop()
    if supervisor.join_error is not None:
        raise SandboxError(f"could not move the run into its cgroup: {supervisor.join_error}")
    if setup.init is not None and raw.report is None and not raw.hard_killed:
        # sandbox-init always reports unless it never ran: bubblewrap itself failed
        detail = raw.stderr.decode(errors="replace").strip()[-1000:]
        raise SandboxError(
            f"the sandbox failed to start ({setup.mode} mode): {detail or 'no output'}"
        )
    return _verdict(raw, setup, oom_killed=setup.oom_killed())


class Process:
    """A sandboxed program the caller talks to through its stdin and stdout.

    :meth:`write` sends (and flushes), :meth:`readline` receives a line with a timeout that
    never runs past the program's time limit (an interactive judge's per-read timeout).
    :attr:`stdin` and :attr:`stdout` are the raw binary pipes for other protocols (use either
    them or :meth:`readline` for reading, not both: it keeps its own buffer). The wall-clock
    limit, rlimits, stderr cap and clean-up work as in :func:`run`; :meth:`wait` returns the
    :class:`Execution` (its ``stdout`` is empty: the caller read it). Use it as a context
    manager: leaving the block kills the program if it still runs.
    """

    def __init__(self, setup: _prepare.Setup, supervisor: _supervise.Supervisor) -> None:
        """Start supervising (use :func:`spawn`, not this)."""
        self._setup = setup
        self._supervisor = supervisor
        self._result: Execution | None = None
        self._error: BaseException | None = None
        self._buffer = bytearray()
        self._thread = threading.Thread(target=self._watch, name="agentzoo-sandbox", daemon=True)
        self._thread.start()

    def write(self, data: bytes | str) -> bool:
        """Send ``data`` (text is UTF-8 encoded) and flush; False when the program has closed
        its input or ended."""
        try:
            self.stdin.write(data.encode() if isinstance(data, str) else data)
            self.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            return False
        return True

    def readline(self, timeout: float | None = None) -> bytes:
        """The next line of output (with its newline; what is left at end of output; ``b""``
        at end of output). Raises ``TimeoutError`` when no full line arrives within
        ``timeout`` seconds or before the program's time limit, whichever comes first."""
        fd = self.stdout.fileno()
        limit = None if timeout is None else time.perf_counter() + timeout
        while True:
            newline = self._buffer.find(b"\n")
            if newline >= 0:
                line = bytes(self._buffer[: newline + 1])
                del self._buffer[: newline + 1]
                return line
            now = time.perf_counter()
            until = (
                self._supervisor.deadline
                if limit is None
                else min(limit, self._supervisor.deadline)
            )
            if now >= until and self._thread.is_alive():
                raise TimeoutError("no complete line of output before the timeout")
            ready, _, _ = select.select(
                [fd], [], [], max(0.0, until - now) if self._thread.is_alive() else 0.05
            )
            if not ready:
                if not self._thread.is_alive():  # ended without a final newline
                    rest, self._buffer = bytes(self._buffer), bytearray()
                    return rest
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                rest, self._buffer = bytes(self._buffer), bytearray()
                return rest
            self._buffer += chunk

    @property
    def stdin(self) -> IO[bytes]:
        """The program's standard input."""
        return self._supervisor.stdin

    @property
    def stdout(self) -> IO[bytes]:
        """The program's standard output."""
        return self._supervisor.stdout

    @property
    def deadline(self) -> float:
        """``time.perf_counter()`` value at which the run is killed (for per-read timeouts)."""
        return self._supervisor.deadline

    def _watch(self) -> None:
        setup = self._setup
        try:
            self._result = _finish(setup, self._supervisor)
        except BaseException as err:  # surfaced by wait()
            self._error = err
        finally:
            setup.close()

    def poll(self) -> Execution | None:
        """The result if the run is over (program exited and reaped), else None."""
        return self._result if not self._thread.is_alive() else None

    def kill(self) -> None:
        """Stop the program now (it is reported as killed, not as timed out)."""
        self._supervisor.stop()

    def wait(self, timeout: float | None = None) -> Execution:
        """Wait for the program to end (at the latest at its time limit) and return the
        result; ``TimeoutError`` if ``timeout`` seconds pass first."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"the sandboxed program is still running after {timeout} s")
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def close(self) -> Execution:
        """Close stdin (the program sees end of input), wait, close stdout; the result."""
        with contextlib.suppress(OSError):
            self.stdin.close()
        result = self.wait()
        with contextlib.suppress(OSError):
            self.stdout.close()
        return result

    def __enter__(self) -> Process:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread.is_alive():
            self.kill()
        with contextlib.suppress(OSError):
            self.stdin.close()
        self._thread.join()
        with contextlib.suppress(OSError):
            self.stdout.close()


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
    setup = _prepare.Setup(
        cmd,
        files=files,
        workdir=workdir,
        time_limit_s=time_limit_s,
        memory_limit_mb=memory_limit_mb,
        cpu_limit_s=cpu_limit_s,
        max_processes=max_processes,
        max_output_bytes=max_output_bytes,
        network=network,
        env=env,
        mode=mode,
        max_file_bytes=max_file_bytes,
        memory_guard=memory_guard,
        ro_paths=ro_paths,
        tmp_size_mb=tmp_size_mb,
    )
    try:
        supervisor = setup.supervisor(None, interactive=True)
    except BaseException:
        setup.close()
        raise
    return Process(setup, supervisor)


def _verdict(raw: _supervise.Raw, setup: _prepare.Setup, *, oom_killed: bool) -> Execution:
    mode, limits, memory_limit_mb = setup.mode, setup.limits, setup.memory_limit_mb
    report = raw.report
    if report is not None:
        exit_code, sig = report.exit_code, report.signal
        cpu_s, max_rss_kb, wall_s = report.cpu_s, report.max_rss_kb, report.wall_s
    else:  # no sandbox-init report: decode the outer status; rusage includes our own memory
        exit_code, sig = None, None
        if os.WIFSIGNALED(raw.status):
            sig = os.WTERMSIG(raw.status)
        else:
            exit_code = os.WEXITSTATUS(raw.status)
            if mode == "bwrap" and 128 < exit_code <= 128 + 64:
                # bwrap reports a child killed by signal N as exit code 128 + N (as shells do)
                sig, exit_code = exit_code - 128, None
        cpu_s, max_rss_kb, wall_s = raw.cpu_s, raw.max_rss_kb, raw.wall_s
    max_rss_mb = max_rss_kb / 1024.0
    memory_exceeded = oom_killed or (memory_limit_mb is not None and max_rss_mb > memory_limit_mb)
    # SIGXCPU comes only from RLIMIT_CPU's soft limit; SIGKILL from its hard limit one second
    # later (a program that ignores SIGXCPU), told apart from our own kills by the CPU used
    cpu_exceeded = not raw.timed_out and (
        sig == signal.SIGXCPU
        or (
            sig == signal.SIGKILL
            and not raw.output_truncated
            and cpu_s >= math.ceil(limits.cpu_limit_s) - 0.1
        )
    )
    return Execution(
        stdout=raw.stdout,
        stderr=raw.stderr,
        exit_code=exit_code,
        signal=sig,
        wall_s=wall_s,
        cpu_s=cpu_s,
        max_rss_mb=max_rss_mb,
        timed_out=raw.timed_out,
        memory_exceeded=memory_exceeded,
        output_truncated=raw.output_truncated,
        cpu_exceeded=cpu_exceeded,
        mode=mode,
        workdir=setup.inside,
        elapsed_s=raw.wall_s,
    )


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return "?"
