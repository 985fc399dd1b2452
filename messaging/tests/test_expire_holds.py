"""Hold expiry: ``manage.py expire_holds`` and the worker job (messaging.md §8.5)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from messaging.models import ConversationLock
from messaging.tests.factories import add_appointment, add_call_request
from messaging.worker import default_jobs
from vejapro.core.tests.audit import audit_rows


def _lock(appointment, conversation_id: str) -> ConversationLock:
    return ConversationLock.objects.create(
        channel="CHAT",
        conversation_id=conversation_id,
        appointment=appointment,
        hold_expires_at=appointment.hold_expires_at,
    )


@pytest.mark.django_db
def test_expired_holds_are_cancelled_and_their_locks_deleted():
    lead = add_call_request()
    expired = add_appointment(call_request=lead, status="HELD", hold_expires_in=timedelta(minutes=-1))
    live = add_appointment(
        call_request=lead,
        status="HELD",
        resource=expired.resource,
        starts_at=expired.ends_at,
    )
    _lock(expired, "old")
    _lock(live, "live")
    out = StringIO()

    call_command("expire_holds", stdout=out)
    call_command("expire_holds", stdout=out)

    assert out.getvalue().splitlines() == ["holds expired: 1", "holds expired: 0"]
    expired.refresh_from_db()
    live.refresh_from_db()
    assert (expired.status, expired.cancel_reason, expired.hold_expires_at, expired.row_version) == (
        "CANCELLED",
        "HOLD_EXPIRED",
        None,
        2,
    )
    assert expired.cancelled_at is not None
    assert live.status == "HELD"
    assert list(ConversationLock.objects.values_list("conversation_id", flat=True)) == ["live"]
    assert audit_rows() == []


@pytest.mark.django_db
def test_the_worker_runs_the_expiry_with_recurring_jobs(settings):
    settings.ENABLE_RECURRING_JOBS = True
    settings.ENABLE_NOTIFICATION_OUTBOX = False
    expired = add_appointment(call_request=add_call_request(), status="HELD", hold_expires_in=timedelta(minutes=-1))
    [job] = [job for job in default_jobs() if job.name == "expire_holds"]

    assert job.enabled()
    assert job.run(None) == 1
    expired.refresh_from_db()
    assert expired.status == "CANCELLED"
    settings.ENABLE_RECURRING_JOBS = False
    assert not job.enabled()
