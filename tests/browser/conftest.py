"""Browser fixtures: the product on a free port, Chromium, a phone-sized page.

The helpers behind them live in tests/browser/fixtures.py, for other folders too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.fixtures import demo_site, phone_page, shared_chromium


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, object]]:
    """The product serving a fresh SQLite store with the demo organisation."""
    with demo_site(tmp_path) as site:
        yield site


@pytest.fixture(scope="session")
def browser():
    return shared_chromium()


@pytest.fixture
def page(browser):
    with phone_page(browser) as page:
        yield page
