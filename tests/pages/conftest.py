"""The pages' tests use the API tests' clients: one per demo user, on both stores."""

from __future__ import annotations

from tests.api.conftest import client_for, web

__all__ = ["client_for", "web"]
