"""Goal-5 statistics: deviations per unit, category, severity and month."""

from __future__ import annotations

from projections.base import Projection

PROJECTIONS: list[Projection] = []
