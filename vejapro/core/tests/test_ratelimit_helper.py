"""``rate_limited`` for per-key limits inside views, and ``rate_limit_blocked_record``."""

import pytest
from django.test import RequestFactory

from vejapro.core.http.ratelimit import rate_limit_blocked_record, rate_limited
from vejapro.core.models import AuditLog

rf = RequestFactory()


def test_limit_by_client_ip(rate_limits):
    request = rf.post("/login", REMOTE_ADDR="198.51.100.9")

    results = [rate_limited(request, group="login:ip", limit=2) for _ in range(3)]

    assert results == [False, False, True]


def test_limit_by_explicit_key(rate_limits):
    request = rf.post("/api/v1/webhook/twilio")

    first_sender = [rate_limited(request, group="twilio:from", key="+37060000001", limit=1) for _ in range(2)]
    other_sender = rate_limited(request, group="twilio:from", key="+37060000002", limit=1)

    assert first_sender == [False, True]
    assert other_sender is False


def test_groups_count_separately(rate_limits):
    request = rf.get("/")
    rate_limited(request, group="confirm:ip", limit=1)

    assert rate_limited(request, group="offer:ip", limit=1) is False
    assert rate_limited(request, group="confirm:ip", limit=1) is True


def test_disabled_globally():
    request = rf.get("/")

    assert [rate_limited(request, group="x", limit=1) for _ in range(3)] == [False, False, False]


@pytest.mark.django_db
def test_blocked_record_writes_the_audit_row():
    request = rf.post("/api/v1/webhook/twilio", REMOTE_ADDR="198.51.100.9")

    rate_limit_blocked_record(request, key="twilio:from", limit=10)

    row = AuditLog.objects.get()
    assert (row.action, row.entity_type, row.actor_type) == ("RATE_LIMIT_BLOCKED", "system", "SYSTEM")
    assert row.metadata == {"path": "/api/v1/webhook/twilio", "key": "twilio:from", "limit": 10, "window_seconds": 60}
    assert row.ip_address == "198.51.100.9"
