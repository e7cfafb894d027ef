"""Use cases of a deviation's life: report, handle, close, reopen, follow by receipt."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

import msgspec

from hms_core import access
from hms_core.access import Principal
from hms_core.commands import Change
from hms_core.deviations import privacy
from hms_core.deviations.categories import DEFAULT_CATEGORIES, category_codes
from hms_core.deviations.commands import (
    AcknowledgeDeviation,
    AddInformation,
    ClassifyDeviation,
    CloseDeviation,
    CommentDeviation,
    GiveFeedback,
    ReopenDeviation,
    ReportDeviation,
    TransferDeviation,
    person_harmed,
)
from hms_core.deviations.deviation import Deviation
from hms_core.deviations.errors import DeviationNotFoundError, ReceiptNotFoundError
from hms_core.deviations.privacy import PersonalDataRead
from hms_core.deviations.receipt import Receipt, receipt_id_for
from hms_core.errors import NotFound
from hms_core.infra.passwords import new_receipt_code
from hms_core.model import ANONYMOUS
from hms_core.service import Service, UsesActions, UsesDirectory, command, takes

if TYPE_CHECKING:

    class _Base(Service, UsesDirectory, UsesActions):
        """What these use cases call of the directory's and the actions' (HMSApplication)."""

else:
    _Base = Service

PREFIX = "AVV"


class ReportReceipt(msgspec.Struct, frozen=True):
    id: UUID
    reference: str
    status: str
    receipt_code: str | None = None


class DeviationService(_Base):
    categories = DEFAULT_CATEGORIES

    @property
    def category_codes(self) -> frozenset[str]:
        return category_codes(self.categories)

    @command
    @takes(ReportDeviation)
    def report_deviation(self, by: Principal, data: ReportDeviation) -> ReportReceipt:
        """Report a deviation in any unit; anonymous reports get a receipt code instead."""
        self.unit_in_tree(data.unit_id, "unit_id")
        number = self.next_reference(PREFIX)
        deviation = Deviation.report(
            reference=number.text,
            categories=self.category_codes,
            reporter_id=None if data.anonymous else by.user_id,
            actor=ANONYMOUS if data.anonymous else by.actor,
            **data.fields(person_harmed=person_harmed(data.person_harmed)),
        )
        code = new_receipt_code() if data.anonymous else None
        receipt = Receipt.issue(code, deviation.id) if code else None
        self.save(deviation, number.issued_to(deviation.id), receipt)
        return ReportReceipt(deviation.id, deviation.reference, deviation.status, code)

    # --- reading -------------------------------------------------------------------

    def deviation(self, deviation_id: UUID) -> Deviation:
        return self.load(deviation_id, Deviation, DeviationNotFoundError)

    def read_deviation(self, by: Principal, deviation_id: UUID) -> Deviation:
        """The case, if this person may read it; reads of a named injured person are logged."""
        deviation = self.deviation(deviation_id)
        access.check_read_deviation(by, deviation)
        self._note_personal_data_read(by, deviation)
        return deviation

    def read_handed_over(self, by: Principal, deviation_id: UUID) -> Deviation:
        """The case its sender just transferred: they read it as they handed it over,
        though it may have left what they may read (reads of a named person are logged)."""
        deviation = self.deviation(deviation_id)
        try:
            access.check_read_deviation(by, deviation)
        except NotFound:
            events = self.history(deviation_id)
            transfers = [e for e in events if isinstance(e, Deviation.Transferred)]
            if not transfers or transfers[-1].actor != by.actor:
                raise DeviationNotFoundError from None
        self._note_personal_data_read(by, deviation)
        return deviation

    def _note_personal_data_read(self, by: Principal, deviation: Deviation) -> None:
        if deviation.names_injured_person and access.sees_injured_identity(by, deviation):
            self._record_personal_data_read(deviation.id, by.actor)

    @command
    def _record_personal_data_read(self, record_id: UUID, actor: str) -> None:
        earlier = self.history(privacy.reads_log_id(record_id))
        self.save(privacy.read_of(record_id, actor, after=earlier[-1] if earlier else None))

    def personal_data_reads(self, by: Principal, deviation_id: UUID) -> list[PersonalDataRead]:
        """Who opened the case while it named an injured person, and when (HMS officers)."""
        access.check_audit(by)
        return self.history(privacy.reads_log_id(deviation_id))

    # --- handling ------------------------------------------------------------------

    def _handle(
        self,
        by: Principal,
        deviation_id: UUID,
        data: Change | None,
        change: Callable[[Deviation], object],
        check: Callable[[Principal, Deviation], None] = access.check_handle_deviation,
    ) -> int:
        deviation = self.deviation(deviation_id)
        check(by, deviation)
        deviation.check_version(data.expected_version if data else None)
        change(deviation)
        self.save(deviation)
        return deviation.version

    @command
    @takes(AcknowledgeDeviation)
    def acknowledge_deviation(
        self, by: Principal, deviation_id: UUID, data: AcknowledgeDeviation
    ) -> int:
        """The handler takes the case."""
        return self._handle(
            by, deviation_id, data, lambda d: d.acknowledge(actor=by.actor, handler_id=by.user_id)
        )

    @command
    @takes(ClassifyDeviation)
    def classify_deviation(self, by: Principal, deviation_id: UUID, data: ClassifyDeviation) -> int:
        """Record category, severity, probability of recurrence and causes."""
        categories = self.category_codes
        return self._handle(
            by,
            deviation_id,
            data,
            lambda d: d.classify(actor=by.actor, categories=categories, **data.fields()),
        )

    @command
    @takes(CommentDeviation)
    def comment_deviation(self, by: Principal, deviation_id: UUID, data: CommentDeviation) -> int:
        """A note on the case from anyone who may read it."""
        return self._handle(
            by,
            deviation_id,
            data,
            lambda d: d.comment(actor=by.actor, comment_id=uuid4(), **data.fields()),
            check=access.check_comment_deviation,
        )

    @command
    @takes(GiveFeedback)
    def give_feedback(self, by: Principal, deviation_id: UUID, data: GiveFeedback) -> int:
        """Tell the reporter what became of their report."""
        return self._handle(
            by, deviation_id, data, lambda d: d.give_feedback(actor=by.actor, text=data.text)
        )

    @command
    @takes(TransferDeviation)
    def transfer_deviation(self, by: Principal, deviation_id: UUID, data: TransferDeviation) -> int:
        """Hand the case to another unit."""
        self.unit_in_tree(data.to_unit_id, "to_unit_id")
        return self._handle(
            by, deviation_id, data, lambda d: d.transfer(actor=by.actor, **data.fields())
        )

    @command
    @takes(CloseDeviation)
    def close_deviation(self, by: Principal, deviation_id: UUID, data: CloseDeviation) -> int:
        """Close with a conclusion; open actions stay open and need a reason."""
        return self._handle(
            by,
            deviation_id,
            data,
            lambda d: d.close(
                actor=by.actor, open_action_ids=self.open_action_ids(d.action_ids), **data.fields()
            ),
        )

    @command
    @takes(ReopenDeviation)
    def reopen_deviation(self, by: Principal, deviation_id: UUID, data: ReopenDeviation) -> int:
        """Open a closed case again."""
        return self._handle(
            by, deviation_id, data, lambda d: d.reopen(actor=by.actor, reason=data.reason)
        )

    # --- the anonymous reporter's receipt ------------------------------------------

    def deviation_by_receipt(self, code: str) -> Deviation:
        """The case a receipt code opens (no login: the code is the key)."""
        receipt = self.load(receipt_id_for(code), Receipt, ReceiptNotFoundError)
        return self.deviation(receipt.deviation_id)

    @command
    @takes(AddInformation)
    def add_information_by_receipt(self, code: str, data: AddInformation) -> int:
        """The anonymous reporter adds to their report."""
        deviation = self.deviation_by_receipt(code)
        deviation.add_information(actor=ANONYMOUS, text=data.text)
        self.save(deviation)
        return deviation.version

    @command
    @takes(AddInformation)
    def add_information(self, by: Principal, deviation_id: UUID, data: AddInformation) -> int:
        """A named reporter adds to their own report."""
        return self._handle(
            by,
            deviation_id,
            None,
            lambda d: d.add_information(actor=by.actor, text=data.text),
            access.check_add_information,
        )
