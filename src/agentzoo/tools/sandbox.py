"""Run untrusted, model-written code: bubblewrap isolation, rlimits, time/memory/output limits.

>>> from agentzoo.tools import sandbox
>>> ex = sandbox.run(["python3", "-c", "print(input()[::-1])"], stdin="olleh", time_limit_s=5)
>>> ex.stdout, ex.exit_code, ex.mode
(b'hello\\n', 0, 'bwrap')

What a run gets (see ``docs/tools.md`` for the threat model):

* **Isolation** (``mode="bwrap"``, Debian ``bubblewrap``): new pid/net/ipc/uts namespaces; a root
  holding only read-only ``/usr``, ``/etc`` and the Python installation; no home directory, no
  repository, no host ``/tmp``; a private ``/tmp`` of bounded size; the work directory as the
  only writable host path; no network unless ``network=True``; ``--die-with-parent``. As root,
  the program runs as an unprivileged uid of its own (see :mod:`agentzoo.tools._launch`).
* **Limits**: rlimits on CPU time, file size, number of processes and threads, core dumps off,
  and a data-segment guard; a wall-clock timeout that kills every process of the run; memory
  judged from the children's maximum RSS (``os.wait4``), never ``RLIMIT_AS`` (it breaks numpy);
  stdout and stderr capped (exceeding the cap stops the program, like a judge's output limit).
* **Fallback**: without bubblewrap or user namespaces, ``mode="auto"`` logs a loud warning and
  runs with rlimits only; :attr:`Execution.mode` says ``"rlimit"``. ``mode="bwrap"`` (or
  ``AGENTZOO_SANDBOX=bwrap``) refuses to run unsandboxed and raises
  :class:`SandboxUnavailableError`.

:func:`run` is thread-safe: concurrent runs share nothing but the uid pool's lock files.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from agentzoo.tools import _helper, _launch, _supervise
from agentzoo.tools._launch import Limits, SandboxUnavailableError
from agentzoo.tools._supervise import SandboxError

__all__ = ["Execution", "SandboxError", "SandboxUnavailableError", "resolve_mode", "run"]

log = logging.getLogger(__name__)

Mode = Literal["auto", "bwrap", "rlimit"]
FileContent = bytes | str | os.PathLike[str]

_MIB = 1 << 20
_warned: set[str] = set()
_warn_lock = threading.Lock()


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
    """Wall-clock seconds from start to exit (sandbox start-up included)."""
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
    """The work directory (deleted after the run unless the caller passed one)."""

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
            text, or a host path to copy (its permission bits are kept, so binaries stay
            executable).
        workdir: the writable work directory (created if missing, kept afterwards); by
            default a fresh temporary directory, deleted after the run.
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
        tmp_size_mb: size of the private ``/tmp`` and ``/dev/shm`` (bwrap mode).
    """
    _check_limits(time_limit_s, memory_limit_mb, cpu_limit_s, max_processes, max_output_bytes)
    argv_cmd = [os.fspath(c) for c in cmd]
    if not argv_cmd:
        raise ValueError("cmd: must name a program")
    chosen, bwrap, reason = _launch.resolve_mode(mode)
    if chosen == "rlimit" and reason:
        _warn_once(
            reason,
            "SANDBOX DISABLED: %s. Running with rlimits only: the program can read and write "
            "your files and use the network. Install bubblewrap, or set AGENTZOO_SANDBOX=bwrap "
            "to refuse unsandboxed runs.",
        )
    data = stdin.encode() if isinstance(stdin, str) else stdin
    limits = Limits(
        cpu_limit_s=cpu_limit_s if cpu_limit_s is not None else math.ceil(time_limit_s) + 1,
        max_processes=max_processes,
        max_file_bytes=max_file_bytes,
        data_limit_bytes=_data_guard(memory_limit_mb) if memory_guard else None,
        tmp_size_bytes=int(tmp_size_mb * _MIB),
    )
    init = _helper.init_path()
    private = workdir is None and chosen == "bwrap"  # a tmpfs inside the sandbox, nothing on disk
    keep = workdir is not None
    work: Path | None = None
    owner: os.stat_result | None = None
    if not private:
        work = (
            Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="agentzoo-sbx-"))
        )
        work.mkdir(parents=True, exist_ok=True)
        work = work.resolve()
        owner = work.stat()
    placed: list[_launch.Placed] = []
    try:
        with _launch.lease_uid() as uid:
            if (
                work is not None
                and chosen == "rlimit"
                and uid is not None
                and not _reachable(argv_cmd[0], work)
            ):
                _warn_once(
                    f"uid:{argv_cmd[0]}",
                    "rlimit mode: %s is not accessible to an unprivileged user, so it runs as "
                    "root, where the kernel does not enforce the process limit",
                    argv_cmd[0],
                )
                uid = None
            if chosen == "rlimit" and uid is None and os.geteuid() != 0:
                # RLIMIT_NPROC counts every task of this user: allow the program its share on top
                limits = replace(
                    limits, max_processes=max_processes + _launch.user_process_count(os.getuid())
                )
            if work is None:
                placed = _place_files(files or {})
            else:
                _write_files(work, files or {}, uid)
                if uid is not None:
                    os.chown(work, uid, uid)
            inside = str(work) if work is not None else _launch.WORK_INSIDE

            def make_argv(status_fd: int) -> list[str]:
                if init is not None:
                    inner = _launch.init_argv(
                        _launch.INIT_INSIDE if chosen == "bwrap" else init,
                        limits,
                        uid=uid,
                        status_fd=status_fd,
                        pdeathsig=chosen == "rlimit",
                        kill_all=chosen == "bwrap" or uid is not None,
                    )
                else:
                    inner = _launch.rlimit_argv(limits, uid=uid, pdeathsig=chosen == "rlimit")
                if chosen == "rlimit":
                    return [*inner, *argv_cmd]
                assert bwrap is not None
                outer = _launch.bwrap_argv(
                    bwrap,
                    work,
                    network=network,
                    tmp_size_bytes=limits.tmp_size_bytes,
                    uid=uid,
                    ro_paths=[os.fspath(p) for p in ro_paths],
                    init=init,
                    placed=placed,
                )
                return [*outer, *inner, *argv_cmd]

            raw = _supervise.supervise(
                make_argv,
                env=_launch.sandbox_env(Path(inside), chosen, env),
                cwd=work or Path("/"),
                stdin=data,
                time_limit_s=time_limit_s,
                max_output_bytes=max_output_bytes,
                bwrap=chosen == "bwrap",
                has_init=init is not None,
                sweep_uid=uid if chosen == "rlimit" else None,
                pass_fds=[p.fd for p in placed if p.fd is not None],
            )
    finally:
        for item in placed:
            if item.fd is not None:
                with contextlib.suppress(OSError):
                    os.close(item.fd)
        if work is not None and keep and owner is not None:
            with contextlib.suppress(OSError):
                os.chown(work, owner.st_uid, owner.st_gid)
        elif work is not None:
            shutil.rmtree(work, ignore_errors=True)
    return _verdict(raw, chosen, inside, limits, memory_limit_mb)


