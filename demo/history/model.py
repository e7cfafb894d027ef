"""The shape of the synthetic history: which units report what, when, and how badly.

Weights, not rules: a nursing home reports violence from residents with dementia and
medication errors, a school violence from pupils, a kindergarten small injuries to
children, the depot hazards, machines and spills, an office information security.
Near misses and hazardous conditions outnumber injuries everywhere. Winter brings ice
(slips) to those who work outdoors; schools and kindergartens are empty in July and
at weekends, nursing homes and home care never are. Reporting grows a little every
year, as a reporting culture does.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import accumulate
from typing import Any

from hms_core import clock

INJURY, NEAR_MISS, VIOLENCE, HAZARD = (
    "personskade",
    "nestenulykke",
    "vold_og_trusler",
    "farlig_forhold",
)
WORK_ENV, EXTERNAL, DAMAGE = "arbeidsmiljo", "ytre_miljo", "materiell_skade"
INFOSEC, QUALITY = "informasjonssikkerhet", "kvalitet"
SLIPS = (INJURY, NEAR_MISS, HAZARD)
WINTER_MONTHS = (11, 12, 1, 2, 3)


@dataclass(frozen=True, eq=False)  # hashed by identity, for the caches below
class Profile:
    """How a kind of unit reports."""

    rate: float  # deviations per FTE, relative
    categories: dict[str, int]
    injured: dict[str, int]  # who gets hurt in an injury
    round_the_clock: bool = False
    weekend: float = 0.03
    school_year: bool = False  # empty in the school holidays
    outdoor_winter: float = 1.0  # extra slips in winter
    group: str = "office"  # which texts fit


# fmt: off
PROFILES: dict[str, Profile] = {
    "nursing_home": Profile(
        rate=1.0,
        categories={VIOLENCE: 24, NEAR_MISS: 20, HAZARD: 11, INJURY: 11, QUALITY: 16,
                    INFOSEC: 4, WORK_ENV: 7, DAMAGE: 5, EXTERNAL: 2},
        injured={"employee": 45, "patient": 55},
        round_the_clock=True, weekend=0.8, outdoor_winter=1.15, group="care",
    ),
    "home_care": Profile(
        rate=0.8,
        categories={HAZARD: 19, NEAR_MISS: 19, VIOLENCE: 13, INJURY: 10, QUALITY: 16,
                    INFOSEC: 6, WORK_ENV: 8, DAMAGE: 7, EXTERNAL: 2},
        injured={"employee": 70, "patient": 30},
        round_the_clock=True, weekend=0.75, outdoor_winter=1.6, group="care",
    ),
    "school": Profile(
        rate=0.9,
        categories={VIOLENCE: 34, NEAR_MISS: 12, INJURY: 13, HAZARD: 12, WORK_ENV: 9,
                    DAMAGE: 9, INFOSEC: 5, QUALITY: 4, EXTERNAL: 2},
        injured={"employee": 30, "pupil": 70},
        school_year=True, outdoor_winter=1.3, group="school",
    ),
    "kindergarten": Profile(
        rate=0.7,
        categories={NEAR_MISS: 26, HAZARD: 20, INJURY: 18, VIOLENCE: 4, WORK_ENV: 10,
                    DAMAGE: 8, QUALITY: 9, INFOSEC: 3, EXTERNAL: 2},
        injured={"employee": 35, "other": 65},
        outdoor_winter=1.4, group="kindergarten",
    ),
    "depot": Profile(
        rate=0.75,
        categories={HAZARD: 26, NEAR_MISS: 24, INJURY: 14, DAMAGE: 16, EXTERNAL: 10,
                    WORK_ENV: 5, VIOLENCE: 2, QUALITY: 2, INFOSEC: 1},
        injured={"employee": 92, "visitor": 8},
        weekend=0.25, outdoor_winter=1.8, group="depot",
    ),
    "front_office": Profile(
        rate=0.5,
        categories={VIOLENCE: 16, WORK_ENV: 18, INFOSEC: 24, QUALITY: 18, NEAR_MISS: 8,
                    HAZARD: 8, INJURY: 4, DAMAGE: 4},
        injured={"employee": 80, "visitor": 20},
        group="public",
    ),
    "office": Profile(
        rate=0.3,
        categories={INFOSEC: 35, QUALITY: 18, WORK_ENV: 20, DAMAGE: 8, HAZARD: 8,
                    NEAR_MISS: 7, INJURY: 4},
        injured={"employee": 100},
    ),
    "administration": Profile(
        rate=0.2,
        categories={INFOSEC: 30, QUALITY: 25, WORK_ENV: 25, HAZARD: 8, NEAR_MISS: 8, INJURY: 4},
        injured={"employee": 100},
    ),
}
# fmt: on

# The units of the demo tree (demo.directory); others count as offices.
UNIT_KINDS = {
    "lura-sykehjem": "nursing_home",
    "rovik-sykehjem": "nursing_home",
    "hjemmetjenesten": "home_care",
    "buggeland-skole": "school",
    "hana-skole": "school",
    "trones-barnehage": "kindergarten",
    "driftsdepotet": "depot",
    "servicekontoret": "front_office",
    "it": "office",
    "hr-hms": "office",
}

SEVERITY = {
    INJURY: (14, 38, 32, 13, 3),
    VIOLENCE: (18, 40, 30, 10, 2),
    NEAR_MISS: (22, 44, 24, 9, 1),
    HAZARD: (20, 45, 26, 8, 1),
}
OTHER_SEVERITY = (35, 42, 18, 5, 0)
ANONYMOUS_SHARE = {WORK_ENV: 0.3, VIOLENCE: 0.06, INFOSEC: 0.03}
CAUSES = {
    VIOLENCE: {"organisational": 50, "human": 35, "environmental": 5, "unknown": 10},
    INFOSEC: {"human": 55, "technical": 30, "organisational": 15},
    QUALITY: {"organisational": 45, "human": 40, "technical": 10, "unknown": 5},
    WORK_ENV: {"organisational": 75, "human": 20, "unknown": 5},
    DAMAGE: {"technical": 45, "human": 40, "environmental": 15},
    EXTERNAL: {"technical": 50, "human": 30, "environmental": 20},
}
SLIP_CAUSES = {
    "environmental": 30,
    "technical": 25,
    "human": 25,
    "organisational": 15,
    "unknown": 5,
}
ABSENCE = (0.02, 0.08, 0.3, 0.65, 0.9)  # chance an employee's injury means absence, by severity
ACTION_SHARE = (0.1, 0.2, 0.45, 0.75, 0.9)  # chance of corrective actions, by severity

# Shift changes and meals in round-the-clock units; the working day elsewhere.
SHIFT_HOURS = (1, 1, 1, 1, 1, 2, 3, 6, 8, 7, 6, 7, 7, 6, 7, 8, 6, 5, 5, 5, 6, 6, 4, 2)
DAY_HOURS = (0, 0, 0, 0, 0, 0, 1, 4, 8, 10, 10, 9, 8, 9, 8, 6, 3, 1, 1, 0, 0, 0, 0, 0)
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 17), (12, 24), (12, 25), (12, 26), (12, 31))


def kind_of(code: str, unit_kind: str) -> str:
    if unit_kind != "unit":
        return "administration"
    return UNIT_KINDS.get(code, "office")


def pick(rng: random.Random, weights: dict[Any, float]) -> Any:
    """One of the keys, drawn by weight."""
    return draw(rng, tuple(weights.items()))


def draw(rng: random.Random, weighted: tuple[tuple[Any, float], ...]) -> Any:
    values, cumulative = _cumulative(weighted)
    return values[bisect(cumulative, rng.random() * cumulative[-1])]


@cache
def _cumulative(weighted: tuple[tuple[Any, float], ...]) -> tuple[tuple, tuple[float, ...]]:
    return tuple(v for v, _ in weighted), tuple(accumulate(w for _, w in weighted))


def is_school_holiday(day: date) -> bool:
    week = day.isocalendar()[1]
    return (
        (day.month == 7 or (day.month == 8 and day.day < 18) or (day.month == 6 and day.day > 20))
        or (day.month == 12 and day.day > 20)
        or (day.month == 1 and day.day < 3)
        or week in (9, 40)
    )


def day_weight(profile: Profile, day: date, years_in: float) -> float:
    """How many reports a day of this kind of unit gets, relatively."""
    weight = 1.0 + 0.1 * years_in
    holiday = (day.month, day.day) in FIXED_HOLIDAYS
    if day.weekday() >= 5 or holiday:
        weight *= profile.weekend
    if profile.school_year and is_school_holiday(day):
        weight *= 0.05
    elif day.month == 7 and not profile.round_the_clock:
        weight *= 0.35
    if day.month in WINTER_MONTHS[1:4]:
        weight *= 1 + (profile.outdoor_winter - 1) / 3
    return weight


def category_for(rng: random.Random, profile: Profile, month: int) -> str:
    return draw(rng, _categories(profile, month))


@cache
def _categories(profile: Profile, month: int) -> tuple[tuple[str, float], ...]:
    """The unit's mix of categories in this month: more slips in winter outdoors."""
    weights: dict[str, float] = dict(profile.categories)
    if month in WINTER_MONTHS:
        strength = 1.0 if month in (12, 1, 2) else 0.5
        for category in SLIPS:
            if category in weights:
                weights[category] *= 1 + (profile.outdoor_winter - 1) * strength
    return tuple(weights.items())


