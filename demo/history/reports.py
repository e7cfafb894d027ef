"""Who reports what, where and when: the deviations of the synthetic history.

The N reports are shared out first over units (by head count and how much each kind
of unit reports) and then over the days of the period (weekdays, holidays, seasons
and a slowly growing reporting culture, per kind of unit). Each day, when it comes,
draws the hours of its reports; each report, when it comes, draws what it is about.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from uuid import UUID

from demo.history import report_texts
from demo.history.model import (
    ABSENCE,
    ANONYMOUS_SHARE,
    INJURY,
    PROFILES,
    SLIPS,
    VIOLENCE,
    Profile,
    category_for,
    day_weight,
    kind_of,
    moment_in,
    occurred_before,
    pick,
    severity_for,
)
from demo.history.world import World
from hms_core import clock
from hms_core.deviations.deviation import Deviation
from hms_core.deviations.person_harmed import PersonHarmed


class Case:
    """A deviation while its story is being told, with the actions made for it (held,
    as the world's records are) and, if anonymous, its receipt code."""

    __slots__ = ("actions", "closing_tries", "deviation", "receipt_code", "winter")

    def __init__(self, deviation: Deviation, winter: bool, receipt_code: str | None) -> None:
        self.deviation = deviation
        self.winter = winter
        self.receipt_code = receipt_code
        self.actions: list = []
        self.closing_tries = 0


class Reports:
    """Schedules the reports of the period and makes each one when its moment comes."""

    def __init__(self, world: World, handle: Callable[[Case], None]) -> None:
        self.w = world
        self.handle = handle
        units = sorted(world.staff.org.units.values(), key=lambda u: u.code)
        self.units = [(u.id, PROFILES[kind_of(u.code, u.kind)]) for u in units]
        self.per_day: list[list[int] | None] = []
        self.first_day = date.min

    def schedule(self, n: int, first_day: date, days: int) -> None:
        """Share `n` reports over units and days; the first day opens at its midnight."""
        rng = self.w.rng
        weights = [(self.w.staff.org.units[u].fte or 1.0) * p.rate for u, p in self.units]
        per_unit = Counter(rng.choices(range(len(self.units)), weights=weights, k=n))
        self.first_day = first_day
        self.per_day = [[] for _ in range(days)]
        dates = [first_day + timedelta(days=i) for i in range(days)]
        for index, (_, profile) in enumerate(self.units):
            if not per_unit[index]:
                continue
            cumulative = list(
                accumulate(day_weight(profile, d, i / 365.25) for i, d in enumerate(dates))
            )
            for day in rng.choices(range(days), cum_weights=cumulative, k=per_unit[index]):
                self.per_day[day].append(index)
        self.w.timeline.at(midnight(first_day), self.open_day, 0)

    def open_day(self, index: int) -> None:
        day = self.first_day + timedelta(days=index)
        for unit in self.per_day[index] or ():
            unit_id, profile = self.units[unit]
            self.w.timeline.at(moment_in(self.w.rng, profile, day), self.report, unit_id, profile)
        self.per_day[index] = None
        if index + 1 < len(self.per_day):
            self.w.timeline.at(midnight(day + timedelta(days=1)), self.open_day, index + 1)

    def report(self, unit_id: UUID, profile: Profile) -> None:
        """Someone in the unit reports (anonymously, now and then)."""
        w, rng, now = self.w, self.w.rng, clock.now()
        month = clock.local(now).month
        category = category_for(rng, profile, month)
        winter = category in SLIPS and rng.random() < winter_share(profile, month)
        severity = severity_for(rng, category)
        anonymous = rng.random() < ANONYMOUS_SHARE.get(category, 0.04)
        reporter = w.staff.employee(rng, unit_id)
        harmed = self.harmed(profile, category, severity, unit_id)
        title, description, immediate, place = report_texts.report_text(
            rng, category, profile.group, winter
        )
        receipt = w.app.report_deviation(
            reporter,
            title=title,
            description=description,
            occurred_at=occurred_before(rng, now),
            unit_id=unit_id,
            location=place,
            category=category,
            severity=severity,
            immediate_action=immediate,
            person_harmed=harmed,
            serious_injury=serious(rng, category, severity),
            anonymous=anonymous,
        )
        w.counts["deviations"] += 1
        self.handle(Case(w.app.deviation(receipt.id), winter, receipt.receipt_code))

    def harmed(
        self, profile: Profile, category: str, severity: int, unit_id: UUID
    ) -> PersonHarmed | None:
        """Who was hurt: an injury always names a kind of person, violence often does."""
        rng = self.w.rng
        if category == INJURY:
            kind = pick(rng, profile.injured)
        elif category == VIOLENCE and rng.random() < 0.55:
            kind = "employee" if rng.random() < 0.95 else "other"
        else:
            return None
        absence = kind == "employee" and rng.random() < ABSENCE[severity - 1]
        days = absence_days(rng, severity) if absence else None
        if kind != "employee" or rng.random() >= 0.25:
            return PersonHarmed(kind=kind, absence=absence, absence_days=days)
        person = self.w.staff.employee(rng, unit_id)
        consent = rng.random() < 0.1
        return PersonHarmed(
            kind=kind,
            absence=absence,
            absence_days=days,
            name=person.name,
            person_id=person.user_id,
            health_details="Behandlet på legevakten." if consent else None,
            health_consent=consent,
        )


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.timezone()).astimezone(UTC)


def winter_share(profile: Profile, month: int) -> float:
    """How many slips, trips and hazards in this month are about ice and snow."""
    if month in (12, 1, 2):
        return min(0.7, 0.1 + (profile.outdoor_winter - 1) * 0.8)
    if month in (11, 3):
        return min(0.35, 0.05 + (profile.outdoor_winter - 1) * 0.4)
    return 0.0


def serious(rng, category: str, severity: int) -> bool:
    """Death or serious injury (AML § 5-2): rare, and only the worst cases."""
    if category == INJURY:
        return severity == 5 or (severity == 4 and rng.random() < 0.15)
    return category == VIOLENCE and severity == 5


def absence_days(rng, severity: int) -> int:
    low, high = ((1, 1), (1, 2), (1, 5), (3, 20), (10, 60))[severity - 1]
    return rng.randint(low, high)
