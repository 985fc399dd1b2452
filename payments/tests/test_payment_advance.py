"""What a recorded payment does to its project is one rule (``payment_project_target`` and
``payment_advance_project``): a DEPOSIT moves a DRAFT project to PAID, a FINAL payment on a CERTIFIED project starts
the client confirmation, whichever path recorded the money (workflow.md §4, §7; messaging.md §2.3)."""

from decimal import Decimal

import pytest

from messaging.models import ClientConfirmation
from payments.models import Payment
from payments.services import (
    payment_advance_project,
    payment_deposit_record_and_mark_paid,
    payment_deposit_waive_and_mark_paid,
    payment_project_target,
    payment_record_manual,
    payment_record_quick,
)
from payments.stripe.services import stripe_event_handle
from payments.tests.factories import add_payment, intent_event
from projects.models import Project, ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.actors import Actor
from vejapro.core.http.errors import BadRequest
from vejapro.core.tests.audit import audit_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _email_intake(settings):
    settings.ENABLE_EMAIL_INTAKE = True


@pytest.fixture
def admin(admin_user):
    return Actor.for_user(admin_user)


@pytest.mark.parametrize("status", ProjectStatus.values)
@pytest.mark.parametrize("payment_type", ["DEPOSIT", "FINAL", "UNKNOWN"])
def test_only_a_deposit_on_a_draft_project_moves_it(status, payment_type):
    project = Project(status=status)
    target = payment_project_target(payment=Payment(payment_type=payment_type), project=project)
    assert target == ("PAID" if (payment_type, status) == ("DEPOSIT", "DRAFT") else None)


def _manual(project, admin, payment_type):
    return payment_record_manual(
        project_id=project.pk,
        payment_type=payment_type,
        amount=Decimal("100"),
        payment_method="CASH",
        provider_event_id=f"MAN-{payment_type}",
        actor=admin,
    )


def _quick(project, admin, payment_type):
    return payment_record_quick(
        project_id=project.pk,
        payment_type=payment_type,
        amount=Decimal("100"),
        provider_event_id=f"QP-{payment_type}",
        actor=admin,
        transition_to="PAID" if payment_type == "DEPOSIT" else None,
    )


def _deposit_section(project, admin, _payment_type):
    return payment_deposit_record_and_mark_paid(
        project_id=project.pk,
        amount=Decimal("100"),
        payment_method="CASH",
        provider_event_id="SECTION-1",
        actor=admin,
    )


def _waiver_section(project, admin, _payment_type):
    return payment_deposit_waive_and_mark_paid(project_id=project.pk, provider_event_id="WAIVE-1", actor=admin)


def _stripe(project, _admin, payment_type):
    return stripe_event_handle(event=intent_event(project.pk, payment_type, event_id=f"evt_{payment_type}"))


@pytest.mark.parametrize(
    ("record", "source", "event_id"),
    [
        (_quick, "quick_payment", None),
        (_deposit_section, "admin", None),
        (_waiver_section, "admin", None),
        (_stripe, "stripe", "evt_DEPOSIT"),
    ],
)
def test_a_deposit_moves_a_draft_project_to_paid_from_every_path(admin, record, source, event_id):
    project = make_project("DRAFT")

    record(project, admin, "DEPOSIT")

    project.refresh_from_db()
    payment = Payment.objects.get(project=project)
    [moved] = audit_rows("STATUS_CHANGE")
    assert project.status == "PAID"
    assert (moved.old_value, moved.new_value) == ({"status": "DRAFT"}, {"status": "PAID"})
    expected = {"source": source, "payment_id": str(payment.pk)}
    assert moved.metadata == (expected if event_id is None else {**expected, "event_id": event_id})


def test_the_manual_payment_records_a_deposit_without_moving_the_project(admin):
    project = make_project("DRAFT")

    _manual(project, admin, "DEPOSIT")

    project.refresh_from_db()
    assert (project.status, audit_rows("STATUS_CHANGE")) == ("DRAFT", [])


@pytest.mark.parametrize("record", [_manual, _quick, _stripe])
def test_a_final_payment_on_a_certified_project_starts_the_confirmation_from_every_path(admin, record):
    project = make_project("CERTIFIED")

    record(project, admin, "FINAL")

    project.refresh_from_db()
    assert project.status == "CERTIFIED"
    assert ClientConfirmation.objects.filter(project=project, channel="email").count() == 1
    assert audit_rows("STATUS_CHANGE") == []


@pytest.mark.parametrize("record", [_manual, _quick, _stripe])
def test_a_final_payment_on_an_active_project_starts_nothing(admin, record):
    project = make_project("ACTIVE")

    record(project, admin, "FINAL")

    assert ClientConfirmation.objects.count() == 0


def test_a_refused_transition_rolls_back_unless_the_caller_keeps_the_payment(admin):
    project = make_project("DRAFT")
    payment = add_payment(project, "FINAL")

    with pytest.raises(BadRequest):
        payment_advance_project(payment=payment, project=project, actor=admin, source="admin", transition_to="PAID")
    kept = payment_advance_project(
        payment=payment,
        project=project,
        actor=admin,
        source="quick_payment",
        transition_to="PAID",
        keep_refused_payment=True,
    )

    assert (kept.status_changed, kept.transition_error, kept.email_queued) == (
        False,
        "Deposit payment not recorded",
        False,
    )
    assert kept.project.status == "DRAFT"
