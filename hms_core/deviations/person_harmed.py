"""Who was hurt in a deviation, and whether it led to absence.

AML § 5-1: the injured person may be named (shown only to the unit's leader, HMS
officers and the person: `hms_core.access.sees_injured_identity`), and health details
beyond the injury are kept only with that person's recorded consent.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from hms_core import rules
from hms_core.deviations.categories import PERSON_KINDS
from hms_core.errors import InvalidValue

NAME_MAX = 120
HEALTH_MAX = 2000


class PersonHarmed(msgspec.Struct, frozen=True, omit_defaults=True):
    """Who was hurt, and whether it led to absence."""

    kind: str
    absence: bool = False
    absence_days: int | None = None
    name: str | None = None
    person_id: UUID | None = None
    health_details: str | None = None
    health_consent: bool = False

    def validated(self) -> PersonHarmed:
        rules.choice("person_harmed.kind", self.kind, PERSON_KINDS)
        if self.absence_days is not None:
            rules.in_range("person_harmed.absence_days", self.absence_days, 0, 366)
        if self.absence_days and not self.absence:
            raise InvalidValue("person_harmed.absence", "Fravær må krysses av når dager oppgis.")
        name = rules.optional_text("person_harmed.name", self.name, NAME_MAX)
        details = rules.optional_text(
            "person_harmed.health_details", self.health_details, HEALTH_MAX, multiline=True
        )
        if details and not self.health_consent:
            raise InvalidValue(
                "person_harmed.health_consent",
                "Helseopplysninger kan bare lagres med samtykke fra den skadde.",
            )
        return msgspec.structs.replace(
            self,
            absence=bool(self.absence),
            name=name,
            person_id=check_person_id(self.person_id),
            health_details=details,
            health_consent=bool(details),
        )

    @property
    def is_named(self) -> bool:
        return bool(self.name or self.person_id)

    def without_identity(self) -> PersonHarmed:
        """What those who may not know who was hurt get to see."""
        return PersonHarmed(kind=self.kind, absence=self.absence, absence_days=self.absence_days)


def check_person_id(person_id: UUID | None) -> UUID | None:
    if person_id is not None and not isinstance(person_id, UUID):
        raise InvalidValue("person_harmed.person_id", "Ugyldig id.")
    return person_id
