"""/api/v1/statistics: the goal-5 figures."""

from __future__ import annotations

HANDLERS: list = []
