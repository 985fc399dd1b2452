"""The metrics stream (finance.md §8, api.md §14.8): format and fields, the connection cap across workers (429),
heartbeat events until the time limit, the slot given back on client disconnect, the admin twin, permissions.

Transactional tests: closing a stream ends its request (``request_finished``), which closes the database connection
as it does after every request; inside a test transaction that would close the test's own connection."""

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.utils import timezone

from conftest import bearer_for
from finance import sse
from messaging.models import ADMIN_CONFIRMED_TOKEN_HASH, ClientConfirmation
from payments.models import PaymentProvider, PaymentStatus, PaymentType
from payments.tests.factories import add_payment
from projects.tests.factories import make_project

API_URL = "/api/v1/admin/finance/metrics"
ADMIN_URL = "/admin/finansai/metrika/"
FIELDS = {
    "daily_volume",
    "manual_count",
    "stripe_count",
    "manual_ratio",
    "avg_attempts",
    "reject_rate",
    "avg_confirm_time_minutes",
    "total_confirmations",
    "timestamp",
}


@pytest.fixture(autouse=True)
def _metrics(settings):
    settings.ENABLE_FINANCE_METRICS = True
    settings.FINANCE_METRICS_MAX_SSE_CONNECTIONS = 2
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fake_clock(monkeypatch):
    """The stream's 5 s ticks run at once: sleeping moves a fake clock forward."""
    now = [1000.0]
    monkeypatch.setattr(sse, "monotonic", lambda: now[0])
    monkeypatch.setattr(sse, "sleep", lambda seconds: now.__setitem__(0, now[0] + seconds))
    return now


def chunks(response, count: int) -> list[str]:
    content = response.streaming_content
    return [next(content).decode() for _ in range(count)]


def confirmation(project, status: str, attempts: int, minutes: int | None = None, channel: str = "email"):
    created = timezone.now() - dt.timedelta(hours=5)
    row = ClientConfirmation.objects.create(
        project=project,
        token_hash=ADMIN_CONFIRMED_TOKEN_HASH if channel == "admin" else f"hash-{status}-{attempts}-{minutes}",
        channel=channel,
        status=status,
        attempts=attempts,
        expires_at=created + dt.timedelta(days=3),
        confirmed_at=created + dt.timedelta(minutes=minutes) if minutes is not None else None,
    )
    ClientConfirmation.objects.filter(pk=row.pk).update(created_at=created)


@pytest.mark.django_db(transaction=True)
def test_stream_format_and_fields(api, admin_user, fake_clock):
    project = make_project("CERTIFIED")
    add_payment(project, PaymentType.DEPOSIT, "200", received_at=timezone.now())
    add_payment(project, PaymentType.FINAL, "150.55")
    add_payment(project, PaymentType.FINAL, "999", received_at=timezone.now() - dt.timedelta(days=2))
    add_payment(project, "UNKNOWN", "10", provider=PaymentProvider.STRIPE, method=None)
    add_payment(project, PaymentType.DEPOSIT, "70", status=PaymentStatus.VOIDED)
    confirmation(project, "CONFIRMED", 1, minutes=60)
    confirmation(project, "CONFIRMED", 2, minutes=121)
    confirmation(project, "FAILED", 3)
    confirmation(project, "PENDING", 1)
    confirmation(project, "CONFIRMED", 0, minutes=1, channel="admin")

    response = api(admin_user).get(API_URL, HTTP_ACCEPT="text/event-stream")
    try:
        head, event = chunks(response, 2)
    finally:
        response.close()

    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Accel-Buffering"] == "no"
    assert head == "retry: 5000\n\n"
    assert event.startswith("data: {")
    assert event.endswith("}\n\n")
    assert event.count("\n") == 2  # one line, then the blank line
    assert ", " not in event  # compact JSON
    data = json.loads(event[len("data: ") :])
    assert set(data) == FIELDS
    assert {key: value for key, value in data.items() if key != "timestamp"} == {
        "daily_volume": 360.55,
        "manual_count": 3,
        "stripe_count": 1,
        "manual_ratio": 0.75,
        "avg_attempts": 2.0,
        "reject_rate": 0.333,
        "avg_confirm_time_minutes": 90.5,
        "total_confirmations": 3,
    }
    assert dt.datetime.fromisoformat(data["timestamp"]).utcoffset() == dt.timedelta(0)
    assert "jonas" not in event.lower()


@pytest.mark.django_db(transaction=True)
def test_empty_metrics_are_zero(api, admin_user, fake_clock):
    response = api(admin_user).get(API_URL)
    try:
        data = json.loads(chunks(response, 2)[1][len("data: ") :])
    finally:
        response.close()

    assert {key: value for key, value in data.items() if key != "timestamp"} == {
        "daily_volume": 0.0,
        "manual_count": 0,
        "stripe_count": 0,
        "manual_ratio": 0.0,
        "avg_attempts": 0.0,
        "reject_rate": 0.0,
        "avg_confirm_time_minutes": 0.0,
        "total_confirmations": 0,
    }


