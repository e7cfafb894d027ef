"""Read models fed from the event log, exactly once, rebuildable from zero."""

from __future__ import annotations

from projections.base import Projection


def all_projections() -> list[Projection]:
    """Every read model of the product."""
    from projections import actions, audit, deviations, risk_register, statistics, users

    return [
        users.UserListView(),
        deviations.DeviationListView(),
        *actions.PROJECTIONS,
        *risk_register.PROJECTIONS,
        *statistics.PROJECTIONS,
        *audit.PROJECTIONS,
    ]
