"""The risk register: hazards of approved assessments, and the heat map."""

from __future__ import annotations

from projections.base import Projection

PROJECTIONS: list[Projection] = []
