"""What Stripe can do to money: the webhook, Checkout links and reconciliation (api.md §8.4, §13.1)."""

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from payments.models import Payment, PaymentProvider, PaymentStatus, PaymentType, StripeEventOutcome, StripeWebhookEvent
from payments.services import payment_advance_project, payment_project_target
from payments.stripe import client as stripe_client
from projects.client_keys import client_email, client_name
from projects.models import CERTIFIED_STATUSES, ProjectStatus
from projects.selectors import PROJECT_NOT_FOUND_TEXT, project_get
from projects.services import project_lock
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record, audit_record_standalone
from vejapro.core.http.errors import ApiError, BadRequest, NotFound
from vejapro.core.models import ActorType
from vejapro.core.money import round_cents
from vejapro.core.redaction import mask_contacts_in_text
from vejapro.core.settings_helpers import public_url

logger = logging.getLogger(__name__)

PAYMENT_INTENT_SUCCEEDED = "payment_intent.succeeded"
LAST_ERROR_MAX = 1000


# --- Webhook (api.md §13.1) -------------------------------------------------------------------------------------


def stripe_webhook_verify(*, payload: bytes, signature_header: str | None, secret: str, request=None) -> dict:
    """The event once its signature and timestamp are verified, or 400 with a ``STRIPE_SIGNATURE_INVALID`` audit that
    outlives the answer; nothing unverified is stored (api.md §13.1)."""
    try:
        return stripe_client.webhook_event_verify(payload=payload, signature_header=signature_header, secret=secret)
    except stripe_client.StripeSignatureError as exc:
        reason, detail = exc.reason, "Invalid signature"
    except stripe_client.StripePayloadError:
        reason, detail = "invalid_payload", "Invalid payload"
    audit_record_standalone(
        entity_type="system",
        entity_id=None,
        action=AuditAction.STRIPE_SIGNATURE_INVALID,
        actor=Actor.system(request=request),
        metadata={"path": request.path if request is not None else "/api/v1/webhook/stripe", "reason": reason},
    )
    raise BadRequest(detail)


