"""Build (once) and locate ``sandbox-init``, the sandbox's first process (``sandbox_init.cpp``).

It is compiled with the host's ``g++`` (statically when the static C library is installed) into
``agentzoo.llm.cache.cache_dir() / "sandbox"``, keyed by the hash of its source and of the
compiler, with an atomic rename so concurrent first uses are safe. Without a compiler the
sandbox still works through ``setpriv``/``prlimit`` (see :mod:`agentzoo.tools._launch`), but
then the reported max RSS includes the supervising Python process's memory at spawn time.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
from importlib import resources
from pathlib import Path

log = logging.getLogger(__name__)

_lock = threading.Lock()


def _source() -> bytes:
    return resources.files("agentzoo.tools").joinpath("sandbox_init.cpp").read_bytes()


@functools.cache
def _build() -> str | None:
    from agentzoo.llm.cache import cache_dir

    gxx = shutil.which("g++")
    if gxx is None:
        log.warning("g++ not found: the sandbox runs without sandbox-init (max RSS less exact)")
        return None
    source = _source()
    version = subprocess.run([gxx, "--version"], capture_output=True, timeout=60).stdout
    key = hashlib.sha256(source + b"\0" + version).hexdigest()[:16]
    target = cache_dir() / "sandbox" / f"sandbox-init-{key}"
    if target.is_file() and os.access(target, os.X_OK):
        return str(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="agentzoo-init-") as tmp:
        src = Path(tmp) / "sandbox_init.cpp"
        src.write_bytes(source)
        out = Path(tmp) / "sandbox-init"
        for extra in (["-static"], []):
            done = subprocess.run(
                [gxx, "-O2", *extra, "-o", str(out), str(src)], capture_output=True, timeout=300
            )
            if done.returncode == 0:
                break
        else:
            log.warning(
                "could not build sandbox-init: %s", done.stderr.decode(errors="replace")[-500:]
            )
            return None
        os.chmod(out, 0o755)
        staged = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
        shutil.copy2(out, staged)
        os.replace(staged, target)
    return str(target)


def init_path() -> str | None:
    """Path of the compiled ``sandbox-init`` (built on first call), or None when it cannot be
    built. ``$AGENTZOO_SANDBOX_INIT`` overrides it (an empty value disables it)."""
    override = os.environ.get("AGENTZOO_SANDBOX_INIT")
    if override is not None:
        return override if override and os.access(override, os.X_OK) else None
    with _lock:
        return _build()
