"""POST /api/v1/admin/notifications/{id}/retry (api.md §10.2, messaging.md §3.5)."""

import uuid
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from messaging.models import NotificationOutbox, OutboxStatus
from messaging.tests.factories import add_outbox
from vejapro.core.tests.audit import audit_rows

pytestmark = pytest.mark.django_db


def url(notification_id) -> str:
    return f"/api/v1/admin/notifications/{notification_id}/retry"


@pytest.fixture
def failed():
    return add_outbox(
        channel="sms",
        payload={"to_number": "+37061234567", "body": "x"},
        status=OutboxStatus.FAILED,
        attempt_count=5,
        last_error="timeout",
        next_attempt_at=timezone.now() + timedelta(days=365),
    )


def test_anonymous_is_401(api, failed):
    assert api().post_json(url(failed.pk)).status_code == 401


def test_other_roles_are_403(api, non_admin, failed):
    response = api(non_admin).post_json(url(failed.pk))

    assert response.status_code == 403
    assert response.json() == {"detail": "Draudžiama"}
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.FAILED


@pytest.mark.parametrize("notification_id", [uuid.uuid4(), "x"])
def test_unknown_notification_is_404(api, admin_user, notification_id):
    response = api(admin_user).post_json(url(notification_id))

    assert response.status_code == 404
    assert response.json() == {"detail": "Pranešimas nerastas"}


def test_a_failed_row_goes_back_to_the_queue(api, admin_user, failed):
    before = timezone.now()

    response = api(admin_user).post_json(url(failed.pk))

    assert response.status_code == 200
    [audit] = audit_rows("ADMIN_NOTIFICATION_RETRY")
    assert response.json() == {
        "remaining": 2,
        "reset_at": (audit.timestamp + timedelta(hours=24)).astimezone(UTC).isoformat(),
    }
    failed.refresh_from_db()
    assert (failed.status, failed.attempt_count, failed.last_error) == (OutboxStatus.PENDING, 0, None)
    assert before <= failed.next_attempt_at <= timezone.now()
    assert (audit.entity_type, audit.entity_id, audit.actor_type, audit.actor_id) == (
        "notification_outbox",
        failed.pk,
        "ADMIN",
        str(admin_user.pk),
    )
    assert audit.old_value == {"status": "FAILED", "attempt_count": 5}
    assert audit.new_value == {"status": "PENDING"}
    assert audit.metadata == {"remaining": 2}


@pytest.mark.parametrize("status", [OutboxStatus.PENDING, OutboxStatus.RETRY, OutboxStatus.SENT, OutboxStatus.SKIPPED])
def test_only_failed_rows(api, admin_user, failed, status):
    NotificationOutbox.objects.filter(pk=failed.pk).update(status=status, sent_at=timezone.now())

    response = api(admin_user).post_json(url(failed.pk))

    assert response.status_code == 400
    assert response.json() == {"detail": "Galima kartoti tik FAILED pranesimus"}


def test_three_retries_per_day_then_429(api, admin_user, failed):
    client = api(admin_user)
    answers = []
    for _ in range(3):
        answers.append(client.post_json(url(failed.pk)).json()["remaining"])
        NotificationOutbox.objects.filter(pk=failed.pk).update(status=OutboxStatus.FAILED)
    first = audit_rows("ADMIN_NOTIFICATION_RETRY")[0]

    response = client.post_json(url(failed.pk))

    assert answers == [2, 1, 0]
    assert response.status_code == 429
    assert response.json() == {
        "detail": {
            "message": "Kartojimų limitas pasiektas",
            "remaining": 0,
            "reset_at": (first.timestamp + timedelta(hours=24)).astimezone(UTC).isoformat(),
        }
    }
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.FAILED
