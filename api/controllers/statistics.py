"""/api/v1/statistics: the goal-5 figures (deviations, corrective actions, HR figures).

Leaders see their units and those below, verneombud their area, HMS officers all;
employees and administrators get 403 (hms_core.access.check_figures). Figures count
whole months: `from` and `to` pick the months they fall in; without them, all months.
`include_subunits` defaults to true here: a unit's figures are its subtree's.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get
from litestar.exceptions import ValidationException
from litestar.params import FromQuery, QueryParameter

from api.auth import principal, signed_in
from api.commands import Svc
from api.schemas.figures import ActionStatistics, DeviationStatistics, HRStatistics
from hms_core import access
from projections.figures_queries import action_statistics, hr_statistics
from projections.statistics_queries import deviation_statistics
from projections.statistics_selection import UnknownGroupError, check_groups

GroupBy = Annotated[
    list[str] | None,
    QueryParameter(description="Comma-separated: unit, category, month, severity"),
]
From = Annotated[date | None, QueryParameter(name="from")]


def _groups(group_by: list[str] | None, allowed: tuple[str, ...]) -> tuple[str, ...]:
    try:
        return check_groups((g for value in group_by or () for g in value.split(",")), allowed)
    except UnknownGroupError as e:
        message = f"«{e}» er ingen gyldig gruppering. Gyldige: {', '.join(allowed)}."
        raise ValidationException(
            message, extra=[{"key": "group_by", "message": message, "source": "query"}]
        ) from None


def _query(svc: Svc, request: Request, **filters: Any) -> dict[str, Any]:
    """What every statistic takes: who may see which units, and the org tree."""
    scope = access.check_figures(principal(request))
    return {"db": svc.db, "scope": scope, "org": svc.app.organisation(), **filters}


class StatisticsController(Controller):
    path = "/api/v1/statistics"
    guards = [signed_in]
    tags = ["statistics"]

    @get("/deviations", sync_to_thread=True, summary="Deviations per unit, category, month")
    def deviations(
        self,
        request: Request,
        svc: Svc,
        unit_id: FromQuery[UUID | None] = None,
        include_subunits: FromQuery[bool] = True,
        from_: From = None,
        to: FromQuery[date | None] = None,
        group_by: GroupBy = None,
    ) -> DeviationStatistics:
        """Reported, open, closed, median days to close, per 100 FTE, near misses per injury,
        H-verdi and F-verdi (where hours worked are known), grouped as asked.

        Grouped by unit, the rows are one level below the selection's top unit: its own
        cases, then each unit under it with its subtree, so rows always add up to the totals.
        """
        groups = _groups(group_by, ("unit", "category", "month", "severity"))
        result = deviation_statistics(
            **_query(svc, request),
            date_from=from_,
            date_to=to,
            unit_id=unit_id,
            include_subunits=include_subunits,
            group_by=groups,
        )
        return msgspec.convert({**result, "group_by": groups}, DeviationStatistics)

    @get("/actions", sync_to_thread=True, summary="Corrective actions done on time")
    def actions(
        self,
        request: Request,
        svc: Svc,
        unit_id: FromQuery[UUID | None] = None,
        include_subunits: FromQuery[bool] = True,
        from_: From = None,
        to: FromQuery[date | None] = None,
        group_by: GroupBy = None,
    ) -> ActionStatistics:
        """Actions due per unit and month of their due date; done, and done on or before it."""
        groups = _groups(group_by, ("unit", "month"))
        result = action_statistics(
            **_query(svc, request),
            date_from=from_,
            date_to=to,
            unit_id=unit_id,
            include_subunits=include_subunits,
            group_by=groups,
        )
        return msgspec.convert({**result, "group_by": groups}, ActionStatistics)

    @get("/hr", sync_to_thread=True, summary="Sick leave % and turnover % from the HR system")
    def hr(
        self,
        request: Request,
        svc: Svc,
        unit_id: FromQuery[UUID | None] = None,
        include_subunits: FromQuery[bool] = True,
        from_: From = None,
        to: FromQuery[date | None] = None,
    ) -> HRStatistics:
        """The figures per unit and period (month or year) as imported, and their means."""
        result = hr_statistics(
            **_query(svc, request),
            date_from=from_,
            date_to=to,
            unit_id=unit_id,
            include_subunits=include_subunits,
        )
        return msgspec.convert(result, HRStatistics)


HANDLERS: list = [StatisticsController]
