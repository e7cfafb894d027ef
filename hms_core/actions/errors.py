"""Why a corrective action, or a use case about one, refuses a command."""

from __future__ import annotations

from hms_core.errors import Conflict, Forbidden, InvalidValue, NotFound


class ActionNotFoundError(NotFound):
    code = "action_not_found"
    message = "Fant ikke tiltaket."


class NotOpenError(Conflict):
    code = "action_not_open"
    message = "Tiltaket er ikke åpent lenger."


class NotDoneError(Conflict):
    code = "action_not_done"
    message = "Tiltaket må meldes utført før det kan verifiseres."


class AlreadyVerifiedError(Conflict):
    code = "already_verified"
    message = "Tiltaket er allerede verifisert."


class SameOwnerError(Conflict):
    code = "same_owner"
    message = "Tiltaket eies allerede av denne personen."


class SameDueDateError(Conflict):
    code = "same_due_date"
    message = "Tiltaket har allerede denne fristen."


class NoFollowUpRequiredError(Conflict):
    code = "no_follow_up_required"
    message = "Bare et tiltak som er verifisert som ikke virksomt kan følges opp med et nytt."


class FollowUpExistsError(Conflict):
    code = "follow_up_exists"
    message = "Tiltaket har allerede et oppfølgingstiltak."


class SelfVerificationError(Forbidden):
    code = "self_verification"
    message = "Den som utførte tiltaket kan ikke selv verifisere det, med mindre hen leder enheten."


class DueDateInPastError(InvalidValue):
    code = "due_date_in_past"

    def __init__(self) -> None:
        super().__init__("due_date", "Fristen kan ikke være tilbake i tid.")


class DueDateTooFarError(InvalidValue):
    code = "due_date_too_far"

    def __init__(self) -> None:
        super().__init__("due_date", "Fristen kan være høyst fem år fram i tid.")
