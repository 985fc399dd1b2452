"""What can happen to money records in the finance app: costs are added to the append-only ledger and corrected
only by a reversal (finance.md §2); margins are versioned (finance.md §7)."""

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from finance.models import LedgerCategory, LedgerEntry, LedgerEntryType, LedgerPaymentMethod, Margin
from projects.selectors import project_get_for_actor
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import (
    ACCESS_DENIED_TEXT,
    ApiError,
    BadRequest,
    Conflict,
    NotFound,
    RequestValidationError,
)
from vejapro.core.models import Role, User
from vejapro.core.money import round_cents

LEDGER_AMOUNT_MAX = Decimal("1000000")
LEDGER_DESCRIPTION_MAX = 500
REVERSAL_REASON_MAX = 512
ADJUSTMENT_ONLY_BY_REVERSE_TEXT = "Koregavimo įrašai kuriami tik per /reverse"
ENTRY_NOT_FOUND_TEXT = "Įrašas nerastas"
ALREADY_REVERSED_TEXT = "Įrašas jau koreguotas"
REVERSAL_OF_REVERSAL_TEXT = "Koregavimo įrašo koreguoti negalima"
DOCUMENT_NOT_FOUND_TEXT = "Dokumentas nerastas"
ENTRY_ID_TAKEN_TEXT = "Įrašo ID jau naudojamas kitam įrašui"
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")

MARGIN_PERCENT_MAX = Decimal("999.99")
SERVICE_TYPE_MAX = 64


def _margin_out(margin: Margin) -> dict:
    return {
        "id": margin.pk,
        "service_type": margin.service_type,
        "margin_percent": margin.margin_percent,
        "valid_from": margin.valid_from,
        "valid_until": margin.valid_until,
        "created_by": margin.created_by_id,
        "created_at": margin.created_at,
        "is_active": margin.is_active,
    }


def margin_create(*, service_type: str, margin_percent: Decimal, actor: Actor) -> Margin:
    """Close the active margin of the service type and insert the new active version; audit ADMIN_MARGIN_CREATED."""
    service_type = (service_type or "").strip()
    if not service_type or len(service_type) > SERVICE_TYPE_MAX:
        raise BadRequest("service_type turi būti 1..64 simbolių")
    percent = round_cents(margin_percent)
    if percent < 0 or percent > MARGIN_PERCENT_MAX:
        raise BadRequest("margin_percent turi būti 0..999.99")

    with transaction.atomic():
        now = timezone.now()
        previous = (
            Margin.objects.select_for_update().filter(service_type=service_type, valid_until__isnull=True).first()
        )
        if previous is not None:
            Margin.objects.filter(pk=previous.pk, valid_until__isnull=True).update(
                valid_until=max(now, previous.valid_from)
            )
        margin = Margin.objects.create(
            service_type=service_type,
            margin_percent=percent,
            valid_from=now,
            valid_until=None,
            created_by=actor.user,
        )
        audit_record(
            entity_type="margin",
            entity_id=margin.pk,
            action=AuditAction.ADMIN_MARGIN_CREATED,
            actor=actor,
            old_value=None if previous is None else {"id": previous.pk, "margin_percent": previous.margin_percent},
            new_value=_margin_out(margin),
        )
    return margin


# --- The cost ledger (finance.md §2) ---


def _invalid(field: str, msg: str) -> RequestValidationError:
    return RequestValidationError.single("body", field, msg)


def _ledger_user(actor: Actor) -> User | None:
    return actor.user if isinstance(actor.user, User) else None


@dataclass(frozen=True)
class LedgerEntryResult:
    entry: LedgerEntry
    replayed: bool


def _same_entry(entry: LedgerEntry, fields: dict) -> bool:
    return all(getattr(entry, name) == value for name, value in fields.items())