def severity_for(rng: random.Random, category: str) -> int:
    weights = SEVERITY.get(category, OTHER_SEVERITY)
    return draw(rng, tuple(zip((1, 2, 3, 4, 5), weights, strict=True)))


def causes_for(rng: random.Random, category: str) -> tuple[str, ...]:
    weights = CAUSES.get(category, SLIP_CAUSES)
    first = pick(rng, weights)
    if rng.random() < 0.3:
        second = pick(rng, weights)
        if second != first:
            return (first, second)
    return (first,)


def moment_in(rng: random.Random, profile: Profile, day: date) -> datetime:
    """A time of day a report is made, as a UTC moment."""
    hours = SHIFT_HOURS if profile.round_the_clock else DAY_HOURS
    hour = draw(rng, tuple(enumerate(hours)))
    local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)))
    return local.replace(tzinfo=clock.timezone()).astimezone(UTC)


def occurred_before(rng: random.Random, reported: datetime) -> datetime:
    """When it happened: mostly within the hour or the shift, sometimes days before."""
    r = rng.random()
    if r < 0.7:
        minutes = rng.randint(5, 120)
    elif r < 0.9:
        minutes = rng.randint(120, 24 * 60)
    else:
        minutes = rng.randint(24 * 60, 4 * 24 * 60)
    return reported - timedelta(minutes=minutes)


def working_time(rng: random.Random, moment: datetime) -> datetime:
    """The same moment if it falls in a leader's working day, else the next working morning."""
    local = clock.local(moment)
    if local.weekday() < 5 and 8 <= local.hour < 16:
        return moment
    day = local.date() + timedelta(days=0 if local.hour < 8 else 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    start = datetime.combine(day, time(8, rng.randrange(60), rng.randrange(60)))
    return start.replace(tzinfo=clock.timezone()).astimezone(UTC)


def later(rng: random.Random, moment: datetime, low_days: float, high_days: float) -> datetime:
    """Some working time between `low_days` and `high_days` after `moment`."""
    return working_time(rng, moment + timedelta(days=rng.uniform(low_days, high_days)))
