"""Short Norwegian summaries of events for the audit trail, naming records, never people.

Free text (titles, descriptions, comments, reasons) never goes into a summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.db import Cursor
from hms_core.deviations.categories import label as category_label
from hms_core.deviations.deviation import Deviation
from hms_core.deviations.privacy import PersonalDataRead
from hms_core.deviations.receipt import Receipt
from hms_core.deviations.references import ReferenceIssued
from hms_core.directory.organisation import Organisation
from hms_core.directory.user import User
from hms_core.hr.figures import HRFigures
from projections.base import sid
from projections.scoping import marks

KIND_LABELS = {
    "Deviation": "Avvik",
    "CorrectiveAction": "Tiltak",
    "RiskAssessment": "Risikovurdering",
    "Organisation": "Organisasjonen",
    "User": "Bruker",
    "HRFigures": "HR-tall",
    "Receipt": "Kvittering",
}


# Past tenses of event names, for events this module has no summary of its own for.
VERBS = {
    "Created": "opprettet",
    "Reported": "meldt",
    "Acknowledged": "tatt til behandling",
    "Commented": "kommentert",
    "Closed": "lukket",
    "Reopened": "gjenåpnet",
    "Completed": "meldt utført",
    "Verified": "verifisert",
    "Rescheduled": "fikk ny frist",
    "Reassigned": "fikk ny eier",
    "Cancelled": "avlyst",
    "FollowUpPlanned": "fulgt opp med nytt tiltak",
    "Approved": "godkjent",
    "Archived": "arkivert",
    "Revised": "revidert",
    "DetailsChanged": "endret",
    "ParticipantsChanged": "fikk endret deltakerne",
    "HazardAdded": "fikk en ny fare",
    "HazardEdited": "fikk en fare endret",
    "HazardScored": "fikk en fare vurdert",
    "HazardRemoved": "fikk en fare fjernet",
    "MeasureLinked": "fikk et tiltak knyttet til en fare",
    "DeviationLinked": "fikk et avvik knyttet til en fare",
}


# Attributes of events that name records a summary may mention.
NAMED = (
    "originator_id",
    "record_id",
    "deviation_id",
    "unit_id",
    "from_unit_id",
    "to_unit_id",
    "parent_id",
    "action_id",
)


# Events whose summaries name no other record: no labels to look up for them.
SELF_CONTAINED = (
    Deviation.Reported,
    User.Event,
    ReferenceIssued,
    Organisation.Founded,
    Organisation.UnitAdded,
    Organisation.UnitUpdated,
)


class Labels:
    """Readable names of records by id: read once per batch, new ones written once."""

    def __init__(self, cur: Cursor, table: str, events: Sequence[tuple[int, Any]]) -> None:
        self.cur, self.table, self.new = cur, table, {}
        named = (
            getattr(e, a, None)
            for _, e in events
            if not isinstance(e, SELF_CONTAINED)
            for a in NAMED
        )
        ids = sorted({str(value) for value in named if value is not None})
        self.known: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            sql = f"SELECT id, label FROM {table} WHERE id IN ({marks(chunk)[0]})"
            self.known.update((r["id"], r["label"]) for r in cur.execute(sql, chunk).fetchall())

    def __call__(self, value: Any) -> str:
        return self.known.get(sid(value)) or str(value)[:8]

    def set(self, value: Any, label: str) -> None:
        self.known[sid(value)] = self.new[sid(value)] = label

    def learn(self, e: Any) -> None:
        if isinstance(e, Organisation.UnitAdded | Organisation.UnitUpdated):
            self.set(e.unit_id, e.name)
        elif isinstance(e, HRFigures.Recorded):
            self.set(e.originator_id, f"{self(e.unit_id)} {e.period}")
        elif isinstance(getattr(e, "reference", None), str):
            self.set(e.originator_id, e.reference)  # a case or an action: its number
        elif type(e).__name__ == "Created" and getattr(e, "unit_id", None):
            # No number (a risk assessment): its short id and unit, never its title.
            self.set(e.originator_id, f"{str(e.originator_id)[:8]} i {self(e.unit_id)}")

    def flush(self) -> None:
        self.cur.insert_many(
            self.table,
            ("id", "label"),
            list(self.new.items()),
            "ON CONFLICT (id) DO UPDATE SET label = excluded.label",
        )


def summarise(e: Any, kind: str, name: Labels) -> str:
    """A short, factual Norwegian line: what happened to which record."""
    if isinstance(e, User.Event):
        return _user(e)
    me = name(e.originator_id)
    if isinstance(e, Deviation.Event):
        return _deviation(e, me, name)
    if isinstance(e, PersonalDataRead):
        return f"Personopplysninger i avvik {name(e.record_id)} lest"
    if isinstance(e, ReferenceIssued):
        return f"Saksnummer {e.prefix}-{e.year}-{e.originator_version:06d} tildelt"
    if isinstance(e, Receipt.Issued):
        return f"Kvittering utstedt for anonymt avvik {name(e.deviation_id)}"
    if isinstance(e, Organisation.Event):
        return _organisation(e, name)
    if isinstance(e, HRFigures.Recorded):
        return f"HR-tall for {me} registrert"
    if isinstance(e, HRFigures.Revised):
        return f"HR-tall for {me} erstattet av ny import"
    event_name = type(e).__name__
    return f"{KIND_LABELS.get(kind, kind)} {me} {VERBS.get(event_name, event_name)}"


def _deviation(e: Any, me: str, name: Labels) -> str:
    if isinstance(e, Deviation.Reported):
        how = " anonymt" if e.anonymous else ""
        return f"Avvik {me} meldt{how} ({category_label(e.category)}, alvorlighet {e.severity})"
    if isinstance(e, Deviation.Classified):
        return f"Avvik {me} klassifisert: {category_label(e.category)}, alvorlighet {e.severity}"
    if isinstance(e, Deviation.Transferred):
        return f"Avvik {me} overført fra {name(e.from_unit_id)} til {name(e.to_unit_id)}"
    if isinstance(e, Deviation.Commented):
        seen = " (synlig for melder)" if e.visible_to_reporter else ""
        return f"Avvik {me} kommentert{seen}"
    if isinstance(e, Deviation.FeedbackGiven):
        return f"Tilbakemelding til melder på avvik {me}"
    if isinstance(e, Deviation.InformationAdded):
        return f"Melder la til opplysninger i avvik {me}"
    if isinstance(e, Deviation.ActionLinked):
        return f"Tiltak {name(e.action_id)} knyttet til avvik {me}"
    if isinstance(e, Deviation.HazardLinked):
        return f"Avvik {me} knyttet til en fare i en risikovurdering"
    return f"Avvik {me} {VERBS.get(type(e).__name__, type(e).__name__)}"


def _organisation(e: Any, name: Labels) -> str:
    if isinstance(e, Organisation.UnitAdded):
        return f"Enhet {e.name} lagt til"
    if isinstance(e, Organisation.UnitUpdated):
        return f"Enhet {e.name} endret"
    if isinstance(e, Organisation.UnitMoved):
        return f"Enhet {name(e.unit_id)} flyttet under {name(e.parent_id)}"
    return "Organisasjonen opprettet"


USER_SUMMARIES = {
    "Registered": "Bruker registrert",
    "ProfileUpdated": "Brukerprofil endret",
    "PasswordChanged": "Passord endret",
    "TokenIssued": "API-nøkkel utstedt",
    "TokenRevoked": "API-nøkkel trukket tilbake",
    "Deactivated": "Bruker deaktivert",
    "Reactivated": "Bruker aktivert igjen",
}


def _user(e: Any) -> str:
    if isinstance(e, User.RolesAssigned):
        return f"Roller satt: {', '.join(e.roles)}"
    return USER_SUMMARIES.get(type(e).__name__, f"Bruker {type(e).__name__}")
