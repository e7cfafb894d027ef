"""The receipt an anonymous reporter follows their case with.

Only a digest of the code is kept, as the receipt's identity; the code itself is shown
to the reporter once. Nothing here says who the reporter was.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from hms_core.infra.passwords import digest, normalise_receipt_code
from hms_core.model import HMSAggregate

_RECEIPTS = uuid5(NAMESPACE_URL, "hms:receipts")


def receipt_id_for(code: str) -> UUID:
    return uuid5(_RECEIPTS, digest(normalise_receipt_code(code)))


class Receipt(HMSAggregate):
    """Links a receipt code's digest to one deviation."""

    @event("Issued")
    def __init__(self, id: UUID, deviation_id: UUID) -> None:
        self.deviation_id = deviation_id

    @classmethod
    def issue(cls, code: str, deviation_id: UUID) -> Receipt:
        return cls(id=receipt_id_for(code), deviation_id=deviation_id)
