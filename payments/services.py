"""What can happen to money: manual payments, quick payment + transition, deposit waivers and voids.

One idempotency rule for every manual path (workflow.md §7): ``provider_event_id`` in the ``manual`` namespace.
The same project, type and amount (rounded to cents) is a replay: the stored payment is answered and nothing is
written. Anything else under that key is a 409. An ``IntegrityError`` on insert (a concurrent request won the race)
becomes the replay answer, or the 409, exactly as if the row had been there before.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from messaging.services import confirmation_request_for_final_payment
from payments.models import Payment, PaymentMethod, PaymentProvider, PaymentStatus, PaymentType
from payments.selectors import payment_get_by_manual_key, payment_manual_receipt_taken
from projects.models import CERTIFIED_STATUSES, Project, ProjectStatus
from projects.selectors import project_check_access
from projects.services import project_lock, project_transition
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import ApiError, BadRequest, Conflict
from vejapro.core.models import Role, User
from vejapro.core.money import round_cents

KEY_CLASH_TEXT = "provider_event_id jau panaudotas su kitais parametrais"
WAIVER_KEY_CLASH_TEXT = "provider_event_id jau panaudotas kitam mokėjimui"
RECEIPT_TAKEN_TEXT = "receipt_no jau panaudotas"
QUICK_PAYMENT_ROLES = frozenset({Role.ADMIN, Role.SUBCONTRACTOR, Role.EXPERT})


@dataclass(frozen=True)
class _StatusRuleTexts:
    deposit: str
    final: str


MANUAL_STATUS_TEXTS = _StatusRuleTexts(
    deposit="Deposit allowed only for DRAFT projects",
    final="Final payment allowed only for CERTIFIED/ACTIVE projects",
)
QUICK_STATUS_TEXTS = _StatusRuleTexts(
    deposit="Deposit galimas tik DRAFT projektams",
    final="Final mokėjimas galimas tik CERTIFIED/ACTIVE projektams",
)


@dataclass(frozen=True)
class ManualPaymentResult:
    payment: Payment
    idempotent: bool
    email_queued: bool = False


@dataclass(frozen=True)
class QuickPaymentResult:
    payment: Payment
    idempotent: bool
    status_changed: bool
    new_status: str
    email_queued: bool
    transition_error: str | None


def _actor_user(actor: Actor) -> User | None:
    return actor.user if isinstance(actor.user, User) else None


def _same_project(payment: Payment, project_id: Any) -> bool:
    """Whether ``project_id`` (a UUID, its text in any case, or a Project) names the payment's project."""
    if isinstance(project_id, Project):
        project_id = project_id.pk
    try:
        return payment.project_id == uuid.UUID(str(project_id))
    except ValueError:
        return False


# ---------------------------------------------------------------------------------------------------------------
# Idempotency and insert
# ---------------------------------------------------------------------------------------------------------------


def _manual_replay(*, project: Project, provider_event_id: str, payment_type: str, amount: Decimal) -> Payment | None:
    """The stored payment for a replay, ``None`` when the key is free, 409 when the key means something else."""
    existing = payment_get_by_manual_key(provider_event_id=provider_event_id)
    if existing is None:
        return None
    if _same_project(existing, project.pk) and existing.payment_type == payment_type and existing.amount == amount:
        return existing
    raise Conflict(KEY_CLASH_TEXT)


def _waiver_replay(*, project_id: Any, provider_event_id: str) -> Payment | None:
    existing = payment_get_by_manual_key(provider_event_id=provider_event_id)
    if existing is None:
        return None
    is_waiver = existing.payment_type == PaymentType.DEPOSIT and existing.payment_method == PaymentMethod.WAIVED
    if is_waiver and _same_project(existing, project_id):
        return existing
    raise Conflict(WAIVER_KEY_CLASH_TEXT)


def _check_status_rule(project: Project, payment_type: str, texts: _StatusRuleTexts) -> None:
    if payment_type == PaymentType.DEPOSIT and project.status != ProjectStatus.DRAFT:
        raise BadRequest(texts.deposit)
    if payment_type == PaymentType.FINAL and project.status not in CERTIFIED_STATUSES:
        raise BadRequest(texts.final)


