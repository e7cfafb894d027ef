"""Action follow-up: open, due soon and overdue actions per owner, unit and area."""

from __future__ import annotations

from projections.base import Projection

PROJECTIONS: list[Projection] = []
