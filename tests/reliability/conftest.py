"""The API tests' fixtures (`web`, `client_for`) for the reliability tests too."""

from tests.api.conftest import client_for, web

__all__ = ["client_for", "web"]