def _insert(fields: dict[str, Any], replay) -> tuple[Payment, bool]:
    """Insert in a savepoint; on a unique clash answer as the idempotency lookup would have. ``(payment, replayed)``."""
    if fields.get("receipt_no") and payment_manual_receipt_taken(receipt_no=fields["receipt_no"]):
        raise Conflict(RECEIPT_TAKEN_TEXT)
    try:
        with transaction.atomic():
            return Payment.objects.create(**fields), False
    except IntegrityError:
        existing = replay()
        if existing is not None:
            return existing, True
        if fields.get("receipt_no") and payment_manual_receipt_taken(receipt_no=fields["receipt_no"]):
            raise Conflict(RECEIPT_TAKEN_TEXT) from None
        raise


def _manual_fields(
    *,
    project: Project,
    payment_type: str,
    amount: Decimal,
    currency: str,
    payment_method: str,
    provider_event_id: str,
    receipt_no: str | None,
    received_at: datetime | None,
    collection_context: str | None,
    proof_url: str | None,
    raw_payload: dict | None,
    actor: Actor,
) -> dict[str, Any]:
    now = timezone.now()
    user = _actor_user(actor)
    return {
        "project": project,
        "provider": PaymentProvider.MANUAL,
        "provider_event_id": provider_event_id,
        "amount": amount,
        "currency": currency,
        "payment_type": payment_type,
        "status": PaymentStatus.SUCCEEDED,
        "payment_method": payment_method,
        "received_at": received_at or now,
        "collection_context": collection_context,
        "receipt_no": receipt_no,
        "proof_url": proof_url,
        "raw_payload": raw_payload,
        "is_manual_confirmed": True,
        "confirmed_at": now,
        "collected_by": user,
        "confirmed_by": user,
    }


def _audit_recorded_manual(payment: Payment, actor: Actor, source: str, notes: str | None = None) -> None:
    metadata = {
        "received_at": payment.received_at,
        "collection_context": payment.collection_context,
        "receipt_no": payment.receipt_no,
        "proof_url": payment.proof_url,
        "source": source,
    }
    if notes is not None:
        metadata["notes"] = notes
    audit_record(
        entity_type="payment",
        entity_id=payment.pk,
        action=AuditAction.PAYMENT_RECORDED_MANUAL,
        actor=actor,
        new_value={
            "project_id": payment.project_id,
            "payment_type": payment.payment_type,
            "amount": payment.amount,
            "currency": payment.currency,
            "payment_method": payment.payment_method,
            "provider_event_id": payment.provider_event_id,
        },
        metadata=metadata,
    )


# ---------------------------------------------------------------------------------------------------------------
# What a recorded payment does to its project (workflow.md §4, §7; messaging.md §2.3): every path that records
# money (manual, quick, the back office's deposit section, Stripe) ends with ``payment_advance_project``.
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectAdvance:
    project: Project
    status_changed: bool
    email_queued: bool
    transition_error: str | None = None


def payment_project_target(*, payment: Payment, project: Project) -> str | None:
    """The status a payment moves its project to by itself: a DEPOSIT moves a DRAFT project to PAID. No other
    payment moves a project; a FINAL one starts the client confirmation instead (``payment_advance_project``)."""
    if payment.payment_type == PaymentType.DEPOSIT and project.status == ProjectStatus.DRAFT:
        return ProjectStatus.PAID
    return None


def _start_client_confirmation(project: Project, actor: Actor) -> bool:
    """The confirmation request flow (messaging.md §2.3), in the caller's transaction. Returns whether an e-mail
    was queued."""

    return confirmation_request_for_final_payment(project=project, actor=actor).email_queued


