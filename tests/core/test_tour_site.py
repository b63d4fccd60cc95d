"""The zoo tour resumes after an interruption; the results site renders in a real browser."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from agentzoo.runs import read_status

TOUR = [sys.executable, "-m", "agentzoo", "tour", "--systems", "llm-check,atp", "--model", "scripted:echo"]


@pytest.fixture(scope="module")
def tour_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tour interrupted after its first system, then resumed."""
    out = tmp_path_factory.mktemp("tour")
    proc = subprocess.Popen([*TOUR, "--out", str(out)], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while read_status(out / "llm-check").get("state") != "complete":
        assert proc.poll() is None and time.monotonic() < deadline, "the tour never finished llm-check"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # interrupt the tour and its current child
    proc.wait()
    out.joinpath("first_finished_at").write_text(read_status(out / "llm-check")["finished_at"])
    resumed = subprocess.run([*TOUR, "--out", str(out)], capture_output=True, text=True, timeout=600)
    out.joinpath("resumed.txt").write_text(resumed.stdout + resumed.stderr)
    return out


def test_resume_does_not_rerun_finished_systems(tour_dir: Path):
    log = (tour_dir / "resumed.txt").read_text()
    assert "llm-check       skipped" in log and "atp             done" in log
    assert read_status(tour_dir / "llm-check")["finished_at"] == (tour_dir / "first_finished_at").read_text()
    assert read_status(tour_dir / "atp")["state"] == "complete"


def test_a_failing_system_is_reported_and_the_others_run(tmp_path: Path):
    proc = subprocess.run([sys.executable, "-m", "agentzoo", "tour", "--systems", "llm-check,atp", "--model",
                           "scripted:reward_follower", "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1
    assert read_status(tmp_path / "llm-check")["state"] == "failed"
    assert "unknown scripted policy" in read_status(tmp_path / "llm-check")["error"]
    assert read_status(tmp_path / "atp")["state"] == "complete"
    index = (tmp_path / "site" / "index.html").read_text()
    assert "failed" in index and "atp.html" in index


def _chromium() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):  # the test setup installs Debian's chromium
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, capture_output=True, timeout=900)
    found = shutil.which("chromium")
    if not found:
        pytest.skip("Debian chromium is not installed and cannot be installed here")
    return found


def test_site_in_headless_chromium(tour_dir: Path, tmp_path: Path):
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    site = tour_dir / "site"
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    problems: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=_chromium(), args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            page.goto(f"{base}/index.html")
            links = page.eval_on_selector_all("table a", "els => els.map(e => e.getAttribute('href'))")
            assert set(links) == {"llm-check.html", "atp.html"}
            page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
            for link in links:
                response = page.goto(f"{base}/{link}")
                assert response is not None and response.ok
                images = page.evaluate("Array.from(document.images).map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])")
                assert images and all(ok for _, ok in images), images
            browser.close()
    finally:
        server.shutdown()
    assert problems == []
    assert (tmp_path / "index.png").stat().st_size > 10_000
    json.dumps(problems)