@pytest.mark.django_db(transaction=True)
def test_an_event_every_5_seconds_until_the_time_limit(api, admin_user, settings, fake_clock):
    settings.SSE_MAX_STREAM_SECONDS = 12
    start = fake_clock[0]

    response = api(admin_user).get(API_URL)
    body = [chunk.decode() for chunk in response.streaming_content]

    assert body[0] == "retry: 5000\n\n"
    assert [chunk.startswith("data: ") for chunk in body[1:]] == [True, True, True]  # at 0 s, 5 s and 10 s
    assert fake_clock[0] - start == 10
    assert sse.sse_open_streams() == 0


@pytest.mark.django_db(transaction=True)
def test_the_cap_across_workers_is_429_and_a_closed_stream_frees_its_slot(api, admin_user, fake_clock):
    client = api(admin_user)
    first = client.get(API_URL)
    second = client.get(API_URL)
    chunks(first, 2)

    refused = client.get(API_URL)

    assert (first.status_code, second.status_code) == (200, 200)
    assert (refused.status_code, refused.json()) == (429, {"detail": "Per daug aktyvių SSE jungčių"})
    assert sse.sse_open_streams() == 2
    first.close()  # the client went away: the WSGI server closes the response
    assert sse.sse_open_streams() == 1
    third = client.get(API_URL)
    assert third.status_code == 200
    second.close()
    third.close()
    third.close()  # closing twice gives back one slot
    assert sse.sse_open_streams() == 0


@pytest.mark.django_db(transaction=True)
def test_the_slot_counter_carries_a_ttl(api, admin_user, settings, fake_clock):
    settings.SSE_MAX_STREAM_SECONDS = 300
    response = api(admin_user).get(API_URL)
    try:
        assert cache._expire_info[cache.make_and_validate_key(sse.SLOTS_KEY)] > timezone.now().timestamp() + 300
    finally:
        response.close()


@pytest.mark.django_db(transaction=True)
def test_the_token_may_come_in_the_query_string(api, admin_user, fake_clock):
    response = api().get(API_URL, {"token": bearer_for(admin_user)})
    try:
        assert response.status_code == 200
    finally:
        response.close()


@pytest.mark.django_db(transaction=True)
def test_only_the_stream_accepts_a_query_token(api, admin_user, settings):
    settings.ENABLE_FINANCE_LEDGER = True

    response = api().get("/api/v1/admin/finance/summary", {"token": bearer_for(admin_user)})

    assert response.status_code == 401


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 401), ("client_user", 403), ("expert_user", 403), ("contractor_user", 403)],
)
def test_permission_matrix(api, request, who, expected):
    user = request.getfixturevalue(who) if who else None

    response = api(user).get(API_URL)

    assert response.status_code == expected
    assert sse.sse_open_streams() == 0


@pytest.mark.django_db(transaction=True)
def test_a_bad_query_token_is_401(api):
    assert api().get(API_URL, {"token": "nope"}).status_code == 401


@pytest.mark.django_db(transaction=True)
def test_flag_off_is_404(api, admin_user, admin_client, settings):
    settings.ENABLE_FINANCE_METRICS = False

    assert api(admin_user).get(API_URL).json() == {"detail": "Nerastas"}
    assert admin_client.get(ADMIN_URL).status_code == 404


# --- the session-authenticated twin ---


@pytest.mark.django_db(transaction=True)
def test_admin_twin_streams_the_same_events(admin_client, fake_clock):
    response = admin_client.get(ADMIN_URL)
    try:
        head, event = chunks(response, 2)
    finally:
        response.close()

    assert response["Content-Type"] == "text/event-stream; charset=utf-8"
    assert head == "retry: 5000\n\n"
    assert set(json.loads(event[len("data: ") :])) == FIELDS


@pytest.mark.django_db(transaction=True)
def test_admin_twin_shares_the_cap(admin_client, api, admin_user, fake_clock):
    streams = [api(admin_user).get(API_URL), admin_client.get(ADMIN_URL)]

    refused = admin_client.get(ADMIN_URL)

    assert (refused.status_code, refused.content.decode()) == (429, "Per daug aktyvių SSE jungčių")
    for stream in streams:
        stream.close()
    assert sse.sse_open_streams() == 0


@pytest.mark.django_db(transaction=True)
def test_admin_twin_is_staff_only(client, contractor_user):
    client.force_login(contractor_user)

    response = client.get(ADMIN_URL)

    assert response.status_code == 302
    assert sse.sse_open_streams() == 0
