"""Small helpers the tests share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.testing import TestClient

from hms_core import clock
from hms_core.directory import unit_id_for

LURA = unit_id_for("lura-sykehjem")
ROVIK = unit_id_for("rovik-sykehjem")
HJEMME = unit_id_for("hjemmetjenesten")
HELSE = unit_id_for("helse-og-velferd")
SKOLE = unit_id_for("buggeland-skole")
IT = unit_id_for("it")


def report_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "title": "Fall i korridoren",
        "description": "Beboer skled på vått gulv ved vaskerommet.",
        "occurred_at": (clock.now() - timedelta(hours=2)).isoformat(),
        "unit_id": str(LURA),
        "category": "nestenulykke",
        "severity": 2,
    }
    body.update(overrides)
    return body


def login(client: TestClient, username: str, password: str = "demo") -> dict[str, Any]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()
