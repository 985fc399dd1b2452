"""The slot finder (messaging.md §8.3): Europe/Vilnius wall-clock starts, no Sundays, daylight-saving safe."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from messaging.selectors import slot_find
from messaging.tests.factories import add_appointment, add_call_request
from vejapro.core.models import User

VOICE_TIMES = [time(10), time(13), time(16)]
HOUR = timedelta(hours=1)


@pytest.fixture
def resource(db):
    return User.objects.create_user("darbuotojas@vejapro.lt", role="SUBCONTRACTOR")


def test_a_saturday_is_followed_by_monday_across_the_autumn_clock_change(resource):
    # 2026-10-24 is a Saturday; clocks go back on Sunday 2026-10-25 (EEST +03:00 → EET +02:00).
    saturday = date(2026, 10, 24)

    found = slot_find(
        resource=resource,
        first_day=saturday,
        days=5,
        start_times=VOICE_TIMES,
        duration=HOUR,
        earliest=datetime(2026, 10, 24, 14, 0, tzinfo=UTC),
    )

    assert found == (datetime(2026, 10, 26, 8, 0, tzinfo=UTC), datetime(2026, 10, 26, 9, 0, tzinfo=UTC))


def test_local_starts_keep_their_wall_clock_on_both_sides_of_the_spring_change(resource):
    lead = add_call_request()
    # Saturday 2027-03-27 is still EET (+02:00): 10:00 local is 08:00 UTC; it is taken.
    add_appointment(call_request=lead, resource=resource, starts_at=datetime(2027, 3, 27, 8, 0, tzinfo=UTC))

    before = slot_find(
        resource=resource,
        first_day=date(2027, 3, 27),
        days=3,
        start_times=[time(10)],
        duration=HOUR,
        earliest=datetime(2027, 3, 26, tzinfo=UTC),
    )

    # Sunday 28 March is skipped; Monday is EEST (+03:00): 10:00 local is 07:00 UTC.
    assert before == (datetime(2027, 3, 29, 7, 0, tzinfo=UTC), datetime(2027, 3, 29, 8, 0, tzinfo=UTC))


def test_busy_and_excluded_starts_are_skipped_and_touching_ends_are_free(resource):
    lead = add_call_request()
    monday = date(2027, 1, 4)
    add_appointment(call_request=lead, resource=resource, starts_at=datetime(2027, 1, 4, 8, 0, tzinfo=UTC))
    add_appointment(
        call_request=lead, resource=resource, status="CANCELLED", starts_at=datetime(2027, 1, 4, 14, 0, tzinfo=UTC)
    )

    found = slot_find(
        resource=resource,
        first_day=monday,
        days=1,
        start_times=[time(9), time(10), time(11), time(16)],
        duration=HOUR,
        earliest=datetime(2027, 1, 1, tzinfo=UTC),
        exclude_starts=frozenset({datetime(2027, 1, 4, 9, 0, tzinfo=UTC)}),
    )

    # 10:00 local (08:00 UTC) is booked, 11:00 local (09:00 UTC) is excluded, 09:00 local ends where 10:00 starts.
    assert found == (datetime(2027, 1, 4, 7, 0, tzinfo=UTC), datetime(2027, 1, 4, 8, 0, tzinfo=UTC))
    assert (
        slot_find(
            resource=resource,
            first_day=monday,
            days=1,
            start_times=[time(10), time(11)],
            duration=HOUR,
            earliest=datetime(2027, 1, 1, tzinfo=UTC),
            exclude_starts=frozenset({datetime(2027, 1, 4, 9, 0, tzinfo=UTC)}),
        )
        is None
    )


def test_nothing_before_earliest(resource):
    found = slot_find(
        resource=resource,
        first_day=date(2027, 1, 4),
        days=1,
        start_times=VOICE_TIMES,
        duration=HOUR,
        earliest=datetime(2027, 1, 4, 12, 0, tzinfo=UTC),
    )

    assert found == (datetime(2027, 1, 4, 14, 0, tzinfo=UTC), datetime(2027, 1, 4, 15, 0, tzinfo=UTC))
