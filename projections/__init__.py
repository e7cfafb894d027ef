"""Read models fed from the event log, exactly once, rebuildable from zero."""

from __future__ import annotations

from projections.base import Projection


def all_projections() -> list[Projection]:
    """Every read model of the product, in the order they are built."""
    from projections.deviations import DeviationListView
    from projections.users import UserListView

    return [UserListView(), DeviationListView()]
