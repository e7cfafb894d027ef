"""Read models fed from the event log, exactly once, rebuildable from zero."""

from __future__ import annotations

from projections.base import Projection


def all_projections() -> list[Projection]:
    """Every read model of the product."""
    from projections.actions import view as actions
    from projections.audit import view as audit
    from projections.deviations import view as deviations
    from projections.risk_register import view as risk_register
    from projections.statistics import view as statistics
    from projections.users import view as users

    return [
        users.UserListView(),
        deviations.DeviationListView(),
        *actions.PROJECTIONS,
        *risk_register.PROJECTIONS,
        *statistics.PROJECTIONS,
        *audit.PROJECTIONS,
    ]