def payment_advance_project(
    *,
    payment: Payment,
    project: Project,
    actor: Actor,
    source: str,
    transition_to: str | None,
    event_id: str | None = None,
    keep_refused_payment: bool = False,
) -> ProjectAdvance:
    """After ``payment`` is recorded, in the caller's transaction with ``project`` locked: the transition to
    ``transition_to`` when given (``STATUS_CHANGE`` metadata: ``source``, ``event_id`` when given, the payment id),
    then, for a FINAL payment on a project that is now CERTIFIED, the client confirmation request.

    A transition the engine refuses (400/403) rolls the caller back; with ``keep_refused_payment`` the payment
    stays and the refusal's detail is returned in ``transition_error`` instead (the quick payment, api.md §8.3)."""
    status_changed, transition_error = False, None
    if transition_to:
        metadata = {"source": source, **({"event_id": event_id} if event_id else {}), "payment_id": str(payment.pk)}
        try:
            moved = project_transition(project=project, new_status=transition_to, actor=actor, metadata=metadata)
        except ApiError as exc:
            if not keep_refused_payment or exc.status not in (400, 403):
                raise
            transition_error = str(exc.detail)
        else:
            status_changed, project = moved.changed, moved.project
    needs_confirmation = payment.payment_type == PaymentType.FINAL and project.status == ProjectStatus.CERTIFIED
    return ProjectAdvance(
        project=project,
        status_changed=status_changed,
        email_queued=needs_confirmation and _start_client_confirmation(project, actor),
        transition_error=transition_error,
    )


# ---------------------------------------------------------------------------------------------------------------
# Manual payment (api.md §8.1)
# ---------------------------------------------------------------------------------------------------------------


def _record_manual(
    *,
    project: Project,
    payment_type: str,
    amount: Decimal,
    payment_method: str,
    provider_event_id: str,
    actor: Actor,
    currency: str,
    receipt_no: str | None,
    received_at: datetime | None,
    collection_context: str | None,
    proof_url: str | None,
    notes: str,
    source: str,
    texts: _StatusRuleTexts,
) -> tuple[Payment, bool]:
    """Inside the caller's transaction with the project locked: idempotency → status rule → receipt → insert →
    audit. ``(payment, replayed)``."""
    amount = round_cents(amount)

    def replay() -> Payment | None:
        return _manual_replay(
            project=project, provider_event_id=provider_event_id, payment_type=payment_type, amount=amount
        )

    existing = replay()
    if existing is not None:
        return existing, True
    _check_status_rule(project, payment_type, texts)
    fields = _manual_fields(
        project=project,
        payment_type=payment_type,
        amount=amount,
        currency=currency,
        payment_method=payment_method,
        provider_event_id=provider_event_id,
        receipt_no=receipt_no,
        received_at=received_at,
        collection_context=collection_context,
        proof_url=proof_url,
        raw_payload={"notes": notes} if notes else None,
        actor=actor,
    )
    payment, replayed = _insert(fields, replay)
    if not replayed:
        _audit_recorded_manual(payment, actor, source)
    return payment, replayed


def payment_record_manual(
    *,
    project_id: Any,
    payment_type: str,
    amount: Decimal,
    payment_method: str,
    provider_event_id: str,
    actor: Actor,
    currency: str = "EUR",
    receipt_no: str | None = None,
    received_at: datetime | None = None,
    collection_context: str | None = None,
    proof_url: str | None = None,
    notes: str = "",
    source: str = "manual_endpoint",
) -> ManualPaymentResult:
    """Record a manual DEPOSIT or FINAL payment (``source``: ``manual_endpoint`` or ``admin``). The project status
    never changes here; a FINAL payment on a CERTIFIED project starts the client confirmation request."""
    with transaction.atomic():
        project = project_lock(project_id=project_id)
        payment, replayed = _record_manual(
            project=project,
            payment_type=payment_type,
            amount=amount,
            payment_method=payment_method,
            provider_event_id=provider_event_id,
            actor=actor,
            currency=currency,
            receipt_no=receipt_no,
            received_at=received_at,
            collection_context=collection_context,
            proof_url=proof_url,
            notes=notes,
            source=source,
            texts=MANUAL_STATUS_TEXTS,
        )
        if replayed:
            return ManualPaymentResult(payment=payment, idempotent=True)
        advance = payment_advance_project(
            payment=payment, project=project, actor=actor, source=source, transition_to=None
        )
    return ManualPaymentResult(payment=payment, idempotent=False, email_queued=advance.email_queued)


# ---------------------------------------------------------------------------------------------------------------
# Quick payment and transition (api.md §8.3, finance.md §4)
# ---------------------------------------------------------------------------------------------------------------


