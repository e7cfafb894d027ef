"""/api/v1/statistics: the goal-5 figures (deviations, corrective actions, HR figures).

Leaders see their units and those below, verneombud their area, HMS officers all;
employees and administrators get 403 (hms_core.access.check_figures). Figures count
whole months: `from` and `to` pick the months they fall in; without them, all months.
`include_subunits` defaults to true here: a unit's figures are its subtree's (the
statistics choose their rows from the unit and the flag: projections.statistics).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, QueryParameter

from api.auth import signed_in
from api.dependencies import Svc, Who
from api.schemas.common import FromDate, ToDate
from api.schemas.figures import ActionStatistics, DeviationStatistics, HRStatistics
from api.validation import check_query_dates, query_error
from hms_core import access
from projections.statistics.figures import action_statistics, hr_statistics
from projections.statistics.queries import deviation_statistics
from projections.statistics.selection import UnknownGroupError, check_groups

GroupBy = Annotated[
    list[str] | None,
    QueryParameter(description="Comma-separated: unit, category, month, severity"),
]


def _groups(group_by: list[str] | None, allowed: tuple[str, ...]) -> tuple[str, ...]:
    try:
        return check_groups((g for value in group_by or () for g in value.split(",")), allowed)
    except UnknownGroupError as e:
        message = f"«{e}» er ingen gyldig gruppering. Gyldige: {', '.join(allowed)}."
        raise query_error("group_by", message) from None


def deviation_groups(group_by: GroupBy = None) -> tuple[str, ...]:
    return _groups(group_by, ("unit", "category", "month", "severity"))


def action_groups(group_by: GroupBy = None) -> tuple[str, ...]:
    return _groups(group_by, ("unit", "month"))


def no_groups() -> tuple[str, ...]:
    return ()


def figures_query(
    svc: Svc,
    who: Who,
    groups: Groups,  # first: a grouping that does not exist is refused before anything else
    unit_id: FromQuery[UUID | None] = None,
    include_subunits: FromQuery[bool] = True,
    from_: FromDate = None,
    to: ToDate = None,
) -> dict[str, Any]:
    """What every statistic takes, given to a handler as `figures`: who may see which
    units, the org tree, the unit asked for, and the months (`from` and `to` within the
    dates the product keeps)."""
    scope = access.check_figures(who)
    check_query_dates({"from": from_, "to": to})
    return {
        "db": svc.db,
        "scope": scope,
        "org": svc.app.organisation(),
        "date_from": from_,
        "date_to": to,
        "unit_id": unit_id,
        "include_subunits": include_subunits,
    }


Groups = NamedDependency[tuple[str, ...]]
Figures = NamedDependency[dict[str, Any]]


class StatisticsController(Controller):
    path = "/api/v1/statistics"
    guards = [signed_in]
    tags = ["statistics"]
    dependencies = {
        # It reads the org tree from the store: not on the event loop.
        "figures": Provide(figures_query, sync_to_thread=True),
        "groups": Provide(no_groups, sync_to_thread=False),  # where a statistic has none
    }

    @get(
        "/deviations",
        sync_to_thread=True,
        summary="Deviations per unit, category, month",
        dependencies={"groups": Provide(deviation_groups, sync_to_thread=False)},
    )
    def deviations(self, figures: Figures, groups: Groups) -> DeviationStatistics:
        """Reported, open, closed, median days to close, per 100 FTE, near misses per injury,
        H-verdi and F-verdi (where hours worked are known), grouped as asked.

        Grouped by unit, the rows are one level below the selection's top unit: its own
        cases, then each unit under it with its subtree, so rows always add up to the totals.
        """
        result = deviation_statistics(**figures, group_by=groups)
        return msgspec.convert({**result, "group_by": groups}, DeviationStatistics)

    @get(
        "/actions",
        sync_to_thread=True,
        summary="Corrective actions done on time",
        dependencies={"groups": Provide(action_groups, sync_to_thread=False)},
    )
    def actions(self, figures: Figures, groups: Groups) -> ActionStatistics:
        """Actions due per unit and month of their due date; done, and done on or before it."""
        result = action_statistics(**figures, group_by=groups)
        return msgspec.convert({**result, "group_by": groups}, ActionStatistics)

    @get("/hr", sync_to_thread=True, summary="Sick leave % and turnover % from the HR system")
    def hr(self, figures: Figures) -> HRStatistics:
        """The figures per unit and period (month or year) as imported, and their means."""
        return msgspec.convert(hr_statistics(**figures), HRStatistics)


HANDLERS: list = [StatisticsController]
