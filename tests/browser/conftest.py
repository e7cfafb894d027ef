"""A real server on a free port and Debian's Chromium, driven by Playwright.

Nothing is downloaded: Chromium comes from the `chromium` package (`make test` installs
it when run as root). On CI (CI=true) a missing browser fails the run.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from api.app import create_app
from api.bootstrap import build
from api.settings import Settings
from hms_core.demo import demo_directory
from tests.conftest import DEMO_HASH, ON_CI, SYSTEM

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, object]]:
    """The product serving a fresh SQLite store with the demo organisation."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'hms.sqlite3'}", secret_key="browser-test"
    )
    services = build(settings)
    services.app.import_directory(SYSTEM, demo_directory(DEMO_HASH))
    services.start()
    port = _free_port()
    config = uvicorn.Config(
        create_app(services, run_worker=False, owns_services=False),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not web.started:  # waiting for the socket to open, not for an outcome
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", services
    web.should_exit = True
    thread.join(timeout=10)
    services.close()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if ON_CI:
            pytest.fail(f"{CHROMIUM} is missing; `make test` installs it when run as root")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844})
    yield context.new_page()
    context.close()


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill("demo")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/")
