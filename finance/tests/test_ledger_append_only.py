"""The ledger is append-only: the ORM refuses updates and deletes on every backend; on PostgreSQL the trigger
``finance_ledger_append_only`` refuses them too, and refuses a reversal of a reversal; concurrent reversals of one
entry leave exactly one (data-model.md §7.10, §8)."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from finance.models import LedgerAppendOnly, LedgerEntry, LedgerEntryType
from finance.services import ledger_entry_reverse
from finance.tests.factories import add_cost, reverse_cost
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.http.errors import ApiError
from vejapro.core.tests.audit import audit_rows


@pytest.mark.django_db
def test_orm_refuses_update_and_delete(admin_user):
    entry = add_cost(admin_user, "10")

    with pytest.raises(LedgerAppendOnly):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1"))
    with pytest.raises(LedgerAppendOnly):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    entry.amount = Decimal("1")
    with pytest.raises(LedgerAppendOnly):
        entry.save()
    with pytest.raises(LedgerAppendOnly):
        entry.delete()
    assert LedgerEntry.objects.get().amount == Decimal("10.00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"amount": Decimal("0")},
        {"entry_type": "INCOME"},
        {"category": "PIZZA"},
        {"payment_method": "CHEQUE"},
        {"entry_type": LedgerEntryType.ADJUSTMENT},
    ],
)
def test_table_constraints(fields):
    row = {"entry_type": "EXPENSE", "category": "FUEL", "amount": Decimal("1"), **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(**row)


@pytest.mark.django_db
def test_one_reversal_per_entry_in_the_database(admin_user):
    entry = add_cost(admin_user)
    reverse_cost(admin_user, entry)

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            entry_type=LedgerEntryType.ADJUSTMENT, category="FUEL", amount=Decimal("1"), reverses_entry=entry
        )


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE finance_ledger_entries SET amount = 1 WHERE id = %s",
        "UPDATE finance_ledger_entries SET description = 'x' WHERE id = %s",
        "DELETE FROM finance_ledger_entries WHERE id = %s",
    ],
)
def test_trigger_refuses_raw_update_and_delete(admin_user, sql):
    entry = add_cost(admin_user, "10")

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        _raw(sql, [entry.pk])

    row = LedgerEntry.objects.get(pk=entry.pk)
    assert (row.amount, row.description) == (Decimal("10.00"), None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_trigger_refuses_a_reversal_of_a_reversal(admin_user):
    reversal = reverse_cost(admin_user, add_cost(admin_user))

    with pytest.raises(IntegrityError, match="cannot be reversed"), transaction.atomic():
        LedgerEntry.objects.create(
            entry_type=LedgerEntryType.ADJUSTMENT, category="FUEL", amount=Decimal("1"), reverses_entry=reversal
        )
    assert LedgerEntry.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_reversals_leave_one(admin_user):
    entry = add_cost(admin_user, "99")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def reverse():
        try:
            barrier.wait()
            ledger_entry_reverse(actor=Actor.for_user(admin_user), entry_id=entry.pk, reason="Lenktynės")
            outcomes.append("ok")
        except ApiError as exc:
            outcomes.append(exc.detail)
        finally:
            connection.close()

    threads = [threading.Thread(target=reverse) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["ok"] + ["Įrašas jau koreguotas"] * 3
    assert LedgerEntry.objects.filter(reverses_entry=entry).count() == 1
    assert len(audit_rows(AuditAction.FINANCE_LEDGER_ENTRY_REVERSED)) == 1
