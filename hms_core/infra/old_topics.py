"""The names stored events had before the domain moved into one folder per part.

Every stored event names its class by module path (`hms_core.deviation:Deviation.Reported`),
and so does every aggregate's first event (`originator_topic`). Each class that moved is
registered here under its old module path, so a store written before the move still
loads, rebuilds and verifies (`tests/integration/test_store_before_layout.py`). Events
written since carry the new names. When a class moves again, add its old name here.
"""

from __future__ import annotations

from eventsourcing.utils import register_topic

from hms_core.actions.action import CorrectiveAction
from hms_core.deviations.deviation import Deviation
from hms_core.deviations.privacy import PersonalDataRead
from hms_core.deviations.receipt import Receipt
from hms_core.deviations.references import ReferenceIssued
from hms_core.directory.organisation import Organisation
from hms_core.directory.user import User
from hms_core.hr.figures import HRFigures
from hms_core.risk.assessment import RiskAssessment

# Old topic of a class (or of the class holding the events) → the class now.
MOVED: dict[str, type] = {
    "hms_core.action:CorrectiveAction": CorrectiveAction,
    "hms_core.deviation:Deviation": Deviation,
    "hms_core.privacy:PersonalDataRead": PersonalDataRead,
    "hms_core.receipt:Receipt": Receipt,
    "hms_core.references:ReferenceIssued": ReferenceIssued,
    "hms_core.directory:Organisation": Organisation,
    "hms_core.directory:User": User,
    "hms_core.directory.organisation:User": User,  # commit 0fe8d6b; split off in issue 10
    "hms_core.hr:HRFigures": HRFigures,
    "hms_core.risk:RiskAssessment": RiskAssessment,
}


def register_old_topics() -> None:
    """Make every old topic resolve to the class's new home (safe to call again)."""
    for topic, cls in MOVED.items():
        register_topic(topic, cls)
