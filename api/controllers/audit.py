"""/api/v1/audit: the audit trail."""

from __future__ import annotations

HANDLERS: list = []
