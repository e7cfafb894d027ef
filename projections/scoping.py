"""SQL conditions that keep every query inside what the reader may see (hms_core.access)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hms_core import clock
from hms_core.access import DeviationScope, UnitScope
from projections.base import ts

NOTHING = ("1 = 0", [])


def marks(values: Iterable[Any]) -> tuple[str, list[Any]]:
    values = [str(v) for v in values]
    return ", ".join("?" * len(values)), values


def deviation_condition(scope: DeviationScope, alias: str = "") -> tuple[str, list[Any]]:
    """WHERE condition admitting exactly the deviations the scope admits."""
    a = f"{alias}." if alias else ""
    if scope.everything:
        return "1 = 1", []
    parts, params = [], []
    if scope.reporter_id is not None:
        parts.append(f"{a}reporter_id = ?")
        params.append(str(scope.reporter_id))
    if scope.units:
        m, values = marks(scope.units)
        parts.append(f"{a}unit_id IN ({m})")
        params += values
    if scope.hms_units:
        m, values = marks(scope.hms_units)
        c, categories = marks(sorted(scope.hms_categories))
        parts.append(f"({a}unit_id IN ({m}) AND {a}category IN ({c}))")
        params += values + categories
    if not parts:
        return NOTHING
    return "(" + " OR ".join(parts) + ")", params


def unit_condition(
    scope: UnitScope, asked: Iterable[Any] | None, column: str = "unit_id"
) -> tuple[str, list[Any]]:
    """Units asked for, narrowed to what the scope allows (None asked: all allowed)."""
    units = scope.narrowed(asked or ())
    if units is None:
        return "1 = 1", []
    if not units:
        return NOTHING
    m, values = marks(sorted(units, key=str))
    return f"{column} IN ({m})", values


def day_start(day: date) -> str:
    """The first moment of a local calendar day, as stored timestamp text (`ts` holds
    every day Python does, 0001-01-01 included)."""
    return ts(datetime.combine(day, time.min, tzinfo=clock.timezone()))


def day_after(day: date) -> str:
    """The first moment after a local calendar day; after the last day there is, the last
    moment there is (no stored moment lies beyond it)."""
    if day >= date.max:
        return ts(datetime.max.replace(tzinfo=UTC))
    return day_start(day + timedelta(days=1))
