"""Why a deviation, or a use case about one, refuses a command."""

from __future__ import annotations

from hms_core.errors import Conflict, InvalidValue, NotFound


class DeviationNotFoundError(NotFound):
    code = "deviation_not_found"
    message = "Fant ikke avviket."


class ReceiptNotFoundError(NotFound):
    code = "receipt_not_found"
    message = "Fant ingen sak med denne kvitteringskoden."


class DeviationClosedError(Conflict):
    code = "deviation_closed"
    message = "Saken er lukket. Gjenåpne den først."


class DeviationNotClosedError(Conflict):
    code = "deviation_not_closed"
    message = "Saken er ikke lukket og kan ikke gjenåpnes."


class AlreadyAcknowledgedError(Conflict):
    code = "already_acknowledged"
    message = "Saken er allerede tatt til behandling."


class SameUnitTransferError(Conflict):
    code = "same_unit"
    message = "Saken hører allerede til denne enheten."


class CausesRequiredError(Conflict):
    code = "causes_required"
    message = "Registrer årsak (klassifiser saken) før den lukkes."


class ActionOrReasonRequiredError(Conflict):
    code = "action_or_reason_required"
    message = "Opprett tiltak, eller begrunn hvorfor ingen tiltak trengs, før saken lukkes."


class OpenActionsError(Conflict):
    code = "open_actions"
    message = "Saken har åpne tiltak. Gi en begrunnelse for å lukke den likevel."


class OccurredInFutureError(InvalidValue):
    code = "occurred_in_future"

    def __init__(self) -> None:
        super().__init__("occurred_at", "Tidspunktet for hendelsen kan ikke være fram i tid.")
