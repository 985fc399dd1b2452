"""A FINAL payment on a CERTIFIED project starts the real confirmation request (messaging.md §2.3)."""

import pytest

from messaging.models import ClientConfirmation
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _flags(settings):
    settings.ENABLE_FINANCE_LEDGER = True
    settings.ENABLE_EMAIL_INTAKE = True


def test_quick_final_payment_queues_the_email(api, admin_user):
    project = make_project("CERTIFIED")
    response = api(admin_user).post_json(
        f"/api/v1/projects/{project.pk}/quick-payment-and-transition",
        {"payment_type": "FINAL", "amount": 500, "provider_event_id": "QP-final"},
    )

    assert response.status_code == 200
    assert (response.json()["email_queued"], response.json()["new_status"]) == (True, "CERTIFIED")
    (confirmation,) = ClientConfirmation.objects.filter(project=project)
    assert (confirmation.channel, confirmation.status) == ("email", "PENDING")
    assert_audited("EMAIL_CONFIRMATION_CREATED", count=1)


def test_manual_final_payment_on_active_starts_nothing(api, admin_user):
    project = make_project("ACTIVE")
    response = api(admin_user).post_json(
        f"/api/v1/projects/{project.pk}/payments/manual",
        {"payment_type": "FINAL", "amount": 500, "payment_method": "CASH", "provider_event_id": "M-final"},
    )
    assert response.status_code == 201
    assert not ClientConfirmation.objects.filter(project=project).exists()
