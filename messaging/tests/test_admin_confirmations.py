"""GET /api/v1/admin/projects/{id}/confirmations (api.md §9.4)."""

import uuid
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from messaging.tests.factories import add_confirmation
from projects.models import ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db


def url(project_id) -> str:
    return f"/api/v1/admin/projects/{project_id}/confirmations"


def resend_audit(project, channel="EMAIL", hours_ago=1):
    return AuditLog.objects.create(
        entity_type="project",
        entity_id=project.pk,
        action=f"ADMIN_CONFIRMATION_RESEND_{channel}",
        actor_type="ADMIN",
        timestamp=timezone.now() - timedelta(hours=hours_ago),
    )


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


def test_lists_newest_first_with_the_resend_allowance(api, admin_user):
    project = make_project(ProjectStatus.CERTIFIED)
    older = add_confirmation(project, "OLD-TOKEN", status="EXPIRED", attempts=1)
    newer = add_confirmation(project, "NEW-TOKEN")
    sms = add_confirmation(project, "SMSCODE2", channel="sms", status="CONFIRMED")
    for row, minutes in ((older, 30), (newer, 20), (sms, 10)):
        type(row).objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    first = resend_audit(project, hours_ago=5)
    resend_audit(project, hours_ago=2)
    resend_audit(project, hours_ago=30)  # outside the window

    response = api(admin_user).get(url(project.pk))

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [str(sms.pk), str(newer.pk), str(older.pk)]
    email_item = items[1]
    newer.refresh_from_db()
    assert email_item == {
        "id": str(newer.pk),
        "channel": "email",
        "status": "PENDING",
        "attempts": 0,
        "created_at": newer.created_at.astimezone(UTC).isoformat(),
        "expires_at": newer.expires_at.astimezone(UTC).isoformat(),
        "confirmed_at": None,
        "can_resend": True,
        "resends_remaining": 1,
        "reset_at": (first.timestamp + timedelta(hours=24)).astimezone(UTC).isoformat(),
    }
    assert email_item["created_at"].endswith("+00:00")
    assert items[0]["can_resend"] is False  # confirmed
    assert items[0]["resends_remaining"] == 3
    assert items[0]["reset_at"] is None
    assert items[0]["confirmed_at"] is not None


def test_no_resend_once_the_limit_is_used_or_the_project_moved_on(api, admin_user):
    project = make_project(ProjectStatus.CERTIFIED)
    add_confirmation(project)
    for hours in (1, 2, 3):
        resend_audit(project, hours_ago=hours)

    [item] = api(admin_user).get(url(project.pk)).json()["items"]
    assert (item["can_resend"], item["resends_remaining"]) == (False, 0)

    active = make_project(ProjectStatus.ACTIVE)
    add_confirmation(active, "OTHER-TOKEN")
    [item] = api(admin_user).get(url(active.pk)).json()["items"]
    assert (item["can_resend"], item["resends_remaining"]) == (False, 3)
