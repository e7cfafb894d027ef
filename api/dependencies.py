"""What a handler is given by the name of its parameter (Litestar's dependency
injection), the same in every handler of the application:

- `svc: Svc`: the services (the store, the read models, the use cases);
- `who: Who`: the signed-in person, for handlers behind `guards=[signed_in]` (where
  nobody is signed in, asking for `who` is refused with 401 as well);
- `units: Units`: a list's unit filter, from the query parameters `unit_id` and
  `include_subunits`: that unit, or that unit and every unit below it; None when no
  unit is asked for;
- `figures_scope: FiguresScope`: the units whose figures (statistics, the risk
  register) `who` may see; 403 for those who may see none.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromQuery

from api.bootstrap import Services
from hms_core import access
from hms_core.access import Principal, UnitScope

Svc = NamedDependency[Services]
Who = NamedDependency[Principal]
Units = NamedDependency[frozenset[UUID] | None]
FiguresScope = NamedDependency[UnitScope]


def services(state: State) -> Services:
    return state.services


def signed_in_person(request: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The Principal the authentication middleware found (api.auth)."""
    if request.user is None:
        raise NotAuthorizedException("Du må logge inn.")
    return request.user


def unit_filter(
    svc: Svc, unit_id: FromQuery[UUID | None] = None, include_subunits: FromQuery[bool] = False
) -> frozenset[UUID] | None:
    if unit_id is None:
        return None
    return svc.app.organisation().subtree(unit_id) if include_subunits else frozenset({unit_id})


def figures_scope(who: Who) -> UnitScope:
    return access.check_figures(who)


DEPENDENCIES = {
    "svc": Provide(services, sync_to_thread=False),
    "who": Provide(signed_in_person, sync_to_thread=False),
    # Reads the org tree from the store: not on the event loop.
    "units": Provide(unit_filter, sync_to_thread=True),
    "figures_scope": Provide(figures_scope, sync_to_thread=False),
}
