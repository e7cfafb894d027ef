"""The audit trail: every event with its position, time, actor and a summary."""

from __future__ import annotations

from projections.base import Projection

PROJECTIONS: list[Projection] = []