def ledger_entry_create(
    *,
    actor: Actor,
    project_id: uuid.UUID | str | None,
    entry_type: str,
    category: str,
    amount: Decimal,
    currency: str = "EUR",
    payment_method: str | None = None,
    description: str | None = None,
    document_id: uuid.UUID | str | None = None,
    occurred_at: dt.datetime | None = None,
    entry_id: uuid.UUID | None = None,
) -> LedgerEntryResult:
    """Add an EXPENSE or TAX entry (api.md §14.3); audit FINANCE_LEDGER_ENTRY_CREATED in the same transaction.

    ADMIN: any project or none (overhead). SUBCONTRACTOR: only EXPENSE, only for a project assigned to them.
    ``entry_id`` (the back office form generates it when shown) makes a double submit a replay, not a second cost.
    """
    entry_type = (entry_type or "").strip().upper()
    if entry_type == LedgerEntryType.ADJUSTMENT:
        raise BadRequest(ADJUSTMENT_ONLY_BY_REVERSE_TEXT)
    if entry_type not in (LedgerEntryType.EXPENSE, LedgerEntryType.TAX):
        raise _invalid("entry_type", "Leidžiama: EXPENSE, TAX")
    if category not in LedgerCategory.values:
        raise _invalid("category", "Nežinoma kategorija")
    amount = round_cents(amount)
    if amount <= 0 or amount > LEDGER_AMOUNT_MAX:
        raise _invalid("amount", "Suma turi būti daugiau nei 0 ir ne daugiau nei 1000000")
    currency = (currency or "EUR").strip().upper()
    if not CURRENCY_PATTERN.match(currency):
        raise _invalid("currency", "Valiuta turi būti 3 raidžių")
    if payment_method is not None and payment_method not in LedgerPaymentMethod.values:
        raise _invalid("payment_method", "Nežinomas būdas")
    description = (description or "").strip() or None
    if description is not None and len(description) > LEDGER_DESCRIPTION_MAX:
        raise _invalid("description", "Ne daugiau nei 500 simbolių")

    is_contractor = actor.role == Role.SUBCONTRACTOR
    if is_contractor and project_id in (None, ""):
        raise _invalid("project_id", "Privalomas laukas")
    project = None
    if project_id not in (None, ""):
        project = project_get_for_actor(project_id=project_id, actor=actor, roles={Role.ADMIN, Role.SUBCONTRACTOR})
    if is_contractor and entry_type != LedgerEntryType.EXPENSE:
        raise ApiError(403, ACCESS_DENIED_TEXT)
    if document_id not in (None, ""):
        # Finance documents are P2 (finance.md §9): no document exists yet, so every reference is unknown.
        raise NotFound(DOCUMENT_NOT_FOUND_TEXT)

    fields = {
        "project_id": project.pk if project else None,
        "entry_type": entry_type,
        "category": category,
        "description": description,
        "amount": amount,
        "currency": currency,
        "payment_method": payment_method,
        "occurred_at": occurred_at,
        "recorded_by": _ledger_user(actor),
    }
    if entry_id is not None:
        existing = LedgerEntry.objects.filter(pk=entry_id).first()
        if existing is not None:
            return _replay_or_conflict(existing, fields)
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(**({"id": entry_id} if entry_id else {}), **fields)
            audit_record(
                entity_type="finance_ledger",
                entity_id=entry.pk,
                action=AuditAction.FINANCE_LEDGER_ENTRY_CREATED,
                actor=actor,
                new_value={
                    "entry_type": entry.entry_type,
                    "category": entry.category,
                    "amount": entry.amount,
                    "project_id": entry.project_id,
                },
            )
    except IntegrityError:
        # Two submits of the same form raced: the first one's row answers the second.
        existing = LedgerEntry.objects.filter(pk=entry_id).first() if entry_id else None
        if existing is None:
            raise
        return _replay_or_conflict(existing, fields)
    return LedgerEntryResult(entry=entry, replayed=False)


def _replay_or_conflict(existing: LedgerEntry, fields: dict) -> LedgerEntryResult:
    if not _same_entry(existing, fields):
        raise Conflict(ENTRY_ID_TAKEN_TEXT)
    return LedgerEntryResult(entry=existing, replayed=True)


def ledger_entry_reverse(*, actor: Actor, entry_id: uuid.UUID | str, reason: str) -> LedgerEntry:
    """The only correction (finance.md §2.4): lock the original, insert its ADJUSTMENT reversal, audit
    FINANCE_LEDGER_ENTRY_REVERSED on the original. A second reversal of the same entry is refused (400), in the
    database too (``reverses_entry_id`` is unique)."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REVERSAL_REASON_MAX:
        raise _invalid("reason", "Priežastis turi būti 1..512 simbolių")
    try:
        key = uuid.UUID(str(entry_id))
    except ValueError:
        raise NotFound(ENTRY_NOT_FOUND_TEXT) from None
    try:
        with transaction.atomic():
            original = LedgerEntry.objects.select_for_update().filter(pk=key).first()
            if original is None:
                raise NotFound(ENTRY_NOT_FOUND_TEXT)
            if original.reverses_entry_id is not None:
                raise BadRequest(REVERSAL_OF_REVERSAL_TEXT)
            if LedgerEntry.objects.filter(reverses_entry_id=original.pk).exists():
                raise BadRequest(ALREADY_REVERSED_TEXT)
            reversal = LedgerEntry.objects.create(
                project_id=original.project_id,
                entry_type=LedgerEntryType.ADJUSTMENT,
                category=original.category,
                description=reason,
                amount=original.amount,
                currency=original.currency,
                payment_method=original.payment_method,
                reverses_entry=original,
                recorded_by=_ledger_user(actor),
                occurred_at=timezone.now(),
            )
            audit_record(
                entity_type="finance_ledger",
                entity_id=original.pk,
                action=AuditAction.FINANCE_LEDGER_ENTRY_REVERSED,
                actor=actor,
                old_value={"original_entry_id": original.pk, "amount": original.amount},
                new_value={"reversal_entry_id": reversal.pk, "reason": reason},
            )
    except IntegrityError:
        # The unique reverses_entry_id caught a reversal that committed between our lock and insert.
        raise BadRequest(ALREADY_REVERSED_TEXT) from None
    return reversal