def _without_nul(value: Any) -> Any:
    """The event without NUL characters, which PostgreSQL text and jsonb cannot store."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _event_store(event: dict) -> StripeWebhookEvent:
    """Store the event, insert-or-ignore on ``event_id`` so a redelivery finds its row, committed on its own so a
    failed processing keeps the event for the retry (api.md §13.1)."""
    data_object = event["data"]["object"]
    object_id = data_object.get("id")
    try:
        with transaction.atomic():
            return StripeWebhookEvent.objects.create(
                event_id=event["id"],
                event_type=event["type"][:100],
                livemode=bool(event.get("livemode")),
                object_id=object_id[:255] if isinstance(object_id, str) and object_id else None,
                payload=event,
            )
    except IntegrityError:
        return StripeWebhookEvent.objects.get(event_id=event["id"])


def _unprocessed(event_row: StripeWebhookEvent):
    """The event row while no concurrent delivery has processed it: a late failure never undoes a success."""
    return StripeWebhookEvent.objects.filter(pk=event_row.pk, processed_at__isnull=True)


def _event_fail(event_row: StripeWebhookEvent, *, error: str) -> None:
    _unprocessed(event_row).update(outcome=StripeEventOutcome.FAILED, last_error=error[:LAST_ERROR_MAX])


def _intent_metadata(event: dict) -> dict:
    metadata = event["data"]["object"].get("metadata")
    return metadata if isinstance(metadata, dict) else {}


def _project_id_of(event: dict) -> uuid.UUID:
    """The project id in the PaymentIntent metadata: missing → 400, not a UUID → 404 (api.md §13.1)."""
    project_ref = _intent_metadata(event).get("project_id")
    if not project_ref:
        raise BadRequest("Missing project_id")
    try:
        return uuid.UUID(str(project_ref))
    except ValueError:
        raise NotFound(PROJECT_NOT_FOUND_TEXT) from None


INVALID_PAYLOAD_TEXT = "Invalid payload"
MAX_AMOUNT_CENTS = 999_999_999_999  # payments.amount is Decimal(12, 2)
PAYMENT_KEY_MAX = 128  # payments.provider_event_id and provider_intent_id
CURRENCY_RE = re.compile(r"^[A-Za-z]{3}$")


class _InvalidIntent(BadRequest):
    """A signed event whose PaymentIntent cannot be a payment: 400 ``Invalid payload``, outcome ``FAILED``."""

    def __init__(self, field: str):
        super().__init__(INVALID_PAYLOAD_TEXT)
        self.field = field


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _timestamp(value: object) -> datetime | None:
    if not _is_int(value):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


@dataclass(frozen=True)
class _IntentPayment:
    """The columns of the payment a PaymentIntent records, read from it and checked against the ``payments`` columns
    (api.md §13.1)."""

    intent_id: str | None
    amount: Decimal
    currency: str
    payment_type: str
    received_at: datetime


def _intent_payment(event: dict) -> _IntentPayment:
    intent = event["data"]["object"]
    if len(event["id"]) > PAYMENT_KEY_MAX:
        raise _InvalidIntent("id")
    intent_id = intent.get("id")
    if intent_id is not None and not (isinstance(intent_id, str) and 0 < len(intent_id) <= PAYMENT_KEY_MAX):
        raise _InvalidIntent("data.object.id")
    cents = intent.get("amount_received")
    if cents is None:
        cents = intent.get("amount")
    if not _is_int(cents) or not 0 < cents <= MAX_AMOUNT_CENTS:
        raise _InvalidIntent("data.object.amount_received")
    currency = intent.get("currency")
    if not isinstance(currency, str) or not CURRENCY_RE.match(currency):
        raise _InvalidIntent("data.object.currency")
    created = intent.get("created")
    if created is None:
        received_at = timezone.now()
    else:
        received_at = _timestamp(created)
        if received_at is None:
            raise _InvalidIntent("data.object.created")
    payment_type = str(_intent_metadata(event).get("payment_type") or "").strip().upper()
    return _IntentPayment(
        intent_id=intent_id,
        amount=round_cents(Decimal(cents) / 100),
        currency=currency.upper(),
        payment_type=payment_type if payment_type in (PaymentType.DEPOSIT, PaymentType.FINAL) else PaymentType.UNKNOWN,
        received_at=received_at,
    )


@dataclass(frozen=True)
class StripeEventResult:
    outcome: str
    payment_id: uuid.UUID | None = None
    duplicate: bool = False


def _record_payment(*, event: dict, event_row: StripeWebhookEvent, project_id: uuid.UUID, actor: Actor):
    """Record the payment and its consequences in one transaction, the project locked first, then the event row, so
    each event gives exactly one payment: a deposit moves a DRAFT project to PAID (later projects keep the payment
    without a transition), a final payment is refused before certification and asks the client of a CERTIFIED
    project to confirm; then the audit row, and the event is marked processed (api.md §13.1)."""

    with transaction.atomic():
        project = project_lock(project_id=project_id)
        fields = _intent_payment(event)
        locked_event = StripeWebhookEvent.objects.select_for_update().get(pk=event_row.pk)
        if locked_event.processed_at is not None:
            return StripeEventResult(outcome=locked_event.outcome, duplicate=True)
        existing = Payment.objects.filter(provider=PaymentProvider.STRIPE, provider_event_id=event["id"]).first()
        if existing is not None:
            _processed(locked_event)
            return StripeEventResult(outcome=StripeEventOutcome.PROCESSED, payment_id=existing.pk, duplicate=True)
        payment = Payment.objects.create(
            project=project,
            provider=PaymentProvider.STRIPE,
            provider_intent_id=fields.intent_id,
            provider_event_id=event["id"],
            amount=fields.amount,
            currency=fields.currency,
            payment_type=fields.payment_type,
            status=PaymentStatus.SUCCEEDED,
            received_at=fields.received_at,
            raw_payload=event["data"]["object"],
        )
        if payment.payment_type == PaymentType.FINAL and project.status not in CERTIFIED_STATUSES:
            raise BadRequest("Projektas dar nesertifikuotas")
        target = payment_project_target(payment=payment, project=project)
        project = payment_advance_project(
            payment=payment, project=project, actor=actor, source="stripe", event_id=event["id"], transition_to=target
        ).project
        if target:
            transition, reason = "applied", None
        elif payment.payment_type == PaymentType.DEPOSIT:
            transition, reason = "skipped", "project_not_draft"
        else:
            transition, reason = "not_needed", None
        audit_record(
            entity_type="payment",
            entity_id=payment.pk,
            action=AuditAction.PAYMENT_RECORDED_STRIPE,
            actor=actor,
            new_value={
                "project_id": project.pk,
                "payment_type": payment.payment_type,
                "amount": payment.amount,
                "currency": payment.currency,
                "provider_event_id": payment.provider_event_id,
                "provider_intent_id": payment.provider_intent_id,
            },
            metadata={"transition": transition, "reason": reason},
        )
        _processed(locked_event)
    return StripeEventResult(outcome=StripeEventOutcome.PROCESSED, payment_id=payment.pk)


def _processed(event_row: StripeWebhookEvent, outcome: str = StripeEventOutcome.PROCESSED) -> None:
    event_row.outcome = outcome
    event_row.processed_at = timezone.now()
    event_row.attempts += 1
    event_row.last_error = None
    event_row.save(update_fields=["outcome", "processed_at", "attempts", "last_error"])


def _refusal_text(refusal: ApiError) -> str:
    if isinstance(refusal, _InvalidIntent):
        return f"{INVALID_PAYLOAD_TEXT}: {refusal.field}"
    return str(refusal.detail)


def stripe_event_handle(*, event: dict, request=None) -> StripeEventResult:
    """Store and process one verified event (``stripe_client.webhook_event_verify`` checked its shape): an event
    already processed is done, any type but ``payment_intent.succeeded`` is ignored, a payment is recorded
    (api.md §13.1).

    Refusals (missing metadata, unknown project, a PaymentIntent that cannot be a payment, a project that is not
    ready, a transition the engine refuses) roll back, store the outcome ``FAILED`` and raise their 4xx
    ``ApiError``; an unexpected error stores ``attempts + 1`` and ``last_error`` and raises 500 so Stripe retries."""
    event = _without_nul(event)
    event_row = _event_store(event)
    if event_row.processed_at is not None:
        return StripeEventResult(outcome=event_row.outcome, duplicate=True)
    actor = Actor.system(ActorType.SYSTEM_STRIPE, request)
    try:
        if event["type"] != PAYMENT_INTENT_SUCCEEDED:
            with transaction.atomic():
                locked = StripeWebhookEvent.objects.select_for_update().get(pk=event_row.pk)
                if locked.processed_at is None:
                    _processed(locked, StripeEventOutcome.IGNORED)
            return StripeEventResult(outcome=StripeEventOutcome.IGNORED)
        return _record_payment(event=event, event_row=event_row, project_id=_project_id_of(event), actor=actor)
    except ApiError as refusal:
        if refusal.status >= 500:
            raise
        _event_fail(event_row, error=_refusal_text(refusal))
        raise
    except Exception as exc:
        logger.exception("Stripe event %s failed", event.get("id"))
        _unprocessed(event_row).update(
            attempts=F("attempts") + 1,
            last_error=mask_contacts_in_text(f"{type(exc).__name__}: {exc}")[:LAST_ERROR_MAX],
        )
        raise ApiError(500, "Stripe įvykio apdorojimas nepavyko") from exc


def stripe_webhook_receive(*, payload: bytes, signature_header: str | None, request=None) -> None:
    """One delivery to POST /webhook/stripe (api.md §13.1): returns for every 200 answer, raises ``ApiError`` else."""
    insecure = settings.ALLOW_INSECURE_WEBHOOKS
    if insecure and not signature_header:
        return
    if not (settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET):
        if insecure:
            return
        raise ApiError(500, "Nesukonfigūruotas Stripe")
    event = stripe_webhook_verify(
        payload=payload, signature_header=signature_header, secret=settings.STRIPE_WEBHOOK_SECRET, request=request
    )
    stripe_event_handle(event=event, request=request)


# --- Checkout links (api.md §8.4) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentLink:
    url: str
    session_id: str
    amount: Decimal
    currency: str
    payment_type: str
    expires_at: int | None


def payment_link_create(
    *,
    project_id: Any,
    payment_type: str,
    amount: Decimal,
    currency: str = "EUR",
    success_url: str | None = None,
    cancel_url: str | None = None,
    description: str | None = None,
    actor: Actor,
) -> PaymentLink:
    if not settings.STRIPE_SECRET_KEY:
        raise ApiError(500, "Nesukonfigūruotas Stripe")
    project = project_get(project_id=project_id)
    if payment_type == PaymentType.DEPOSIT and project.status != ProjectStatus.DRAFT:
        raise BadRequest("Deposit allowed only for DRAFT projects")
    if payment_type == PaymentType.FINAL and project.status not in CERTIFIED_STATUSES:
        raise BadRequest("Final payment allowed only for CERTIFIED/ACTIVE projects")
    amount = round_cents(amount)
    success_url = success_url or public_url(f"/client/projektai/{project.pk}/?payment=success")
    cancel_url = cancel_url or public_url(f"/client/projektai/{project.pk}/?payment=cancel")
    if not description:
        name = client_name(project.client_info)
        description = f"VejaPRO {payment_type} payment" + (f" - {name}" if name else "")
    email = client_email(project.client_info)
    try:
        session = stripe_client.checkout_session_create(
            amount_cents=int(amount * 100),
            currency=currency,
            description=description[:200],
            customer_email=email,
            project_id=str(project.pk),
            payment_type=payment_type,
            success_url=success_url,
            cancel_url=cancel_url,
        )
    except stripe_client.StripeApiError as exc:
        logger.warning("Stripe Checkout failed for project %s: %s", project.pk, mask_contacts_in_text(str(exc)))
        raise ApiError(502, "Stripe klaida") from exc
    with transaction.atomic():
        audit_record(
            entity_type="project",
            entity_id=project.pk,
            action=AuditAction.PAYMENT_LINK_CREATED,
            actor=actor,
            new_value={"payment_type": payment_type, "amount": amount, "currency": currency, "session_id": session.id},
            metadata={"success_url": success_url, "cancel_url": cancel_url},
        )
    return PaymentLink(
        url=session.url,
        session_id=session.id,
        amount=amount,
        currency=currency,
        payment_type=payment_type,
        expires_at=session.expires_at,
    )


# --- Reconciliation (security-ops.md §10.9) ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReconcileCounts:
    seen: int = 0
    already: int = 0
    processed: int = 0
    failed: int = 0


def stripe_reconcile(*, since: datetime) -> ReconcileCounts:
    """Process every recent ``payment_intent.succeeded`` event that is missing or unprocessed here."""
    seen = already = processed = failed = 0
    for event in stripe_client.payment_intent_succeeded_events(since=since):
        seen += 1
        if not stripe_client.event_shape_valid(event):
            logger.warning("reconcile: an event without the Stripe event shape was skipped")
            failed += 1
            continue
        stored = StripeWebhookEvent.objects.filter(event_id=event["id"]).first()
        if stored is not None and stored.processed_at is not None:
            already += 1
            continue
        try:
            result = stripe_event_handle(event=event)
        except ApiError as exc:
            logger.warning("reconcile: event %s refused: %s", event.get("id"), exc.detail)
            failed += 1
            continue
        if result.duplicate:
            already += 1
        else:
            processed += 1
    return ReconcileCounts(seen=seen, already=already, processed=processed, failed=failed)
