"""Who may read and keep the directory (users, the units' head counts) and the audit trail."""

from __future__ import annotations

from hms_core.access.principal import Principal
from hms_core.errors import Forbidden


def check_audit(who: Principal) -> None:
    if not who.is_hms:
        raise Forbidden("Bare HMS-rådgivere kan se revisjonssporet.")


def can_read_directory(who: Principal) -> bool:
    """Users, and the units' head counts: HMS officers read, administrators keep them."""
    return who.is_hms or who.is_admin


def check_read_directory(who: Principal) -> None:
    if not can_read_directory(who):
        raise Forbidden("Bare HMS og administratorer kan se brukerlisten.")


def check_manage_directory(who: Principal) -> None:
    if not who.is_admin:
        raise Forbidden("Bare administratorer kan endre brukere og organisasjon.")