def _verdict(
    raw: _supervise.Raw, mode: str, workdir: str, limits: Limits, memory_limit_mb: float | None
) -> Execution:
    report = raw.report
    if report is not None:
        exit_code, sig = report.exit_code, report.signal
        cpu_s, max_rss_kb = report.cpu_s, report.max_rss_kb
    else:  # no sandbox-init report: decode the outer status; rusage includes our own memory
        exit_code, sig = None, None
        if os.WIFSIGNALED(raw.status):
            sig = os.WTERMSIG(raw.status)
        else:
            exit_code = os.WEXITSTATUS(raw.status)
            if mode == "bwrap" and 128 < exit_code <= 128 + 64:
                # bwrap reports a child killed by signal N as exit code 128 + N (as shells do)
                sig, exit_code = exit_code - 128, None
        cpu_s, max_rss_kb = raw.cpu_s, raw.max_rss_kb
    max_rss_mb = max_rss_kb / 1024.0
    memory_exceeded = memory_limit_mb is not None and max_rss_mb > memory_limit_mb
    cpu_exceeded = (
        not raw.timed_out
        and sig in (signal.SIGXCPU, signal.SIGKILL)
        and cpu_s >= math.ceil(limits.cpu_limit_s) - 0.05
    )
    return Execution(
        stdout=raw.stdout,
        stderr=raw.stderr,
        exit_code=exit_code,
        signal=sig,
        wall_s=raw.wall_s,
        cpu_s=cpu_s,
        max_rss_mb=max_rss_mb,
        timed_out=raw.timed_out,
        memory_exceeded=memory_exceeded,
        output_truncated=raw.output_truncated,
        cpu_exceeded=cpu_exceeded,
        mode=mode,
        workdir=workdir,
    )


