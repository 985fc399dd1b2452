"""PostgreSQL trigger payments_immutable (data-model.md §8): payments are facts, even for raw SQL."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from payments.models import Payment
from payments.tests.factories import add_payment
from projects.tests.factories import make_project

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def payment():
    return add_payment(make_project("DRAFT"), amount="100.00")


@pytest.mark.parametrize(
    "change",
    [
        {"amount": Decimal("1.00")},
        {"payment_type": "FINAL"},
        {"receipt_no": "R-9"},
        {"status": "VOIDED", "voided_at": timezone.now(), "amount": Decimal("5.00")},
    ],
    ids=["amount", "type", "receipt", "void-with-amount"],
)
def test_raw_update_is_rejected(payment, change):
    with pytest.raises(IntegrityError, match="payments_immutable"), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(**change)
    assert Payment.objects.get(pk=payment.pk).amount == Decimal("100.00")


def test_delete_is_rejected(payment):
    with pytest.raises(IntegrityError, match="payments_immutable"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM payments WHERE id = %s", [payment.pk])
    assert Payment.objects.filter(pk=payment.pk).exists()


def test_void_is_the_only_allowed_change(payment):
    Payment.objects.filter(pk=payment.pk).update(status="VOIDED", voided_at=timezone.now(), void_reason="klaida")
    assert Payment.objects.get(pk=payment.pk).status == "VOIDED"

    with pytest.raises(IntegrityError, match="payments_immutable"), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(status="SUCCEEDED")
