"""/api/v1/actions: corrective actions."""

from __future__ import annotations

HANDLERS: list = []
