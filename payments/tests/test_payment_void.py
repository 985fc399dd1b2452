"""payment_void (workflow.md §12): a correction, never a delete; no endpoint."""

import pytest

from payments.facts import payment_deposit_fact_exists
from payments.models import Payment
from payments.services import payment_void
from payments.tests.factories import add_payment
from projects.services import project_transition
from projects.tests.factories import make_project
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.tests.audit import audit_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(admin_user):
    return Actor.for_user(admin_user)


def test_void_a_manual_deposit(admin, admin_user):
    project = make_project("DRAFT")
    payment = add_payment(project)

    voided = payment_void(payment=payment, actor=admin, reason="  Klaidingai įvesta  ")

    assert (voided.status, voided.voided_by, voided.void_reason) == ("VOIDED", admin_user, "Klaidingai įvesta")
    assert voided.voided_at is not None
    assert Payment.objects.get(pk=payment.pk).status == "VOIDED"
    (row,) = audit_rows()
    assert (row.action, row.entity_type, row.entity_id, row.actor_type, row.actor_id) == (
        "PAYMENT_VOIDED",
        "payment",
        payment.pk,
        "ADMIN",
        str(admin_user.pk),
    )
    assert (row.old_value, row.new_value, row.metadata) == (
        {"status": "SUCCEEDED"},
        {"status": "VOIDED"},
        {"reason": "Klaidingai įvesta"},
    )
    assert payment_deposit_fact_exists(project_id=project.pk) is False
    with pytest.raises(ApiError) as caught:
        project_transition(project=project, new_status="PAID", actor=admin)
    assert caught.value.detail == "Deposit payment not recorded"


def test_project_status_does_not_change(admin):
    project = make_project("PAID")
    payment_void(payment=add_payment(project).pk, actor=admin, reason="Dublikatas")
    project.refresh_from_db()
    assert project.status == "PAID"


@pytest.mark.parametrize(
    ("payment", "reason", "detail"),
    [
        ({"provider": "stripe", "method": None}, "x", "Stripe mokėjimų anuliuoti negalima"),
        ({"provider": "stripe", "method": None, "status": "VOIDED"}, "", "Stripe mokėjimų anuliuoti negalima"),
        ({"status": "VOIDED"}, "x", "Galima anuliuoti tik SUCCEEDED mokėjimą"),
        ({"status": "VOIDED"}, "", "Galima anuliuoti tik SUCCEEDED mokėjimą"),
        ({}, "   ", "Priezastis privaloma"),
        ({}, "", "Priezastis privaloma"),
    ],
)
def test_refusals(admin, payment, reason, detail):
    row = add_payment(make_project("DRAFT"), **payment)
    with pytest.raises(ApiError) as caught:
        payment_void(payment=row, actor=admin, reason=reason)
    assert (caught.value.status, caught.value.detail) == (400, detail)
    assert Payment.objects.get(pk=row.pk).status == payment.get("status", "SUCCEEDED")
    assert audit_rows() == []
