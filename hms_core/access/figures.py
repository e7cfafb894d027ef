"""Who may read the risk register and the statistics, and import HR figures."""

from __future__ import annotations

from hms_core.access.actions import action_unit_scope
from hms_core.access.principal import Principal, UnitScope
from hms_core.errors import Forbidden


def figures_scope(who: Principal) -> UnitScope:
    """Risk register and statistics: leaders their units, verneombud their area."""
    return action_unit_scope(who)


def check_figures(who: Principal) -> UnitScope:
    scope = figures_scope(who)
    if not scope.everything and not scope.units:
        raise Forbidden("Du har ikke tilgang til tall og registre.")
    return scope


def check_import_hr(who: Principal) -> None:
    """Sick leave and turnover from the HR system: HMS officers and administrators."""
    if not (who.is_hms or who.is_admin):
        raise Forbidden("Bare HMS-rådgivere og administratorer kan importere HR-tall.")
