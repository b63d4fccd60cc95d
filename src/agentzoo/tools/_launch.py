"""How a sandboxed command line is built: bubblewrap arguments, rlimits, the unprivileged uid.

:mod:`agentzoo.tools.sandbox` supervises a process; this module decides what that process is:

``bwrap <namespaces, mounts> -- sandbox-init <rlimits, uid> -- CMD``

* ``bwrap`` (Debian ``bubblewrap``) gives new pid/net/ipc/uts/cgroup namespaces, a root that
  holds only read-only system directories (``/usr``, ``/etc``, the Python installation), a
  private ``/tmp`` of bounded size, and the work directory as the only writable host path.
* ``sandbox-init`` (``sandbox_init.cpp``, built once by :mod:`agentzoo.tools._helper`) is pid 1
  of the namespace: it sets the rlimits, drops privileges, forks the program (so its max RSS
  is its own, not inherited from the Python supervisor), reaps it and everything it left,
  and reports exit status and rusage on a status pipe.
* When we are root, bubblewrap runs in its privileged mode (no user namespace, every
  capability kept) and ``sandbox-init`` drops all capabilities and switches to a uid of its
  own from a pool (:mod:`agentzoo.tools._uids`). A real unprivileged uid is what makes
  ``RLIMIT_NPROC`` count (the kernel never applies it to uid 0), and it cannot read root's
  files even where they are visible.
* As an ordinary user, bubblewrap makes a user namespace (the limit then counts per namespace).

Without bubblewrap the same chain runs without its first link (``mode="rlimit"``). Without a
C++ compiler (no ``sandbox-init``), ``setpriv`` and ``prlimit`` (util-linux) take its place.
"""

from __future__ import annotations

import functools
import logging
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MODES = ("auto", "bwrap", "rlimit")
"""``auto``: bubblewrap when it works, else rlimits only (with a warning); ``bwrap``: refuse to
run without bubblewrap; ``rlimit``: rlimits only (no isolation of files or network)."""

SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")


class SandboxUnavailableError(RuntimeError):
    """Isolation was required (``mode="bwrap"``) but bubblewrap cannot run here."""


@dataclass(frozen=True)
class Limits:
    """The resource limits of one run (already validated by :func:`agentzoo.tools.sandbox.run`)."""

    cpu_limit_s: float
    max_processes: int
    max_file_bytes: int
    data_limit_bytes: int | None
    tmp_size_bytes: int


# -- bubblewrap detection -------------------------------------------------------------------


def bwrap_path() -> str | None:
    """The bubblewrap executable: ``$AGENTZOO_BWRAP`` if set (empty or ``none`` means "pretend
    bubblewrap is not installed", for tests of the fallback), else ``bwrap`` on ``PATH``."""
    override = os.environ.get("AGENTZOO_BWRAP")
    if override is not None:
        if override.strip().lower() in {"", "none", "0", "false"}:
            return None
        found = shutil.which(override)
        return found
    return shutil.which("bwrap")


PROBE_RETRY_S = 30.0
"""A failed probe is believed for this long; a successful one for the process's lifetime."""
_probes: dict[tuple[str, int], tuple[float, str | None]] = {}
_probe_lock = threading.Lock()


def probe_bwrap(path: str, euid: int) -> str | None:
    """Whether bubblewrap works here: None when it does, else the reason it does not. A
    failure is retried after :data:`PROBE_RETRY_S`, so one transient failure (a machine out of
    processes, say) does not leave a long-lived process unsandboxed for good."""
    with _probe_lock:
        known = _probes.get((path, euid))
    if known is not None and (known[1] is None or time.monotonic() - known[0] < PROBE_RETRY_S):
        return known[1]
    reason = _probe(path)
    with _probe_lock:
        _probes[(path, euid)] = (time.monotonic(), reason)
    return reason


def _probe(path: str) -> str | None:
    """Run ``true`` in a full sandbox; None when it works, else the reason it does not."""
    workdir = Path(tempfile.mkdtemp(prefix="agentzoo-probe-"))
    try:
        argv = bwrap_argv(path, workdir, network=False, tmp_size_bytes=1 << 20, uid=None)
        done = subprocess.run(
            [*argv, "true"], capture_output=True, timeout=30, env={"PATH": "/usr/bin:/bin"}
        )
    except (OSError, subprocess.SubprocessError) as err:
        return f"{path} could not run: {err}"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip() or f"exit code {done.returncode}"
        return f"{path} failed (user namespaces unavailable?): {message}"
    return None


