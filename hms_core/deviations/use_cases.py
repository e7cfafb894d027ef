"""Use cases of a deviation's life: report, handle, close, reopen, follow by receipt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID, uuid4

import msgspec

from hms_core import access, clock
from hms_core.access import Principal
from hms_core.deviations import privacy
from hms_core.deviations.categories import DEFAULT_CATEGORIES, category_codes
from hms_core.deviations.deviation import Deviation, PersonHarmed
from hms_core.deviations.receipt import Receipt, receipt_id_for
from hms_core.deviations.references import References, format_reference
from hms_core.errors import NotFound
from hms_core.infra.passwords import new_receipt_code
from hms_core.model import ANONYMOUS
from hms_core.service import Service, command

PREFIX = "AVV"


class DeviationNotFoundError(NotFound):
    code = "deviation_not_found"
    message = "Fant ikke avviket."


class ReceiptNotFoundError(NotFound):
    code = "receipt_not_found"
    message = "Fant ingen sak med denne kvitteringskoden."


class ReportReceipt(msgspec.Struct, frozen=True):
    id: UUID
    reference: str
    status: str
    receipt_code: str | None = None


class DeviationService(Service):
    categories = DEFAULT_CATEGORIES

    @property
    def category_codes(self) -> frozenset[str]:
        return category_codes(self.categories)

    @command
    def report_deviation(
        self,
        by: Principal,
        *,
        title: str,
        description: str,
        occurred_at: datetime,
        unit_id: UUID,
        category: str,
        severity: int,
        location: str | None = None,
        immediate_action: str | None = None,
        person_harmed: PersonHarmed | None = None,
        serious_injury: bool = False,
        anonymous: bool = False,
    ) -> ReportReceipt:
        """Report a deviation in any unit; anonymous reports get a receipt code instead."""
        self.unit_in_tree(unit_id, "unit_id")
        year = clock.now().astimezone(clock.timezone()).year
        references = References(self.events)
        number = references.last_number(PREFIX, year) + 1
        deviation = Deviation.report(
            reference=format_reference(PREFIX, year, number),
            title=title,
            description=description,
            occurred_at=occurred_at,
            unit_id=unit_id,
            location=location,
            category=category,
            categories=self.category_codes,
            severity=severity,
            immediate_action=immediate_action,
            person_harmed=person_harmed,
            serious_injury=serious_injury,
            anonymous=anonymous,
            reporter_id=None if anonymous else by.user_id,
            actor=ANONYMOUS if anonymous else by.actor,
        )
        issued = references.issue(PREFIX, year, number, deviation.id)
        code = new_receipt_code() if anonymous else None
        receipt = Receipt.issue(code, deviation.id) if code else None
        self.save(deviation, issued, receipt)
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
            events = self.events.get(deviation_id)
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
        self.save(privacy.record_read(self.events, record_id, actor))

    def personal_data_reads(self, by: Principal, deviation_id: UUID) -> list:
        access.check_audit(by)
        return privacy.reads_of(self.events, deviation_id)

    # --- handling ------------------------------------------------------------------

    def _handle(
        self,
        by: Principal,
        deviation_id: UUID,
        expected_version: int | None,
        change: Callable[[Deviation], object],
        check: Callable[[Principal, Deviation], None] = access.check_handle_deviation,
    ) -> int:
        deviation = self.deviation(deviation_id)
        check(by, deviation)
        deviation.check_version(expected_version)
        change(deviation)
        self.save(deviation)
        return deviation.version

    @command
    def acknowledge_deviation(
        self, by: Principal, deviation_id: UUID, *, expected_version: int | None = None
    ) -> int:
        """The handler takes the case."""
        return self._handle(
            by,
            deviation_id,
            expected_version,
            lambda d: d.acknowledge(actor=by.actor, handler_id=by.user_id),
        )

    @command
    def classify_deviation(
        self,
        by: Principal,
        deviation_id: UUID,
        *,
        category: str,
        severity: int,
        recurrence_probability: int,
        causes: tuple[str, ...],
        cause_description: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Record category, severity, probability of recurrence and causes."""
        return self._handle(
            by,
            deviation_id,
            expected_version,
            lambda d: d.classify(
                actor=by.actor,
                category=category,
                categories=self.category_codes,
                severity=severity,
                recurrence_probability=recurrence_probability,
                causes=tuple(causes),
                cause_description=cause_description,
            ),
        )

    @command
    def comment_deviation(
        self,
        by: Principal,
        deviation_id: UUID,
        *,
        text: str,
        visible_to_reporter: bool = False,
        expected_version: int | None = None,
    ) -> int:
        """A note on the case from anyone who may read it."""
        return self._handle(
            by,
            deviation_id,
            expected_version,
            lambda d: d.comment(
                actor=by.actor,
                comment_id=uuid4(),
                text=text,
                visible_to_reporter=visible_to_reporter,
            ),
            check=access.check_comment_deviation,
        )

    @command
    def give_feedback(
        self, by: Principal, deviation_id: UUID, *, text: str, expected_version: int | None = None
    ) -> int:
        """Tell the reporter what became of their report."""
        return self._handle(
            by, deviation_id, expected_version, lambda d: d.give_feedback(actor=by.actor, text=text)
        )

    @command
    def transfer_deviation(
        self,
        by: Principal,
        deviation_id: UUID,
        *,
        to_unit_id: UUID,
        reason: str,
        expected_version: int | None = None,
    ) -> int:
        """Hand the case to another unit."""
        self.unit_in_tree(to_unit_id, "to_unit_id")
        return self._handle(
            by,
            deviation_id,
            expected_version,
            lambda d: d.transfer(actor=by.actor, to_unit_id=to_unit_id, reason=reason),
        )

    @command
    def close_deviation(
        self,
        by: Principal,
        deviation_id: UUID,
        *,
        conclusion: str,
        no_action_reason: str | None = None,
        open_actions_reason: str | None = None,
        feedback: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Close with a conclusion; open actions stay open and need a reason."""
        return self._handle(
            by,
            deviation_id,
            expected_version,
            lambda d: d.close(
                actor=by.actor,
                conclusion=conclusion,
                no_action_reason=no_action_reason,
                open_action_ids=self.open_action_ids(d.action_ids),
                open_actions_reason=open_actions_reason,
                feedback=feedback,
            ),
        )

    @command
    def reopen_deviation(
        self, by: Principal, deviation_id: UUID, *, reason: str, expected_version: int | None = None
    ) -> int:
        """Open a closed case again."""
        return self._handle(
            by, deviation_id, expected_version, lambda d: d.reopen(actor=by.actor, reason=reason)
        )

    # --- the anonymous reporter's receipt ------------------------------------------

    def deviation_by_receipt(self, code: str) -> Deviation:
        """The case a receipt code opens (no login: the code is the key)."""
        receipt = self.load(receipt_id_for(code), Receipt, ReceiptNotFoundError)
        return self.deviation(receipt.deviation_id)

    @command
    def add_information_by_receipt(self, code: str, *, text: str) -> int:
        """The anonymous reporter adds to their report."""
        deviation = self.deviation_by_receipt(code)
        deviation.add_information(actor=ANONYMOUS, text=text)
        self.save(deviation)
        return deviation.version

    @command
    def add_information(self, by: Principal, deviation_id: UUID, *, text: str) -> int:
        """A named reporter adds to their own report."""
        return self._handle(
            by,
            deviation_id,
            None,
            lambda d: d.add_information(actor=by.actor, text=text),
            access.check_add_information,
        )
