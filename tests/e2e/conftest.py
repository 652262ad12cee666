"""Browser-test harness: the real Streamlit server driven by Debian's Chromium.

Fixtures
--------
``app_server``
    Starts ``streamlit run app/streamlit_app.py`` once per test session on a
    free port (headless, no usage stats, no file watcher, with the Python that
    runs the tests) and yields its base URL once ``/_stcore/health`` answers.
``browser``
    Chromium, launched once per session through Playwright's sync API.
``app``
    An :class:`AppPage` for one test: a fresh browser context (so no state
    leaks between tests) on the running server.

Every test module here sets ``pytestmark = pytest.mark.e2e`` so that
``pytest -m "not e2e"`` leaves the browser tests out.

The tests skip, with the reason, only when no Chromium is installed and the
``CI`` environment variable is unset; in CI a missing browser is a failure.
Screenshots of every page a test visits land in ``tests/e2e/artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 60.0
IDLE_TIMEOUT = 60.0


def find_chromium() -> str | None:
    """Debian's Chromium, or any ``chromium`` on the PATH; None when there is none."""
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, server: subprocess.Popen, log: Path) -> None:
    """Poll the server's health endpoint until it answers "ok"; fail with its log if it dies."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"streamlit did not answer within {SERVER_START_TIMEOUT} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        message = "no Chromium found at /usr/bin/chromium or on PATH (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must install it")
        pytest.skip(f"browser tests need a browser: {message}")
    return path


@pytest.fixture(scope="session")
def app_server(chromium_path: str) -> Iterator[str]:
    """Base URL of a Streamlit server running the app for the whole session."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    log = ARTIFACTS / "streamlit-server.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app/streamlit_app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("w") as log_file:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


class AppPage:
    """One browser tab on the app, with waits that match how Streamlit works.

    After every action Streamlit reruns the script; :meth:`wait_idle` returns
    once the run has finished and the page has stopped changing, so a test can
    read what the user would see. :meth:`open` and :meth:`go_to` save a
    screenshot of the page they land on.
    """

    def __init__(self, page, base_url: str, test_name: str):
        self.page = page
        self.base_url = base_url
        self.test_name = re.sub(r"[^\w-]+", "_", test_name)
        self.shots = 0

    def open(self, path: str = "", query: str = "") -> AppPage:
        """Load ``/<path>?<query>`` in the tab, wait for the app, take a screenshot."""
        url = f"{self.base_url}/{path}" + (f"?{query}" if query else "")
        self.page.goto(url)
        self.wait_idle()
        return self.screenshot()

    def go_to(self, title: str) -> AppPage:
        """Open a page by clicking its title in the sidebar navigation."""
        nav = self.page.get_by_test_id("stSidebarNav")
        nav.get_by_role("link", name=title, exact=False).first.click()
        self.wait_idle()
        return self.screenshot()

    def snapshot(self) -> str:
        """What is running and what is shown, as a string that changes when either does."""
        return self.page.evaluate(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                if (!app) return 'no-app';
                const main = document.querySelector('[data-testid="stMain"]');
                return [
                    app.getAttribute('data-test-connection-state'),
                    app.getAttribute('data-test-script-state'),
                    document.querySelector('[data-testid="stStatusWidget"]') ? 'busy' : 'idle',
                    document.querySelectorAll('[data-stale="true"]').length,
                    location.href,
                    main ? main.innerText : '',
                ].join('|');
            }"""
        )

    def wait_idle(self, settle: float = 0.4, timeout: float = IDLE_TIMEOUT) -> None:
        """Wait until the script run is over and the page stays unchanged for ``settle`` s."""
        deadline = time.monotonic() + timeout
        last, stable_since = None, time.monotonic()
        while time.monotonic() < deadline:
            current = self.snapshot()
            idle = current.startswith("CONNECTED|notRunning|idle|0|")
            if current != last or not idle:
                last, stable_since = current, time.monotonic()
            elif time.monotonic() - stable_since >= settle:
                return
            time.sleep(0.1)
        raise AssertionError(f"app not idle after {timeout} s: {last[:300]!r}")

    def screenshot(self, label: str | None = None) -> AppPage:
        """Save a full-page PNG under ``tests/e2e/artifacts/`` named after test and page."""
        self.shots += 1
        page_name = label or self.page.url.split("/")[-1].split("?")[0] or "home"
        name = f"{self.test_name}-{self.shots:02d}-{page_name}.png"
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        return self

    def has_exception(self) -> bool:
        return self.page.get_by_test_id("stException").count() > 0


@pytest.fixture
def app(browser, app_server: str, request) -> Iterator[AppPage]:
    """A fresh tab (own cookies and session) on the running app."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield AppPage(context.new_page(), app_server, request.node.name)
    finally:
        context.close()
