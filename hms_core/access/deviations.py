"""Who may read, handle and comment on a deviation, and see who was hurt."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from hms_core.access.principal import Principal
from hms_core.deviations.categories import DEFAULT_CATEGORIES
from hms_core.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from hms_core.deviations.deviation import Deviation

# The categories a verneombud follows (HMS matters); the others are for leaders and HMS.
HMS_CATEGORIES = frozenset(c.code for c in DEFAULT_CATEGORIES if c.hms)


class DeviationScope(msgspec.Struct, frozen=True):
    """Which deviations a person may read, in a form a query can use."""

    everything: bool = False
    reporter_id: UUID | None = None
    units: frozenset[UUID] = frozenset()
    hms_units: frozenset[UUID] = frozenset()
    hms_categories: frozenset[str] = HMS_CATEGORIES

    def admits(self, *, unit_id: UUID, category: str, reporter_id: UUID | None) -> bool:
        return (
            self.everything
            or (reporter_id is not None and reporter_id == self.reporter_id)
            or unit_id in self.units
            or (unit_id in self.hms_units and category in self.hms_categories)
        )


def deviation_scope(who: Principal) -> DeviationScope:
    if who.is_hms:
        return DeviationScope(everything=True)
    return DeviationScope(
        reporter_id=who.user_id,
        units=who.led_units,
        hms_units=who.vo_units,
    )


def can_read_deviation(
    who: Principal, *, unit_id: UUID, category: str, reporter_id: UUID | None
) -> bool:
    return deviation_scope(who).admits(unit_id=unit_id, category=category, reporter_id=reporter_id)


def can_handle_deviation(who: Principal, *, unit_id: UUID) -> bool:
    """Acknowledge, classify, transfer, close, reopen, give feedback, link."""
    return who.is_hms or who.leads(unit_id)


def check_read_deviation(who: Principal, deviation: Deviation) -> None:
    if not can_read_deviation(
        who,
        unit_id=deviation.unit_id,
        category=deviation.category,
        reporter_id=deviation.reporter_id,
    ):
        raise NotFound("Fant ikke avviket.")


def check_handle_deviation(who: Principal, deviation: Deviation) -> None:
    check_read_deviation(who, deviation)
    if not can_handle_deviation(who, unit_id=deviation.unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan behandle saken.")


def check_comment_deviation(who: Principal, deviation: Deviation) -> None:
    check_read_deviation(who, deviation)


def check_add_information(who: Principal, deviation: Deviation) -> None:
    """The reporter adds to their own report; a handler may add to any they handle."""
    check_read_deviation(who, deviation)
    if deviation.reporter_id is None or deviation.reporter_id != who.user_id:
        check_handle_deviation(who, deviation)


def sees_injured_identity(who: Principal, deviation: Deviation) -> bool:
    """AML § 5-1: the unit's leader, HMS officers and the injured person themself."""
    harmed = deviation.person_harmed
    return (
        who.is_hms
        or who.leads(deviation.unit_id)
        or (harmed is not None and harmed.person_id == who.user_id)
    )


def sees_internal_notes(who: Principal, deviation: Deviation) -> bool:
    """Handlers, verneombud and HMS see every note; a reporter only those meant for them."""
    return (
        who.is_hms
        or who.leads(deviation.unit_id)
        or (who.covers(deviation.unit_id) and deviation.category in HMS_CATEGORIES)
    )


def sees_note(
    who: Principal, deviation: Deviation, *, author: str, visible_to_reporter: bool
) -> bool:
    """A note on a case: internal ones for those who follow the case, and their authors."""
    return visible_to_reporter or author == who.actor or sees_internal_notes(who, deviation)
