"""An HTTP client per person against a fresh store (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from litestar.testing import TestClient

from api.app import create_app
from tests.helpers import login


@pytest.fixture
def web(services):
    """The Litestar app, with the projection thread running as in `hms serve`.

    The thread is started here rather than by the app's lifespan: several test clients
    share one app, and Litestar's test client runs the lifespan once per client.
    """
    services.start()
    return create_app(services, run_worker=False, owns_services=False)


@pytest.fixture
def client_for(web) -> Callable[[str | None], TestClient]:
    """`client_for("leder")`: a client signed in as that demo user (None: nobody)."""

    def make(username: str | None = None) -> TestClient:
        client = TestClient(web)
        if username:
            login(client, username)
        return client

    return make