def payment_record_quick(
    *,
    project_id: Any,
    payment_type: str,
    amount: Decimal,
    provider_event_id: str,
    actor: Actor,
    payment_method: str = PaymentMethod.CASH,
    currency: str = "EUR",
    receipt_no: str | None = None,
    received_at: datetime | None = None,
    collection_context: str | None = None,
    proof_url: str | None = None,
    notes: str = "",
    transition_to: str | None = None,
    source: str = "quick_payment",
) -> QuickPaymentResult:
    """Record the money received and optionally move the project (``source``: ``quick_payment`` or ``portal``).

    Order: lock (404) → access (403) → payment type (400) → idempotency → status rule → receipt → insert → audit →
    transition (a refusal is reported in ``transition_error``; the payment stays) → confirmation request."""
    with transaction.atomic():
        project = project_lock(project_id=project_id)
        project_check_access(project=project, actor=actor, roles=QUICK_PAYMENT_ROLES)
        payment_type = str(payment_type or "").strip().upper()
        if payment_type not in (PaymentType.DEPOSIT, PaymentType.FINAL):
            raise BadRequest("payment_type turi būti DEPOSIT arba FINAL")
        payment, replayed = _record_manual(
            project=project,
            payment_type=payment_type,
            amount=amount,
            payment_method=payment_method,
            provider_event_id=provider_event_id,
            actor=actor,
            currency=currency,
            receipt_no=receipt_no,
            received_at=received_at,
            collection_context=collection_context,
            proof_url=proof_url,
            notes=notes,
            source=source,
            texts=QUICK_STATUS_TEXTS,
        )
        if replayed:
            return QuickPaymentResult(
                payment=payment,
                idempotent=True,
                status_changed=False,
                new_status=project.status,
                email_queued=False,
                transition_error=None,
            )
        advance = payment_advance_project(
            payment=payment,
            project=project,
            actor=actor,
            source=source,
            transition_to=transition_to,
            keep_refused_payment=True,
        )
    return QuickPaymentResult(
        payment=payment,
        idempotent=False,
        status_changed=advance.status_changed,
        new_status=advance.project.status,
        email_queued=advance.email_queued,
        transition_error=advance.transition_error,
    )


# ---------------------------------------------------------------------------------------------------------------
# Deposit waiver (api.md §8.2)
# ---------------------------------------------------------------------------------------------------------------


def payment_waive_deposit(
    *,
    project_id: Any,
    provider_event_id: str,
    actor: Actor,
    currency: str = "EUR",
    received_at: datetime | None = None,
    notes: str = "",
    source: str = "deposit_waive",
) -> ManualPaymentResult:
    """A zero deposit with method WAIVED for a trusted client; it satisfies the DRAFT → PAID guard. The status does
    not change. The idempotency lookup runs first, so a replay answers even after the project moved on."""

    def replay() -> Payment | None:
        return _waiver_replay(project_id=project_id, provider_event_id=provider_event_id)

    if isinstance(project_id, Project):
        project_id = project_id.pk
    with transaction.atomic():
        existing = replay()
        if existing is not None:
            return ManualPaymentResult(payment=existing, idempotent=True)
        project = project_lock(project_id=project_id)
        existing = replay()
        if existing is not None:
            return ManualPaymentResult(payment=existing, idempotent=True)
        if project.status != ProjectStatus.DRAFT:
            raise BadRequest("Įnašo atidėjimas galimas tik DRAFT projektams")
        fields = _manual_fields(
            project=project,
            payment_type=PaymentType.DEPOSIT,
            amount=Decimal("0.00"),
            currency=currency,
            payment_method=PaymentMethod.WAIVED,
            provider_event_id=provider_event_id,
            receipt_no=None,
            received_at=received_at,
            collection_context="TRUSTED_CLIENT",
            proof_url=None,
            raw_payload={"waived": True, "notes": notes},
            actor=actor,
        )
        payment, replayed = _insert(fields, replay)
        if replayed:
            return ManualPaymentResult(payment=payment, idempotent=True)
        _audit_recorded_manual(payment, actor, source, notes=notes)
        audit_record(
            entity_type="project",
            entity_id=project.pk,
            action=AuditAction.DEPOSIT_WAIVED,
            actor=actor,
            new_value={"payment_id": payment.pk, "provider_event_id": payment.provider_event_id},
            metadata={"notes": notes},
        )
    return ManualPaymentResult(payment=payment, idempotent=False)


