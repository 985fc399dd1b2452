"""POST /api/v1/admin/projects/{id}/confirmations/resend (api.md §9.5, messaging.md §2.7)."""

import uuid
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from messaging.models import ClientConfirmation, NotificationOutbox
from messaging.tests.factories import add_confirmation
from projects.models import ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.models import AuditLog
from vejapro.core.tests.audit import audit_actions, audit_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _flags(settings):
    settings.ENABLE_EMAIL_INTAKE = True
    settings.ENABLE_TWILIO = True


def url(project_id) -> str:
    return f"/api/v1/admin/projects/{project_id}/confirmations/resend"


@pytest.fixture
def certified():
    project = make_project(ProjectStatus.CERTIFIED)
    add_confirmation(project)
    return project


def test_anonymous_is_401(api, certified):
    assert api().post_json(url(certified.pk), {"channel": "email"}).status_code == 401


def test_other_roles_are_403(api, non_admin, certified):
    response = api(non_admin).post_json(url(certified.pk), {"channel": "email"})

    assert response.status_code == 403
    assert response.json() == {"detail": "Draudžiama"}


@pytest.mark.parametrize("project_id", [uuid.uuid4(), "nope"])
def test_unknown_project_is_404(api, admin_user, project_id):
    response = api(admin_user).post_json(url(project_id), {"channel": "email"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Projektas nerastas"}


def test_email_resend_creates_a_new_confirmation_and_queues_the_email(api, admin_user, certified):
    response = api(admin_user).post_json(url(certified.pk), {})

    assert response.status_code == 200
    assert response.json()["remaining"] == 2
    assert response.json()["reset_at"].endswith("+00:00")
    assert ClientConfirmation.objects.filter(project=certified, status="PENDING").count() == 2
    new = ClientConfirmation.objects.order_by("-created_at").first()
    row = NotificationOutbox.objects.get()
    assert (row.channel, row.template_key, row.payload_json["to"]) == (
        "email",
        "FINAL_PAYMENT_CONFIRMATION",
        "jonas@gmail.com",
    )
    assert audit_actions() == ["EMAIL_CONFIRMATION_CREATED", "ADMIN_CONFIRMATION_RESEND_EMAIL"]
    created, resend = audit_rows()
    assert created.metadata == {"trigger": "admin_resend"}
    assert (resend.actor_type, resend.actor_id) == ("ADMIN", str(admin_user.pk))
    assert resend.new_value == {"confirmation_id": str(new.pk), "channel": "email"}
    assert resend.metadata == {"remaining": 2}


def test_sms_resend_queues_an_sms(api, admin_user, certified):
    response = api(admin_user).post_json(url(certified.pk), {"channel": "sms"})

    assert response.status_code == 200
    assert response.json()["remaining"] == 2
    row = NotificationOutbox.objects.get()
    assert (row.channel, row.payload_json["to_number"]) == ("sms", "+37061234567")
    assert audit_actions() == ["SMS_CONFIRMATION_CREATED", "ADMIN_CONFIRMATION_RESEND_SMS"]


def test_an_unknown_channel_is_400(api, admin_user, certified):
    response = api(admin_user).post_json(url(certified.pk), {"channel": "whatsapp"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Kanalas turi būti email arba sms"}


def test_only_certified_projects(api, admin_user):
    project = make_project(ProjectStatus.ACTIVE)
    add_confirmation(project)

    response = api(admin_user).post_json(url(project.pk), {"channel": "email"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Projektas turi būti CERTIFIED būsenoje. Dabartinė: ACTIVE"}


def test_a_confirmation_must_exist_already(api, admin_user):
    project = make_project(ProjectStatus.CERTIFIED)

    response = api(admin_user).post_json(url(project.pk), {"channel": "email"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Patvirtinimo irasas nerastas"}


def test_three_resends_per_channel_per_day_then_429(api, admin_user, certified):
    client = api(admin_user)
    answers = [client.post_json(url(certified.pk), {"channel": "email"}).json()["remaining"] for _ in range(3)]
    first = AuditLog.objects.filter(action="ADMIN_CONFIRMATION_RESEND_EMAIL").order_by("timestamp").first()

    response = client.post_json(url(certified.pk), {"channel": "email"})

    assert answers == [2, 1, 0]
    assert response.status_code == 429
    assert response.json() == {
        "detail": {
            "message": "Persiuntimų limitas pasiektas",
            "remaining": 0,
            "reset_at": (first.timestamp + timedelta(hours=24)).astimezone(UTC).isoformat(),
        }
    }
    assert ClientConfirmation.objects.count() == 4
    assert client.post_json(url(certified.pk), {"channel": "sms"}).status_code == 200  # other channel, own limit


def test_old_resends_no_longer_count(api, admin_user, certified):
    for _ in range(3):
        AuditLog.objects.create(
            entity_type="project",
            entity_id=certified.pk,
            action="ADMIN_CONFIRMATION_RESEND_EMAIL",
            actor_type="ADMIN",
            timestamp=timezone.now() - timedelta(hours=25),
        )

    response = api(admin_user).post_json(url(certified.pk), {"channel": "email"})

    assert response.status_code == 200
    assert response.json()["remaining"] == 2


@pytest.mark.parametrize(
    ("channel", "flags", "client_info", "detail"),
    [
        ("email", {"ENABLE_EMAIL_INTAKE": False}, None, "El. pašto kanalas išjungtas"),
        ("email", {}, {"phone": "+37061234567"}, "Kliento el. paštas nenurodytas"),
        ("sms", {"ENABLE_TWILIO": False}, None, "SMS kanalas išjungtas"),
        ("sms", {}, {"email": "a@b.lt", "phone": "123"}, "Kliento telefonas nenurodytas"),
    ],
)
def test_channel_preconditions(api, admin_user, settings, channel, flags, client_info, detail):
    for name, value in flags.items():
        setattr(settings, name, value)
    project = make_project(ProjectStatus.CERTIFIED, client_info=client_info)
    add_confirmation(project)

    response = api(admin_user).post_json(url(project.pk), {"channel": channel})

    assert response.status_code == 400
    assert response.json() == {"detail": detail}
    assert NotificationOutbox.objects.count() == 0
    assert audit_rows() == []
