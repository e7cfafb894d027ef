"""How read models store times (projections.base.ts, iso_date): text that sorts as time
sorts and parses back for every year 1–9999, and is byte for byte what the stores
written before hold for years from 1000. No database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projections.base import from_ts, iso_date, ts
from projections.scoping import day_after, day_start

AWARE = st.datetimes(
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12))])
)


@given(st.datetimes(min_value=datetime(1000, 1, 1)))
def test_from_year_1000_the_text_is_what_strftime_wrote(moment):
    moment = moment.replace(tzinfo=UTC)
    assert ts(moment) == moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@given(st.datetimes().map(lambda d: d.replace(tzinfo=UTC)))
def test_every_year_parses_back(moment):
    assert from_ts(ts(moment)) == moment


@given(st.lists(st.datetimes().map(lambda d: d.replace(tzinfo=UTC)), min_size=2, max_size=5))
def test_text_order_is_time_order(moments):
    assert sorted(moments, key=ts) == sorted(moments)


@given(AWARE)
def test_any_aware_moment_is_stored_even_beyond_what_utc_can_hold(moment):
    stored = ts(moment)
    assert len(stored) == 27
    from_ts(stored)


def test_a_moment_before_year_one_in_utc_is_stored_as_the_first():
    early = datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=14)))
    assert ts(early) == "0001-01-01T00:00:00.000000Z"
    late = datetime.max.replace(tzinfo=timezone(timedelta(hours=-12)))
    assert ts(late) == "9999-12-31T23:59:59.999999Z"


def test_rows_written_before_years_were_padded_still_parse():
    assert from_ts("999-01-02T03:04:05.000006Z") == datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC)


@pytest.mark.parametrize(
    "bad", ["", "2026-01-01", "2026-01-01T00:00:00Z", "٢٠٢٦-01-01T00:00:00.000000Z"]
)
def test_anything_else_is_not_a_stored_time(bad):
    with pytest.raises(ValueError):
        from_ts(bad)


def test_dates_are_padded_too():
    assert iso_date(date(999, 1, 2)) == "0999-01-02"
    assert iso_date(None) is None


def test_day_bounds_hold_at_the_ends_of_the_calendar():
    assert day_start(date.min) == "0001-01-01T00:00:00.000000Z"
    assert day_after(date.max) == "9999-12-31T23:59:59.999999Z"
    assert day_start(date(2026, 3, 10)) < day_after(date(2026, 3, 10))