# ---------------------------------------------------------------------------------------------------------------
# Void (workflow.md §12): a correction, never a delete
# ---------------------------------------------------------------------------------------------------------------


def payment_void(*, payment: Payment | uuid.UUID | str, actor: Actor, reason: str) -> Payment:
    """Mark a manual SUCCEEDED payment VOIDED with a reason (audit ``PAYMENT_VOIDED``). Guards and summaries ignore
    it from then on; the project status does not change."""
    payment_id = payment.pk if isinstance(payment, Payment) else payment
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment_id)
        if locked.provider == PaymentProvider.STRIPE:
            raise BadRequest("Stripe mokėjimų anuliuoti negalima")
        if locked.status != PaymentStatus.SUCCEEDED:
            raise BadRequest("Galima anuliuoti tik SUCCEEDED mokėjimą")
        reason = (reason or "").strip()
        if not reason:
            raise BadRequest("Priezastis privaloma")
        updated = Payment.objects.filter(pk=locked.pk, status=PaymentStatus.SUCCEEDED).update(
            status=PaymentStatus.VOIDED, voided_at=timezone.now(), voided_by=_actor_user(actor), void_reason=reason
        )
        if updated != 1:
            raise BadRequest("Galima anuliuoti tik SUCCEEDED mokėjimą")
        audit_record(
            entity_type="payment",
            entity_id=locked.pk,
            action=AuditAction.PAYMENT_VOIDED,
            actor=actor,
            old_value={"status": PaymentStatus.SUCCEEDED},
            new_value={"status": PaymentStatus.VOIDED},
            metadata={"reason": reason},
        )
        locked.refresh_from_db()
    return locked


# --- The back office's deposit section: record or waive the deposit and mark the project paid ---


@dataclass(frozen=True)
class DepositOutcome:
    payment_id: uuid.UUID
    replayed: bool
    status_changed: bool


def _deposit_advance(payment: Payment, project: Project, actor: Actor) -> DepositOutcome:
    target = payment_project_target(payment=payment, project=project)
    advance = payment_advance_project(
        payment=payment, project=project, actor=actor, source="admin", transition_to=target
    )
    return DepositOutcome(payment_id=payment.pk, replayed=False, status_changed=advance.status_changed)


def payment_deposit_record_and_mark_paid(
    *,
    project_id,
    amount: Decimal,
    payment_method: str,
    provider_event_id: str,
    actor: Actor,
    currency: str = "EUR",
    receipt_no: str | None = None,
    received_at=None,
    notes: str = "",
) -> DepositOutcome:
    """The DRAFT «Pradinis mokėjimas (DEPOSIT)» section: the manual deposit and DRAFT → PAID in one transaction
    (audits ``PAYMENT_RECORDED_MANUAL`` with source ``admin`` and ``STATUS_CHANGE`` with the payment id)."""
    with transaction.atomic():
        project = project_lock(project_id=project_id)
        payment, replayed = _record_manual(
            project=project,
            payment_type=PaymentType.DEPOSIT,
            amount=amount,
            payment_method=payment_method,
            provider_event_id=provider_event_id,
            actor=actor,
            currency=currency,
            receipt_no=receipt_no,
            received_at=received_at,
            collection_context=None,
            proof_url=None,
            notes=notes,
            source="admin",
            texts=MANUAL_STATUS_TEXTS,
        )
        if replayed:
            return DepositOutcome(payment_id=payment.pk, replayed=True, status_changed=False)
        return _deposit_advance(payment, project, actor)


def payment_deposit_waive_and_mark_paid(
    *, project_id, provider_event_id: str, actor: Actor, notes: str = ""
) -> DepositOutcome:
    """«Atidėti įnašą»: the waiver and DRAFT → PAID in one transaction (audits ``PAYMENT_RECORDED_MANUAL`` with
    source ``admin``, ``DEPOSIT_WAIVED`` and ``STATUS_CHANGE``)."""
    with transaction.atomic():
        result = payment_waive_deposit(
            project_id=project_id, provider_event_id=provider_event_id, actor=actor, notes=notes, source="admin"
        )
        if result.idempotent:
            return DepositOutcome(payment_id=result.payment.pk, replayed=True, status_changed=False)
        # A new waiver carries the project row the waiver locked.
        return _deposit_advance(result.payment, result.payment.project, actor)
