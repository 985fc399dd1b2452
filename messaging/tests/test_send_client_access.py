"""POST /api/v1/admin/projects/{id}/send-client-access (api.md §5.5)."""

import uuid
from datetime import timedelta

import jwt
import pytest
from django.utils import timezone

from messaging.models import NotificationOutbox
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited, audit_rows

pytestmark = pytest.mark.django_db


def url(project_id) -> str:
    return f"/api/v1/admin/projects/{project_id}/send-client-access"


@pytest.fixture
def project(client_user):
    return make_project(
        "CERTIFIED",
        client_user_id=str(client_user.pk),
        client_info={"name": "Jonas", "email": "jonas@gmail.com", "client_id": str(client_user.pk)},
    )


def test_anonymous_is_401(api, project):
    assert api().post_json(url(project.pk)).status_code == 401


def test_other_roles_are_403(api, non_admin, project):
    response = api(non_admin).post_json(url(project.pk))

    assert response.status_code == 403
    assert NotificationOutbox.objects.count() == 0


@pytest.mark.parametrize("project_id", [uuid.uuid4(), "nope"])
def test_unknown_project_is_404(api, admin_user, project_id):
    response = api(admin_user).post_json(url(project_id))

    assert response.status_code == 404
    assert response.json() == {"detail": "Projektas nerastas"}


def test_queues_the_portal_email_with_a_client_magic_link(api, admin_user, project, client_user, settings):
    settings.PUBLIC_BASE_URL = "https://vejapro.lt"
    settings.CLIENT_TOKEN_TTL_HOURS = 168
    before = timezone.now()

    response = api(admin_user).post_json(url(project.pk))

    assert response.status_code == 200
    body = response.json()
    assert body["sent_to"] == "jonas@gmail.com"
    assert body["project_id"] == str(project.pk)
    week = timedelta(hours=168).total_seconds()
    assert int(before.timestamp() + week) - 1 <= body["expires_at"] <= timezone.now().timestamp() + week
    row = NotificationOutbox.objects.get()
    assert (row.channel, row.template_key, row.entity_id) == ("email", "CLIENT_PORTAL_ACCESS", project.pk)
    assert row.payload_json["to"] == "jonas@gmail.com"
    assert row.payload_json["subject"] == "VejaPRO - Jūsų kliento portalas"
    text = row.payload_json["body_text"]
    assert "Nuoroda galioja 7 d. Vėliau prisijunkite el. paštu ir slaptažodžiu." in text
    link = next(line for line in text.splitlines() if line.startswith("https://vejapro.lt/client?token="))
    token = link.split("token=")[1].split("&")[0]
    assert link.endswith(f"&project={project.pk}")
    claims = jwt.decode(token, settings.SUPABASE_JWT_SECRET, algorithms=["HS256"], audience="authenticated")
    assert claims["sub"] == str(client_user.pk)
    assert claims["app_metadata"] == {"role": "CLIENT"}
    assert claims["email"] == "jonas@gmail.com"
    assert claims["exp"] == body["expires_at"]
    [audit] = assert_audited(
        "CLIENT_ACCESS_EMAIL_SENT",
        entity_id=project.pk,
        actor_type="ADMIN",
        new_value={"client_email": "[REDACTED]", "ttl_hours": 168},
        exact=True,
    )
    assert token not in str(audit.new_value)


def test_a_ttl_of_zero_falls_back_to_a_week(api, admin_user, project, settings):
    settings.CLIENT_TOKEN_TTL_HOURS = 0

    response = api(admin_user).post_json(url(project.pk))

    assert response.status_code == 200
    assert audit_rows("CLIENT_ACCESS_EMAIL_SENT")[0].new_value["ttl_hours"] == 168
    assert "Nuoroda galioja 7 d." in NotificationOutbox.objects.get().payload_json["body_text"]


def test_the_project_needs_a_client_id(api, admin_user):
    project = make_project("CERTIFIED", client_info={"email": "a@b.lt"})

    response = api(admin_user).post_json(url(project.pk))

    assert response.status_code == 400
    assert response.json() == {"detail": "client_id missing in project.client_info"}


def test_the_project_needs_a_client_email(api, admin_user, client_user):
    project = make_project(
        "CERTIFIED", client_user_id=str(client_user.pk), client_info={"client_id": str(client_user.pk)}
    )

    response = api(admin_user).post_json(url(project.pk))

    assert response.status_code == 400
    assert response.json() == {"detail": "Kliento el. pastas nenurodytas project.client_info"}
    assert NotificationOutbox.objects.count() == 0
