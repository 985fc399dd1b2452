"""Finance test data: ledger rows written through the service (behaviour under test elsewhere) or directly."""

import datetime as dt
from decimal import Decimal

from finance.models import LedgerCategory, LedgerEntry, LedgerEntryType
from finance.services import ledger_entry_create, ledger_entry_reverse
from vejapro.core.actors import Actor


def add_cost(
    actor_user,
    amount: str = "100.00",
    *,
    project=None,
    entry_type: str = LedgerEntryType.EXPENSE,
    category: str = LedgerCategory.FUEL,
    currency: str = "EUR",
    occurred_at: dt.datetime | None = None,
    description: str | None = None,
) -> LedgerEntry:
    return ledger_entry_create(
        actor=Actor.for_user(actor_user),
        project_id=project.pk if project is not None else None,
        entry_type=entry_type,
        category=category,
        amount=Decimal(amount),
        currency=currency,
        occurred_at=occurred_at,
        description=description,
    ).entry


def reverse_cost(actor_user, entry: LedgerEntry, reason: str = "Klaida") -> LedgerEntry:
    return ledger_entry_reverse(actor=Actor.for_user(actor_user), entry_id=entry.pk, reason=reason)
