"""A real server on a free port and Debian's Chromium, for the browser tests and any other
test that needs a real HTTP server in this process (tests/reliability uses them too).

Nothing is downloaded: Chromium comes from the `chromium` package (`make test` installs
it when run as root). On CI (CI=true) a missing browser fails the run.
"""

from __future__ import annotations

import atexit
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from api.app import create_app
from api.bootstrap import Services, build
from api.settings import Settings
from demo.directory import demo_directory
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def demo_services(tmp_path: Path, **settings: Any) -> Iterator[Services]:
    """A fresh SQLite store with the demo organisation, read models running."""
    services = build(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'hms.sqlite3'}",
            secret_key="browser-test",
            **settings,
        )
    )
    services.app.import_directory(SYSTEM, demo_directory(DEMO_HASH))
    services.start()
    try:
        yield services
    finally:
        services.close()


@contextmanager
def serving(app: Any, **options: Any) -> Iterator[str]:
    """`app` under uvicorn on a free loopback port (options as `hms serve` passes them)."""
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        **options,
    )
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not web.started:  # waiting for the socket to open, not for an outcome
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        web.should_exit = True
        thread.join(timeout=10)


@contextmanager
def demo_site(tmp_path: Path) -> Iterator[tuple[str, Services]]:
    """The product serving a fresh SQLite store with the demo organisation: its address
    and its services."""
    with (
        demo_services(tmp_path) as services,
        serving(create_app(services, run_worker=False, owns_services=False)) as base,
    ):
        yield base, services


_SHARED: list[Any] = []  # [playwright, browser]


def shared_chromium() -> Any:
    """One Chromium for the whole test run, started when first asked for.

    Playwright's sync API runs one driver per thread: a second `sync_playwright()`
    while the first runs fails, so every folder's tests share this one.
    """
    if not _SHARED:
        if not os.path.exists(CHROMIUM):
            if ON_CI:
                pytest.fail(f"{CHROMIUM} is missing; `make test` installs it when run as root")
            pytest.skip("Chromium is not installed")
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _SHARED.extend([playwright, browser])
        atexit.register(_close_shared)
    return _SHARED[1]


def _close_shared() -> None:
    playwright, browser = _SHARED
    _SHARED.clear()
    browser.close()
    playwright.stop()


@contextmanager
def phone_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844})
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill("demo")
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(f"{base}/")


def send_anonymous_threat(page) -> None:
    """On a filled-in report form: a serious case of violence and threats, reported
    anonymously, and the thank-you page that follows."""
    page.get_by_label("Hva slags avvik?").select_option(label="Vold og trusler")
    page.get_by_label("3 – Alvorlig").check()
    page.get_by_label("Meld anonymt").check()
    page.get_by_role("button", name="Send melding").click()
    page.get_by_role("heading", name="Takk for meldingen").wait_for()