def resolve_mode(mode: str | None) -> tuple[str, str | None, str]:
    """Decide how to run: (``"bwrap"`` or ``"rlimit"``, bwrap path, why bwrap is not used: empty
    when it is used or when ``rlimit`` was asked for).

    ``mode`` defaults to ``$AGENTZOO_SANDBOX`` (or ``auto``). Raises
    :class:`SandboxUnavailableError` when ``bwrap`` is required but cannot run.
    """
    wanted = (mode or os.environ.get("AGENTZOO_SANDBOX") or "auto").strip().lower()
    if wanted not in MODES:
        raise ValueError(f"sandbox mode: unknown {wanted!r}; allowed: {', '.join(MODES)}")
    if wanted == "rlimit":
        return "rlimit", None, ""
    path = bwrap_path()
    reason = (
        "bubblewrap (bwrap) is not installed" if path is None else probe_bwrap(path, os.geteuid())
    )
    if reason is None and path is not None:
        return "bwrap", path, ""
    if wanted == "bwrap":
        raise SandboxUnavailableError(
            f"sandbox mode 'bwrap' refuses to run without isolation: {reason}. "
            "Install bubblewrap (apt-get install bubblewrap) or set AGENTZOO_SANDBOX=auto."
        )
    return "rlimit", None, reason or "bubblewrap failed"


# -- command lines ---------------------------------------------------------------------------


def python_dirs() -> list[str]:
    """Directories of the running Python (venv and base installation) outside the system dirs."""
    candidates = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        str(Path(os.path.realpath(sys.executable)).parent.parent),
    }
    dirs: list[str] = []
    for raw in sorted(candidates):
        path = os.path.realpath(raw)
        if path == "/" or any(_inside(path, d) for d in SYSTEM_DIRS):
            continue
        dirs.append(path)
    # keep the outermost ones only (a venv inside the base prefix needs no bind of its own)
    return [d for d in dirs if not any(o != d and _inside(d, o) for o in dirs)]


