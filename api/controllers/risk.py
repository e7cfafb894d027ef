"""/api/v1/risk-assessments and /api/v1/risk-register."""

from __future__ import annotations

HANDLERS: list = []
