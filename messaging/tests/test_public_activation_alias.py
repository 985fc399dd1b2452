"""GET|POST /api/v1/public/activations/{token}/confirm, the legacy alias (api.md §9.3; messaging.md §2.6)."""

from datetime import timedelta

import pytest
from django.test import Client

from messaging.models import ConfirmationStatus
from messaging.tests.factories import add_confirmation
from payments.tests.factories import add_payment
from projects.models import ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited, audit_actions, audit_rows

pytestmark = pytest.mark.django_db

TOKEN = "LEGACY-TOKEN"
URL = f"/api/v1/public/activations/{TOKEN}/confirm"


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)


def post_json(client, url=URL):
    return client.post(url, data={}, content_type="application/json")


@pytest.fixture
def certified():
    project = make_project(ProjectStatus.CERTIFIED)
    add_payment(project, "FINAL", "500.00")
    return project


def test_the_alias_works_without_the_email_flag(settings, client, certified):
    settings.ENABLE_EMAIL_INTAKE = False
    confirmation = add_confirmation(certified, TOKEN, channel="sms")

    response = post_json(client)

    assert response.status_code == 200
    assert response.json() == {
        "project_id": str(certified.pk),
        "new_status": "ACTIVE",
        "message": "Projektas sekmingai aktyvuotas.",
    }
    assert_audited(
        "STATUS_CHANGE",
        actor_type="SYSTEM_EMAIL",
        metadata={"channel": "sms", "confirmation_id": str(confirmation.pk)},
        exact=True,
    )
    assert_audited(
        "EMAIL_CONFIRMED", metadata={"confirmation_id": str(confirmation.pk), "via": "activation_alias"}, exact=True
    )


def test_unknown_token(client):
    response = post_json(client, "/api/v1/public/activations/NOPE/confirm")

    assert response.status_code == 404
    assert response.json() == {"detail": "Patvirtinimas nerastas"}
    assert audit_rows("EMAIL_CONFIRMATION_INVALID_TOKEN")[0].metadata == {"path_kind": "activation_alias"}


@pytest.mark.parametrize("status", ["CONFIRMED", "FAILED", "EXPIRED"])
def test_any_used_token_answers_already_used(client, certified, status):
    add_confirmation(certified, TOKEN, status=status)

    response = post_json(client)

    assert response.status_code == 400
    assert response.json() == {"detail": "Patvirtinimas jau panaudotas"}


def test_a_second_confirmation_answers_already_used(client, certified):
    add_confirmation(certified, TOKEN)
    assert post_json(client).status_code == 200

    response = post_json(client)

    assert response.status_code == 400
    assert response.json() == {"detail": "Patvirtinimas jau panaudotas"}


def test_over_attempted_token_fails(client, certified):
    confirmation = add_confirmation(certified, TOKEN, attempts=3)

    response = post_json(client)

    assert response.json() == {"detail": "Patvirtinimas nebegalimas"}
    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.FAILED
    assert_audited(
        "EMAIL_CONFIRMATION_FAILED",
        metadata={"confirmation_id": str(confirmation.pk), "via": "activation_alias"},
        exact=True,
    )


def test_expired_token(client, certified):
    confirmation = add_confirmation(certified, TOKEN, expires_in=-timedelta(seconds=1))

    response = post_json(client)

    assert response.status_code == 400
    assert response.json() == {"detail": "Patvirtinimo galiojimas pasibaiges"}
    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.attempts) == ("EXPIRED", 1)


@pytest.mark.parametrize("status", [ProjectStatus.PENDING_EXPERT, ProjectStatus.ACTIVE])
def test_the_project_must_be_exactly_certified(client, status):
    project = make_project(status)
    add_payment(project, "FINAL", "500.00")
    add_confirmation(project, TOKEN)

    response = post_json(client)

    assert response.status_code == 400
    assert response.json() == {"detail": f"Projektas nera CERTIFIED busenoje (dabartine: {status})"}
    assert audit_actions() == ["EMAIL_CONFIRMATION_INVALID_PROJECT_STATUS"]


def test_no_final_payment(client):
    project = make_project(ProjectStatus.CERTIFIED)
    confirmation = add_confirmation(project, TOKEN)

    response = post_json(client)

    assert response.status_code == 400
    assert response.json() == {"detail": "Final payment not recorded"}
    confirmation.refresh_from_db()
    assert confirmation.attempts == 1


def test_the_alias_renders_the_same_pages(client, certified):
    add_confirmation(certified, TOKEN)

    page = client.get(URL, HTTP_ACCEPT="text/html").content.decode()
    assert "Darbų priėmimo patvirtinimas" in page
    assert f'action="{URL}"' in page

    result = client.post(URL, data={"x": "1"})
    assert "Ačiū! Patvirtinimas gautas. Jūsų projektas aktyvuotas." in result.content.decode()
