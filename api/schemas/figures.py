"""What the statistics and audit-trail API gives (snake_case JSON).

A statistics row carries only the keys it was grouped by (`unit_id`, `category`,
`month`, `severity`); the figures beside them are the same in rows and totals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

Month = Annotated[str, Meta(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]


class DeviationFigures(msgspec.Struct, kw_only=True):
    reported: int
    open: int
    closed: int
    median_days_to_close: float | None = None
    fte: float | None = None
    per_100_fte: float | None = None
    near_misses: int = 0
    injuries: int = 0
    near_misses_per_injury: float | None = None
    lost_time_injuries: int = 0
    absence_days: int = 0
    hours_worked: float | None = None
    h_value: float | None = None
    f_value: float | None = None


class DeviationRow(DeviationFigures, kw_only=True):
    unit_id: UUID | UnsetType = UNSET
    unit_name: str | UnsetType | None = UNSET
    subunits: bool | UnsetType = UNSET
    category: str | UnsetType = UNSET
    month: Month | UnsetType = UNSET
    severity: int | UnsetType = UNSET


class DeviationStatistics(msgspec.Struct):
    rows: list[DeviationRow]
    totals: DeviationFigures
    month_from: str | None
    month_to: str | None
    group_by: list[str]


class HRRow(msgspec.Struct):
    unit_id: UUID
    unit_name: str | None
    period: str
    sick_leave_percent: float
    turnover_percent: float
    hours_worked: float | None
    fte: float | None


class HRTotals(msgspec.Struct):
    sick_leave_percent: float | None
    turnover_percent: float | None
    weighted_by: str | None
    periods: int


class HRStatistics(msgspec.Struct):
    rows: list[HRRow]
    totals: HRTotals
    month_from: str | None
    month_to: str | None


class ActionFigures(msgspec.Struct, kw_only=True):
    due: int
    done: int
    done_on_time: int
    on_time_percent: float | None


class ActionRow(ActionFigures, kw_only=True):
    unit_id: UUID | UnsetType = UNSET
    unit_name: str | UnsetType | None = UNSET
    subunits: bool | UnsetType = UNSET
    month: Month | UnsetType = UNSET


class ActionStatistics(msgspec.Struct):
    rows: list[ActionRow]
    totals: ActionFigures
    month_from: str | None
    month_to: str | None
    group_by: list[str]


class AuditItem(msgspec.Struct):
    position: int
    at: datetime
    actor: str
    actor_name: str | None
    type: str
    aggregate_id: UUID
    aggregate_kind: str
    record_id: UUID | None
    summary: str


class AuditPage(msgspec.Struct):
    items: list[AuditItem]
    next_cursor: str | None
