"""GET /api/v1/admin/projects/{id}/notifications (api.md §10.1)."""

import uuid
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from messaging.models import NotificationOutbox, OutboxStatus
from messaging.tests.factories import add_outbox
from projects.tests.factories import make_project
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db


def url(project_id) -> str:
    return f"/api/v1/admin/projects/{project_id}/notifications"


def row(project, status=OutboxStatus.PENDING, minutes_ago=0, **fields):
    created = add_outbox(
        project, status=status, payload={"to": "jonas@gmail.com", "subject": "s", "body_text": "token SECRET"}, **fields
    )
    NotificationOutbox.objects.filter(pk=created.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    created.refresh_from_db()
    return created


def test_anonymous_is_401(api):
    assert api().get(url(make_project("CERTIFIED").pk)).status_code == 401


def test_other_roles_are_403(api, non_admin):
    response = api(non_admin).get(url(make_project("CERTIFIED").pk))

    assert response.status_code == 403
    assert response.json() == {"detail": "Draudžiama"}


@pytest.mark.parametrize("project_id", [uuid.uuid4(), "x"])
def test_unknown_project_is_404(api, admin_user, project_id):
    response = api(admin_user).get(url(project_id))

    assert response.status_code == 404
    assert response.json() == {"detail": "Projektas nerastas"}


def test_rows_of_the_project_newest_first_without_payload(api, admin_user):
    project = make_project("CERTIFIED")
    sent = row(project, OutboxStatus.SENT, minutes_ago=30, sent_at=timezone.now(), attempt_count=1)
    failed = row(project, OutboxStatus.FAILED, minutes_ago=10, attempt_count=5, last_error="timeout", channel="sms")
    row(make_project("CERTIFIED"))  # another project
    retried = AuditLog.objects.create(
        entity_type="notification_outbox",
        entity_id=failed.pk,
        action="ADMIN_NOTIFICATION_RETRY",
        actor_type="ADMIN",
        timestamp=timezone.now() - timedelta(hours=1),
    )

    response = api(admin_user).get(url(project.pk))

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [str(failed.pk), str(sent.pk)]
    assert items[0] == {
        "id": str(failed.pk),
        "channel": "sms",
        "template_key": "FINAL_PAYMENT_CONFIRMATION",
        "status": "FAILED",
        "attempt_count": 5,
        "last_error": "timeout",
        "sent_at": None,
        "created_at": failed.created_at.astimezone(UTC).isoformat(),
        "can_retry": True,
        "retries_remaining": 2,
        "reset_at": (retried.timestamp + timedelta(hours=24)).astimezone(UTC).isoformat(),
    }
    assert items[1]["can_retry"] is False
    assert items[1]["sent_at"].endswith("+00:00")
    assert "SECRET" not in response.content.decode()
    assert "payload" not in response.content.decode()
