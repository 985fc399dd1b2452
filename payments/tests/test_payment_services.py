"""The payment services as other apps call them (admin screen, portals): Project instances, sources, texts."""

from decimal import Decimal

import pytest

from payments.services import payment_record_manual, payment_record_quick, payment_waive_deposit
from projects.tests.factories import make_project
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.tests.audit import audit_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(admin_user):
    return Actor.for_user(admin_user)


def test_manual_payment_from_the_admin_screen(admin):
    project = make_project("DRAFT")
    result = payment_record_manual(
        project_id=project,
        payment_type="DEPOSIT",
        amount=Decimal("99.999"),
        payment_method="CASH",
        provider_event_id="MANUAL-1",
        actor=admin,
        source="admin",
    )
    assert (result.idempotent, result.payment.amount, result.email_queued) == (False, Decimal("100.00"), False)
    assert audit_rows("PAYMENT_RECORDED_MANUAL")[0].metadata["source"] == "admin"
    again = payment_record_manual(
        project_id=str(project.pk),
        payment_type="DEPOSIT",
        amount=Decimal("100"),
        payment_method="CARD",
        provider_event_id="MANUAL-1",
        actor=admin,
    )
    assert (again.idempotent, again.payment.pk) == (True, result.payment.pk)


def test_waiver_with_a_project_instance(admin):
    project = make_project("DRAFT")
    first = payment_waive_deposit(project_id=project, provider_event_id="W-9", actor=admin, source="admin")
    again = payment_waive_deposit(project_id=project, provider_event_id="W-9", actor=admin)
    assert (first.idempotent, again.idempotent, again.payment.pk) == (False, True, first.payment.pk)
    assert audit_rows("PAYMENT_RECORDED_MANUAL")[0].metadata["source"] == "admin"


def test_portal_quick_payment_metadata(contractor_user):
    project = make_project("DRAFT", contractor=contractor_user)
    result = payment_record_quick(
        project_id=project,
        payment_type="DEPOSIT",
        amount=Decimal("50"),
        provider_event_id="QP-portal",
        transition_to="PAID",
        actor=Actor.for_user(contractor_user),
        source="portal",
    )
    assert (result.status_changed, result.new_status) == (True, "PAID")
    assert audit_rows("PAYMENT_RECORDED_MANUAL")[0].metadata["source"] == "portal"
    assert audit_rows("STATUS_CHANGE")[0].metadata == {"source": "portal", "payment_id": str(result.payment.pk)}


def test_quick_payment_checks_access_itself(other_contractor):
    project = make_project("DRAFT")
    with pytest.raises(ApiError) as caught:
        payment_record_quick(
            project_id=project.pk,
            payment_type="DEPOSIT",
            amount=Decimal("50"),
            provider_event_id="QP-x",
            actor=Actor.for_user(other_contractor),
        )
    assert (caught.value.status, caught.value.detail) == (403, "Prieiga uždrausta")