def _inside(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


INIT_INSIDE = "/.sandbox-init"
"""Where ``sandbox-init`` appears inside the bubblewrap sandbox."""
WORK_INSIDE = "/sandbox"
"""The work directory inside the sandbox when it is a private tmpfs (no host directory)."""


@dataclass(frozen=True)
class Placed:
    """A file placed in a private (tmpfs) work directory: bound read-only from a host path,
    or copied from a file descriptor (a memfd holding bytes)."""

    dest: str
    source: str | None = None
    fd: int | None = None
    mode: int = 0o644


def bwrap_argv(
    bwrap: str,
    workdir: Path | None,
    *,
    network: bool,
    tmp_size_bytes: int,
    uid: int | None,
    ro_paths: Sequence[str] = (),
    init: str | None = None,
    placed: Sequence[Placed] = (),
) -> list[str]:
    """The bubblewrap part of the chain, up to and including ``--``. ``workdir`` None gives a
    private tmpfs work directory at :data:`WORK_INSIDE` holding the ``placed`` files."""
    argv = [*_bwrap_base(bwrap, network, tmp_size_bytes, tuple(ro_paths))]
    if init is not None:
        argv += ["--ro-bind", init, INIT_INSIDE]
    if workdir is None:
        work = WORK_INSIDE
        argv += ["--size", str(tmp_size_bytes), "--perms", "0777", "--tmpfs", work]
        made = {work}
        for item in placed:
            dest = f"{work}/{item.dest}"
            for parent in reversed(Path(dest).parents):
                if _inside(str(parent), work) and str(parent) not in made:
                    made.add(str(parent))
                    argv += ["--perms", "0777", "--dir", str(parent)]
            if item.source is not None:
                argv += ["--ro-bind", item.source, dest]
            else:
                argv += ["--perms", f"{item.mode:04o}", "--file", str(item.fd), dest]
    else:
        work = str(workdir)
        argv += [*_parents(work, _MADE_BY_BASE), "--bind", work, work]
    argv += ["--chdir", work, "--"]
    return argv


_MADE_BY_BASE = frozenset({"/", "/tmp", "/dev", "/proc", *SYSTEM_DIRS})


def _parents(dest: str, made: set[str] | frozenset[str]) -> list[str]:
    # bwrap creates missing parents with mode 0700 (unusable after the uid switch)
    out: list[str] = []
    for parent in reversed(Path(dest).parents):
        p = str(parent)
        if p not in made:
            out += ["--perms", "0755", "--dir", p]
    return out


@functools.lru_cache(maxsize=64)
def _bwrap_base(
    bwrap: str, network: bool, tmp_size_bytes: int, ro_paths: tuple[str, ...]
) -> tuple[str, ...]:
    # --as-pid-1: our first process (sandbox-init) is pid 1 of the namespace. bwrap's own
    # reaper would hide the run's rusage (bwrap does not wait for it) and let the run's
    # processes outlive bwrap by a few milliseconds; with pid 1 ours, its exit tears the
    # namespace down before bwrap (and then we) reap it.
    argv = [bwrap, "--die-with-parent", "--new-session", "--as-pid-1"]
    argv += ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if not network:
        argv.append("--unshare-net")
    if os.geteuid() != 0:
        argv += ["--unshare-user", "--disable-userns"]
    # as root without a user namespace bubblewrap keeps every capability for the first
    # process: sandbox-init drops them all (and the uid) before the program starts
    made = set(_MADE_BY_BASE)
    for name in SYSTEM_DIRS:
        if os.path.islink(name):
            argv += ["--symlink", os.readlink(name), name]
        elif os.path.isdir(name):
            argv += ["--ro-bind", name, name]
    for path in [*python_dirs(), *(os.path.realpath(p) for p in ro_paths)]:
        if any(_inside(path, m) for m in SYSTEM_DIRS):
            continue
        parents = _parents(path, made)
        made.update(str(p) for p in Path(path).parents)
        argv += [*parents, "--ro-bind", path, path]
        made.add(path)
    argv += ["--proc", "/proc", "--dev", "/dev"]
    argv += ["--size", str(tmp_size_bytes), "--perms", "1777", "--tmpfs", "/tmp"]
    argv += ["--size", str(tmp_size_bytes), "--perms", "1777", "--tmpfs", "/dev/shm"]
    return tuple(argv)


def init_argv(
    init: str,
    limits: Limits,
    *,
    uid: int | None,
    status_fd: int,
    pdeathsig: bool,
    kill_all: bool,
    wait_fd: int | None = None,
    read_all: bool = False,
) -> list[str]:
    """``sandbox-init <limits> --``; ``init`` is its path as the sandbox sees it."""
    argv = [init, "--cpu", str(max(1, math.ceil(limits.cpu_limit_s)))]
    argv += ["--fsize", str(limits.max_file_bytes), "--nproc", str(limits.max_processes)]
    if limits.data_limit_bytes is not None:
        argv += ["--data", str(limits.data_limit_bytes)]
    if uid is not None:
        argv += ["--uid", str(uid), "--gid", str(uid)]
    argv += ["--status-fd", str(status_fd)]
    if wait_fd is not None:
        argv += ["--wait-fd", str(wait_fd)]
    if pdeathsig:
        argv.append("--pdeathsig")
    if kill_all:
        argv.append("--kill-all")
    if read_all:
        argv.append("--read-all")
    argv.append("--")
    return argv


def rlimit_argv(limits: Limits, *, uid: int | None, pdeathsig: bool) -> list[str]:
    """``[setpriv ... --] prlimit ... --``: drop every capability and switch to ``uid`` (as
    root), then set the rlimits (used only when ``sandbox-init`` cannot be built)."""
    argv: list[str] = []
    if os.geteuid() == 0 or pdeathsig:
        argv += ["setpriv"]
        if uid is not None:
            argv += [f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
        if os.geteuid() == 0:
            # an empty bounding set leaves even uid 0 without capabilities after exec
            argv += [
                "--inh-caps=-all",
                "--ambient-caps=-all",
                "--bounding-set=-all",
                "--no-new-privs",
            ]
        if pdeathsig:
            argv.append("--pdeathsig=KILL")
        argv.append("--")
    cpu = max(1, math.ceil(limits.cpu_limit_s))
    argv += [
        "prlimit",
        f"--cpu={cpu}:{cpu + 1}",  # SIGXCPU at the soft limit, SIGKILL one second later
        f"--fsize={limits.max_file_bytes}",
        f"--nproc={limits.max_processes}",
        "--core=0",
    ]
    if limits.data_limit_bytes is not None:
        argv.append(f"--data={limits.data_limit_bytes}")
    argv.append("--")
    return argv


def sandbox_env(workdir: Path, mode: str, extra: Mapping[str, str] | None) -> dict[str, str]:
    """A small, clean environment: nothing of the caller's (no API keys, no proxies)."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(workdir),
        "TMPDIR": "/tmp" if mode == "bwrap" else str(workdir),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
    }
    if extra:
        env.update({str(k): str(v) for k, v in extra.items()})
    return env