# -- helpers ------------------------------------------------------------------------------------


def _check_limits(
    time_limit_s: float,
    memory_limit_mb: float | None,
    cpu_limit_s: float | None,
    max_processes: int,
    max_output_bytes: int,
) -> None:
    if not time_limit_s > 0:
        raise ValueError(f"time_limit_s: must be > 0, got {time_limit_s}")
    if memory_limit_mb is not None and not memory_limit_mb > 0:
        raise ValueError(f"memory_limit_mb: must be > 0 or None, got {memory_limit_mb}")
    if cpu_limit_s is not None and not cpu_limit_s > 0:
        raise ValueError(f"cpu_limit_s: must be > 0 or None, got {cpu_limit_s}")
    if max_processes < 1:
        raise ValueError(f"max_processes: must be >= 1, got {max_processes}")
    if max_output_bytes < 0:
        raise ValueError(f"max_output_bytes: must be >= 0, got {max_output_bytes}")


def _data_guard(memory_limit_mb: float | None) -> int | None:
    if memory_limit_mb is None:
        return None
    return int(max(2 * memory_limit_mb, memory_limit_mb + 512) * _MIB)


def _relative(name: str) -> Path:
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise ValueError(f"files: {name!r} must be a relative path inside the work directory")
    return rel


def _place_files(files: Mapping[str, FileContent]) -> list[_launch.Placed]:
    """Files for a private tmpfs work dir: host paths are bound read-only (no copy), bytes and
    text travel in memfds that bubblewrap copies in."""
    placed: list[_launch.Placed] = []
    try:
        for name, content in files.items():
            dest = str(_relative(name))
            if isinstance(content, bytes | str):
                fd = os.memfd_create("agentzoo-file", os.MFD_CLOEXEC)
                placed.append(_launch.Placed(dest, fd=fd))
                view = memoryview(content.encode() if isinstance(content, str) else content)
                while view:
                    view = view[os.write(fd, view) :]
                os.lseek(fd, 0, os.SEEK_SET)
            else:
                source = os.path.realpath(content)
                if not os.path.isfile(source):
                    raise FileNotFoundError(f"files: {name!r}: {source} is not a file")
                placed.append(_launch.Placed(dest, source=source))
    except BaseException:
        for item in placed:
            if item.fd is not None:
                os.close(item.fd)
        raise
    return placed


def _write_files(work: Path, files: Mapping[str, FileContent], uid: int | None) -> None:
    for name, content in files.items():
        rel = _relative(name)
        target = work / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        elif isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            shutil.copyfile(content, target)
            shutil.copymode(content, target)
        if uid is not None:
            os.chown(target, uid, uid)
            for parent in rel.parents:
                if str(parent) != ".":
                    os.chown(work / parent, uid, uid)


def _reachable(program: str, work: Path) -> bool:
    if "/" not in program:
        found = shutil.which(program, path="/usr/local/bin:/usr/bin:/bin")
        return found is not None and _launch.reachable_by_others(found)
    path = Path(program) if os.path.isabs(program) else work / program
    return str(path).startswith(str(work)) or _launch.reachable_by_others(str(path))


def _warn_once(key: str, message: str, *args: object) -> None:
    with _warn_lock:
        first = key not in _warned
        _warned.add(key)
    if first:
        log.warning(message, *args if args else (key,))
    else:
        log.debug(message, *args if args else (key,))


def _signal_name(sig: int) -> str:
    try:
        return signal.Signals(sig).name
    except ValueError:
        return "?"
