"""Security tests: each is a real attempt from inside the sandbox, checked from the host.

Where a check could pass for the wrong reason, the same attempt is also made with the
protection lifted (``network=True``, or ``mode="rlimit"``) to show that the attempt itself works.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from agentzoo.tools import sandbox

PY = sys.executable
REPO = Path(__file__).resolve().parents[2]

CONNECT = """
import socket, sys
try:
    socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).close()
    print("connected")
except OSError as err:
    print("blocked", type(err).__name__, err)
"""


def _listener() -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    return server


def _accepted(server: socket.socket) -> bool:
    try:
        conn, _ = server.accept()
    except TimeoutError:
        return False
    conn.close()
    return True


def test_no_connection_to_host_loopback(bwrap_mode: str) -> None:
    server = _listener()
    port = str(server.getsockname()[1])
    try:
        ex = sandbox.run([PY, "-c", CONNECT, "127.0.0.1", port], time_limit_s=15)
        assert ex.stdout.startswith(b"blocked"), ex.stdout + ex.stderr
        assert not _accepted(server)
        # the same attempt with the network shared does reach the listener
        shared = sandbox.run([PY, "-c", CONNECT, "127.0.0.1", port], time_limit_s=15, network=True)
        assert shared.stdout.startswith(b"connected"), shared.stdout + shared.stderr
        assert _accepted(server)
    finally:
        server.close()


def test_no_connection_to_external_address(bwrap_mode: str) -> None:
    ex = sandbox.run([PY, "-c", CONNECT, "1.1.1.1", "53"], time_limit_s=15)
    assert ex.stdout.startswith(b"blocked"), ex.stdout
    assert b"unreachable" in ex.stdout.lower()  # no route at all, not merely a slow timeout
    dns = sandbox.run(
        [PY, "-c", "import socket; socket.getaddrinfo('example.com', 80)"], time_limit_s=15
    )
    assert dns.exit_code == 1 and b"gaierror" in dns.stderr


def test_no_writes_outside_workdir(bwrap_mode: str) -> None:
    tag = uuid.uuid4().hex
    targets = {
        "repo": REPO / f"pwned-{tag}.txt",
        "src": REPO / "src" / f"pwned-{tag}.txt",
        "home": Path.home() / f"pwned-{tag}.txt",
        "host_tmp": Path("/tmp") / f"pwned-{tag}.txt",
        "venv": Path(sys.prefix) / f"pwned-{tag}.txt",
        "etc": Path("/etc") / f"pwned-{tag}.txt",
    }
    script = (
        "import sys\n"
        "for name, path in zip(sys.argv[1::2], sys.argv[2::2]):\n"
        "    try:\n"
        "        open(path, 'w').write('x'); print(name, 'written')\n"
        "    except OSError as err:\n"
        "        print(name, 'refused', type(err).__name__)\n"
    )
    args = [x for name, path in targets.items() for x in (name, str(path))]
    ex = sandbox.run([PY, "-c", script, *args], time_limit_s=15)
    lines = dict(line.split(" ", 1) for line in ex.stdout_text.splitlines())
    # /tmp inside is a private tmpfs: the write succeeds there and never reaches the host
    assert lines.pop("host_tmp") == "written"
    assert all(v.startswith("refused") for v in lines.values()), lines
    assert not any(p.exists() for p in targets.values())


def test_no_reading_home_ssh_or_repo(bwrap_mode: str) -> None:
    probes = [
        str(Path.home() / ".ssh"),
        str(Path.home()),
        str(REPO / "pyproject.toml"),
        str(REPO / "src"),
        "/etc/shadow",
    ]
    script = (
        "import os, sys\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        print('read', path, os.listdir(path) if os.path.isdir(path) else open(path).read(20))\n"
        "    except OSError as err:\n"
        "        print('denied', path, type(err).__name__)\n"
    )
    ex = sandbox.run([PY, "-c", script, *probes], time_limit_s=15)
    out = ex.stdout_text.splitlines()
    assert len(out) == len(probes)
    # home may exist inside as an empty mount-point parent (the Python installation can live
    # under it); nothing of the host's home is listed there
    for line in out:
        if line.startswith("read"):
            assert line.split(" ", 2)[1] == str(Path.home()) and ".ssh" not in line, line
        else:
            assert line.startswith("denied"), line
    assert (REPO / "pyproject.toml").exists()  # it is there on the host


def test_the_projects_own_package_is_not_importable(bwrap_mode: str) -> None:
    """Generated code cannot reach agentzoo (e.g. agentzoo.llm) from inside; without the
    sandbox it can, which is what makes the check meaningful."""
    inside = sandbox.run([PY, "-c", "import agentzoo"], time_limit_s=20)
    assert inside.exit_code == 1 and b"No module named 'agentzoo'" in inside.stderr
    outside = subprocess.run([PY, "-c", "import agentzoo"], capture_output=True)
    assert outside.returncode == 0


def test_fork_bomb_is_stopped_by_the_process_limit(bwrap_mode: str) -> None:
    # bounded on purpose: at most 2**10 processes even if the limit failed
    bomb = (
        "import os, time\n"
        "failed = 0\n"
        "for _ in range(10):\n"
        "    try:\n"
        "        os.fork()\n"
        "    except OSError:\n"
        "        failed += 1\n"
        "time.sleep(0.5)\n"
        "if failed: print('fork failed')\n"
    )
    start = time.perf_counter()
    ex = sandbox.run([PY, "-c", bomb], max_processes=16, time_limit_s=10)
    assert time.perf_counter() - start < 11
    assert b"fork failed" in ex.stdout
    counting = (
        "import os, time\n"
        "n = 0\n"
        "while n < 200:\n"
        "    try:\n"
        "        pid = os.fork()\n"
        "    except OSError:\n"
        "        break\n"
        "    if pid == 0:\n"
        "        time.sleep(3); os._exit(0)\n"
        "    n += 1\n"
        "print(n)\n"
    )
    ex = sandbox.run([PY, "-c", counting], max_processes=16, time_limit_s=10)
    assert ex.stdout.strip().isdigit() and int(ex.stdout) < 16  # the program itself is one


def test_infinite_loop_times_out(bwrap_mode: str) -> None:
    start = time.perf_counter()
    ex = sandbox.run([PY, "-c", "while True: pass"], time_limit_s=1.0)
    elapsed = time.perf_counter() - start
    assert ex.timed_out and ex.status == "timeout" and not ex.ok
    assert 1.0 <= ex.wall_s <= 1.5 and elapsed <= 1.5
    assert ex.wall_s <= ex.elapsed_s  # the program's own time excludes the sandbox's start-up


def test_sigterm_ignoring_process_is_killed(bwrap_mode: str) -> None:
    script = (
        "import os, signal, sys\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "while True: pass\n"
    )
    start = time.perf_counter()
    ex = sandbox.run([PY, "-c", script], time_limit_s=1.0)
    assert ex.timed_out and time.perf_counter() - start <= 1.5


def _host_processes_with(marker: str) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if marker.encode() in Path(entry.path, "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.parametrize("mode", ["bwrap", "rlimit"])
def test_no_leftover_children(bwrap_mode: str, mode: str) -> None:
    marker = f"{int(uuid.uuid4().int % 10**6)}.123"  # sleep's argument, unique to this test
    # a daemon in a new session, and a double-forked one whose parent is gone
    script = f"setsid sleep {marker} & (setsid sleep {marker} &); sleep 0.2; echo parent done"
    ex = sandbox.run(["sh", "-c", script], time_limit_s=10, mode=mode)  # type: ignore[arg-type]
    assert ex.exit_code == 0, ex.stderr
    assert ex.stdout == b"parent done\n"
    assert _host_processes_with(marker) == []


def test_leftover_detector_sees_unsandboxed_daemons() -> None:
    """Control for the test above: the same script run without the sandbox leaves daemons."""
    marker = f"{int(uuid.uuid4().int % 10**6)}.124"
    subprocess.run(
        ["sh", "-c", f"setsid sleep {marker} & (setsid sleep {marker} &); sleep 0.2"], check=True
    )
    found = _host_processes_with(marker)
    for pid in found:
        os.kill(pid, signal.SIGKILL)
    assert len(found) == 2


def test_leftovers_killed_on_timeout(bwrap_mode: str) -> None:
    marker = f"{int(uuid.uuid4().int % 10**6)}.321"
    script = f"import subprocess; subprocess.Popen(['sleep', '{marker}'], start_new_session=True)\nwhile True: pass\n"
    ex = sandbox.run([PY, "-c", script], time_limit_s=1.0)
    assert ex.timed_out
    assert _host_processes_with(marker) == []


def test_memory_hog_is_flagged_and_stopped(bwrap_mode: str) -> None:
    hog = "chunks = []\nwhile True:\n    chunks.append(bytearray(b'1') * (32 << 20))\n"
    start = time.perf_counter()
    ex = sandbox.run([PY, "-c", hog], memory_limit_mb=128, time_limit_s=20)
    assert ex.memory_exceeded and ex.status == "memory"
    assert not ex.timed_out and time.perf_counter() - start < 20  # the data guard stopped it
    assert b"MemoryError" in ex.stderr


def test_gigabyte_of_output_is_truncated(bwrap_mode: str) -> None:
    script = "import sys\nblock = b'x' * (1 << 20)\nfor _ in range(1024): sys.stdout.buffer.write(block)\n"
    start = time.perf_counter()
    ex = sandbox.run([PY, "-c", script], max_output_bytes=4 << 20, time_limit_s=30)
    assert ex.output_truncated and ex.status == "output"
    assert len(ex.stdout) == 4 << 20
    assert time.perf_counter() - start < 10  # stopped at the cap, not after writing 1 GB


def test_big_file_is_capped(bwrap_mode: str, tmp_path: Path) -> None:
    script = "f = open('big', 'wb')\nfor _ in range(64): f.write(b'x' * (1 << 20))\n"
    ex = sandbox.run([PY, "-c", script], max_file_bytes=8 << 20, workdir=tmp_path, time_limit_s=20)
    assert not ex.ok and b"File too large" in ex.stderr
    assert (tmp_path / "big").stat().st_size <= 8 << 20


def test_tmp_is_bounded(bwrap_mode: str) -> None:
    script = "f = open('/tmp/fill', 'wb')\nfor _ in range(64): f.write(b'x' * (1 << 20))\n"
    ex = sandbox.run([PY, "-c", script], tmp_size_mb=16, time_limit_s=20)
    assert not ex.ok and b"No space left" in ex.stderr


CAPS = "grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status; id -u"


@pytest.mark.parametrize(
    "settings",
    [
        {},  # the default: a pool uid
        {"AGENTZOO_SANDBOX_UIDS": "none"},  # root keeps uid 0 (when root), still no capability
        {"AGENTZOO_SANDBOX_INIT": ""},  # without sandbox-init: setpriv and prlimit
        {"AGENTZOO_SANDBOX": "rlimit", "AGENTZOO_SANDBOX_UIDS": "none"},
        {"AGENTZOO_SANDBOX": "rlimit", "AGENTZOO_SANDBOX_INIT": ""},
    ],
)
def test_program_has_no_capabilities(
    bwrap_mode: str, monkeypatch: pytest.MonkeyPatch, settings: dict[str, str]
) -> None:
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    ex = sandbox.run(["sh", "-c", CAPS], time_limit_s=15)
    assert ex.exit_code == 0, ex.stderr
    *caps, uid = ex.stdout_text.split("\n")[:-1]
    assert len(caps) == 5 and all(line.split()[1] == "0" * 16 for line in caps), caps
    if os.geteuid() == 0 and not settings:
        assert int(uid) != 0


@pytest.mark.skipif(os.geteuid() != 0, reason="the uid pool is used only as root")
def test_rlimit_mode_sweeps_stale_processes_of_its_uid(monkeypatch: pytest.MonkeyPatch) -> None:
    """A run whose supervisor died leaves processes under its pool uid; the next lease of
    that uid kills them first (bwrap mode needs none: the namespace dies with bwrap)."""
    monkeypatch.setenv("AGENTZOO_SANDBOX_UIDS", "60990-60990")
    marker = f"{int(uuid.uuid4().int % 10**6)}.456"
    stray = subprocess.Popen(
        ["setpriv", "--reuid=60990", "--regid=60990", "--clear-groups", "sleep", marker]
    )
    try:
        time.sleep(0.2)
        assert _host_processes_with(marker) == [stray.pid]
        ex = sandbox.run(["true"], mode="rlimit", time_limit_s=10)
        assert ex.ok
        assert stray.wait(timeout=5) == -signal.SIGKILL
    finally:
        stray.kill()
        stray.wait()


@pytest.mark.skipif(os.geteuid() != 0, reason="the uid pool is used only as root")
def test_rlimit_mode_keeps_the_process_limit_for_an_unreachable_interpreter(tmp_path: Path) -> None:
    """Without bubblewrap, a Python that only root can reach (here under /root/.pyenv) still
    runs as a pool uid: the fork limit holds and root's files are not writable; the one
    capability it keeps is CAP_DAC_READ_SEARCH (to read its installation)."""
    probe = (
        "import os\n"
        "caps = {l.split(':')[0]: l.split()[1] for l in open('/proc/self/status') if l.startswith('Cap')}\n"
        "try:\n    open(os.environ['TARGET'], 'w')\n    wrote = True\nexcept OSError:\n    wrote = False\n"
        "print(os.getuid(), caps['CapEff'], caps['CapAmb'], caps['CapBnd'], wrote)\n"
    )
    target = tmp_path / "root-owned"  # pytest's tmp dir belongs to root
    ex = sandbox.run([PY, "-c", probe], mode="rlimit", env={"TARGET": str(target)}, time_limit_s=20)
    uid, eff, amb, bnd, wrote = ex.stdout_text.split()
    assert int(uid) != 0 and wrote == "False" and not target.exists()
    assert eff == amb == bnd == f"{1 << 2:016x}"  # CAP_DAC_READ_SEARCH is capability 2
    counting = "import os, time\nn = 0\nwhile n < 200:\n    try:\n        pid = os.fork()\n    except OSError:\n        break\n    if pid == 0:\n        time.sleep(3); os._exit(0)\n    n += 1\nprint(n)\n"
    bomb = sandbox.run([PY, "-c", counting], mode="rlimit", max_processes=16, time_limit_s=20)
    assert int(bomb.stdout) < 16
