"""A FINAL payment recorded by the payments endpoints starts the confirmation request (messaging.md §2.3).

Integration of ``payments.services._start_client_confirmation`` with ``confirmation_request_for_final_payment``.
"""

import pytest

from messaging.models import ClientConfirmation, NotificationOutbox
from projects.models import ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.tests.audit import audit_actions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _flags(settings):
    settings.ENABLE_MANUAL_PAYMENTS = True
    settings.ENABLE_FINANCE_LEDGER = True
    settings.ENABLE_EMAIL_INTAKE = True
    settings.ENABLE_TWILIO = True


def manual_final(api, admin_user, project, key="fin-1"):
    return api(admin_user).post_json(
        f"/api/v1/projects/{project.pk}/payments/manual",
        {"payment_type": "FINAL", "amount": 900, "payment_method": "BANK_TRANSFER", "provider_event_id": key},
    )


def quick_final(api, user, project, key="fin-q"):
    return api(user).post_json(
        f"/api/v1/projects/{project.pk}/quick-payment-and-transition",
        {"payment_type": "FINAL", "amount": 900, "provider_event_id": key},
    )


def test_a_manual_final_payment_queues_the_confirmation_email(api, admin_user):
    project = make_project(ProjectStatus.CERTIFIED)

    response = manual_final(api, admin_user, project)

    assert response.status_code == 201
    confirmation = ClientConfirmation.objects.get()
    assert (confirmation.channel, confirmation.status) == ("email", "PENDING")
    row = NotificationOutbox.objects.get()
    assert (row.channel, row.template_key, row.payload_json["to"]) == (
        "email",
        "FINAL_PAYMENT_CONFIRMATION",
        "jonas@gmail.com",
    )
    assert audit_actions() == ["PAYMENT_RECORDED_MANUAL", "EMAIL_CONFIRMATION_CREATED"]


def test_a_replayed_manual_payment_does_not_ask_again(api, admin_user):
    project = make_project(ProjectStatus.CERTIFIED)
    manual_final(api, admin_user, project)

    replay = manual_final(api, admin_user, project)

    assert replay.status_code == 200
    assert replay.json()["idempotent"] is True
    assert ClientConfirmation.objects.count() == 1


def test_the_quick_payment_reports_the_queued_email(api, admin_user):
    project = make_project(ProjectStatus.CERTIFIED)

    response = quick_final(api, admin_user, project)

    assert response.status_code == 200
    assert response.json()["email_queued"] is True
    assert NotificationOutbox.objects.get().channel == "email"


def test_the_sms_fallback_is_not_an_email(api, admin_user, settings):
    settings.ENABLE_EMAIL_INTAKE = False
    project = make_project(ProjectStatus.CERTIFIED)

    response = quick_final(api, admin_user, project)

    assert response.json()["email_queued"] is False
    assert NotificationOutbox.objects.get().channel == "sms"
    assert ClientConfirmation.objects.get().channel == "sms"


def test_a_final_payment_on_an_active_project_asks_nothing(api, admin_user):
    project = make_project(ProjectStatus.ACTIVE)

    assert manual_final(api, admin_user, project).status_code == 201

    assert ClientConfirmation.objects.count() == 0
    assert NotificationOutbox.objects.count() == 0
