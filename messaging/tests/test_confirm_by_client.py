"""confirmation_confirm_by_client: the client portal «Patvirtinti darbų priėmimą» (messaging.md §2.4)."""

from datetime import timedelta

import pytest

from messaging.models import ConfirmationStatus
from messaging.services import Outcome, confirmation_confirm_by_client
from messaging.tests.factories import add_confirmation
from payments.tests.factories import add_payment
from projects.models import ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited, audit_rows

pytestmark = pytest.mark.django_db


def test_the_newest_valid_pending_confirmation_is_used(client_user):
    project = make_project(ProjectStatus.CERTIFIED)
    add_payment(project, "FINAL", "500.00")
    add_confirmation(project, "EXPIRED-ONE", expires_in=-timedelta(minutes=1))
    older = add_confirmation(project, "OLDER-ONE")
    newest = add_confirmation(project, "NEWEST-ONE")

    result = confirmation_confirm_by_client(project=project, user=client_user)

    assert result.outcome == Outcome.CONFIRMED
    newest.refresh_from_db()
    older.refresh_from_db()
    assert (newest.status, older.status) == (ConfirmationStatus.CONFIRMED, ConfirmationStatus.PENDING)
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    assert_audited(
        "STATUS_CHANGE",
        actor_type="SYSTEM_EMAIL",
        actor_id=str(client_user.pk),
        metadata={"channel": "email", "confirmed_via": "client_portal", "confirmation_id": str(newest.pk)},
        exact=True,
    )
    assert_audited("EMAIL_CONFIRMED", metadata={"confirmation_id": str(newest.pk), "via": "client_portal"}, exact=True)


def test_without_a_pending_confirmation_nothing_happens(client_user):
    project = make_project(ProjectStatus.CERTIFIED)
    add_payment(project, "FINAL", "500.00")
    add_confirmation(project, "USED-ONE", status="CONFIRMED")

    result = confirmation_confirm_by_client(project=project, user=client_user)

    assert result.outcome == Outcome.UNKNOWN
    assert audit_rows() == []


def test_missing_final_payment_is_counted_and_audited_as_the_client(client_user):
    project = make_project(ProjectStatus.CERTIFIED)
    confirmation = add_confirmation(project, "PENDING-ONE")

    result = confirmation_confirm_by_client(project=project, user=client_user)

    assert result.outcome == Outcome.FINAL_MISSING
    confirmation.refresh_from_db()
    assert confirmation.attempts == 1
    assert_audited("EMAIL_CONFIRMATION_FINAL_PAYMENT_MISSING", actor_type="CLIENT", actor_id=str(client_user.pk))
