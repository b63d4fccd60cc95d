"""The unprivileged uids sandboxed programs run as when we are root, and process sweeps.

The kernel never applies ``RLIMIT_NPROC`` to uid 0, so as root every run gets a uid of its
own from a pool (``AGENTZOO_SANDBOX_UIDS``, default ``60000-60255``), held under an exclusive
``flock`` for the run's duration: threads and processes never share one, each run's process
limit is its own, and a sweep of "every process of this uid" only ever hits the run's own
leftovers.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_UIDS = "60000-60255"
# one place for every process on the machine (not $TMPDIR, which may differ between them)
_LOCK_DIR = Path(
    "/run/agentzoo-sandbox-uids" if os.path.isdir("/run") else "/tmp/agentzoo-sandbox-uids"
)


def uid_pool() -> range | None:
    """The uids that sandboxed programs run as when we are root (None: do not switch uid)."""
    if os.geteuid() != 0:
        return None
    spec = os.environ.get("AGENTZOO_SANDBOX_UIDS", DEFAULT_UIDS).strip().lower()
    if spec in {"", "none", "0", "off"}:
        return None
    first, _, last = spec.partition("-")
    try:
        low, high = int(first), int(last or first)
    except ValueError as err:
        raise ValueError(f"AGENTZOO_SANDBOX_UIDS: expected 'FIRST-LAST', got {spec!r}") from err
    if not 0 < low <= high:
        raise ValueError(f"AGENTZOO_SANDBOX_UIDS: expected 0 < FIRST <= LAST, got {spec!r}")
    return range(low, high + 1)


@contextmanager
def lease_uid() -> Iterator[int | None]:
    """Hold a uid of the pool for the duration of one run (an exclusive ``flock`` per uid, so
    threads and processes never share one). Yields None when no uid switch applies."""
    pool = uid_pool()
    if pool is None:
        yield None
        return
    _LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
    start = random.randrange(len(pool))
    for i in range(len(pool)):
        uid = pool[(start + i) % len(pool)]
        # flock locks belong to open file descriptions: two threads of one process conflict too
        fd = os.open(_LOCK_DIR / f"{uid}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            os.close(fd)
            if err.errno in (errno.EWOULDBLOCK, errno.EACCES):
                continue
            raise
        try:
            yield uid
        finally:
            os.close(fd)  # releases the flock
        return
    raise RuntimeError(f"all {len(pool)} sandbox uids are busy (AGENTZOO_SANDBOX_UIDS)")


@functools.lru_cache(maxsize=256)
def reachable_by_others(path: str) -> bool:
    """Whether an unprivileged user could execute ``path`` (every directory on the way
    searchable and the file executable by "others")."""
    real = Path(os.path.realpath(path))
    try:
        for parent in reversed(real.parents):
            if not os.stat(parent).st_mode & 0o001:
                return False
        return bool(os.stat(real).st_mode & 0o005 == 0o005)
    except OSError:
        return False


def user_process_count(uid: int) -> int:
    """How many tasks (threads included, as RLIMIT_NPROC counts them) ``uid`` runs now."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid == uid:
                count += len(os.listdir(f"/proc/{entry.name}/task"))
        except OSError:
            continue
    return count


def kill_uid(uid: int) -> int:
    """SIGKILL every living process owned by ``uid`` (a leased pool uid, so only leftovers of
    our own run); repeat while any is found. Returns how many were signalled."""
    killed = 0
    for _ in range(50):
        found = 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                if entry.stat().st_uid != uid:
                    continue
                stat = Path(entry.path, "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    continue  # already dead, waiting to be reaped
                os.kill(int(entry.name), 9)
                found += 1
            except (OSError, ValueError, IndexError):
                continue
        killed += found
        if not found:
            break
        time.sleep(0.001)
    return killed
