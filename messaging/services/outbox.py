"""The notification outbox: enqueue inside the business transaction, dispatch after commit (messaging.md §3)."""

import hashlib
import json
import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from messaging.message_templates import message_render
from messaging.models import NotificationOutbox, OutboxChannel, OutboxStatus
from messaging.selectors import LimitState, notification_retry_state
from messaging.transports import mail, sms
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import ApiError, BadRequest, NotFound
from vejapro.core.redaction import mask_contacts_in_text
from vejapro.core.settings_helpers import flag

logger = logging.getLogger(__name__)

LAST_ERROR_MAX = 1000
AUDIT_ERROR_MAX = 200
FAILED_PARK_DAYS = 365
# How long a claimed row stays out of other workers' reach while it is being sent. Far longer than one send can
# take (SMTP gives up after EMAIL_TIMEOUT = 20 s per socket operation, a message needs a handful of them), yet short
# enough that a row left behind by a killed worker goes out again within minutes.
LEASE = timedelta(minutes=10)
EMAIL_REQUIRED = ("to", "subject", "body_text")
SMS_REQUIRED = ("to_number", "body")
WHATSAPP_REQUIRED = ("to", "message")


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, int(value)))


def worker_interval_seconds() -> int:
    return _clamp(settings.NOTIFICATION_WORKER_INTERVAL_SECONDS, 5, 300)


def worker_batch_size() -> int:
    return _clamp(settings.NOTIFICATION_WORKER_BATCH_SIZE, 1, 200)


def worker_max_attempts() -> int:
    return _clamp(settings.NOTIFICATION_WORKER_MAX_ATTEMPTS, 1, 20)


def outbox_backoff_seconds(attempt_count: int) -> int:
    return min(3600, max(60, 60 * 2 ** max(attempt_count - 1, 0)))


def outbox_dedupe_key(*, channel: str, template_key: str, entity_type: str, entity_id: str, payload: dict) -> str:
    canonical = json.dumps(
        {
            "channel": channel,
            "template_key": template_key,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "payload": payload,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    return f"{channel}:{template_key}:{entity_type}:{entity_id}:{digest}"


def outbox_enqueue(
    *, entity_type: str, entity_id: uuid.UUID | str, channel: str, template_key: str, payload: dict[str, Any]
) -> bool:
    """Render ``template_key`` with ``payload`` (the template context, recipient included) and queue it.

    Runs inside the caller's transaction (a savepoint around the insert). Returns False when an identical message
    is already queued; never raises for a duplicate.
    """
    entity_id = str(uuid.UUID(str(entity_id)))
    rendered = message_render(channel=channel, template_key=template_key, context=payload)
    dedupe_key = outbox_dedupe_key(
        channel=channel, template_key=template_key, entity_type=entity_type, entity_id=entity_id, payload=rendered
    )
    try:
        with transaction.atomic():
            NotificationOutbox.objects.create(
                entity_type=entity_type,
                entity_id=entity_id,
                channel=channel,
                template_key=template_key,
                payload_json=rendered,
                dedupe_key=dedupe_key,
                status=OutboxStatus.PENDING,
                attempt_count=0,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        if NotificationOutbox.objects.filter(dedupe_key=dedupe_key).exists():
            return False
        raise
    return True


# --- Dispatch -------------------------------------------------------------------------------------------------


class PermanentError(Exception):
    pass


class TemporaryError(Exception):
    pass


class Skipped(Exception):
    pass


def mask_error_text(text: str, limit: int = LAST_ERROR_MAX) -> str:
    """E-mail addresses and phone numbers masked as in the logs (security-ops.md §8.2), then cut to ``limit``."""
    return mask_contacts_in_text(text)[:limit]


def _require(payload: dict, keys: tuple[str, ...], error: str | None = None) -> None:
    missing = [key for key in keys if not payload.get(key)]
    if missing:
        raise PermanentError(error or "Trūksta laukų: " + ", ".join(missing))


def _send_email(payload: dict) -> str:
    _require(payload, EMAIL_REQUIRED)
    try:
        return mail.mail_send(
            to=payload["to"],
            subject=payload["subject"],
            body_text=payload["body_text"],
            body_html=payload.get("body_html"),
            extra_headers=payload.get("extra_headers"),
            ics=payload.get("ics"),
        )
    except mail.MailNotConfigured as exc:
        raise TemporaryError(str(exc)) from exc
    except Exception as exc:  # SMTP and socket errors of any kind are worth another try
        raise TemporaryError(f"{type(exc).__name__}: {exc}") from exc


def _send_sms(payload: dict) -> str:
    if not flag("ENABLE_TWILIO"):
        raise TemporaryError("Twilio isjungtas")
    _require(payload, SMS_REQUIRED, "Truksta SMS lauku (to_number/body)")
    try:
        return sms.sms_send(to_number=payload["to_number"], body=payload["body"])
    except sms.SmsError as exc:
        raise TemporaryError(str(exc)) from exc


def _send_whatsapp(payload: dict) -> str:
    if not flag("ENABLE_WHATSAPP_PING"):
        raise Skipped("WHATSAPP_DISABLED")
    _require(payload, WHATSAPP_REQUIRED, "WHATSAPP_MISSING_FIELDS")
    try:
        return sms.whatsapp_send(to=payload["to"], message=payload["message"])
    except sms.SmsError as exc:
        raise TemporaryError(str(exc)) from exc


CHANNEL_SENDERS = {
    OutboxChannel.EMAIL: _send_email,
    OutboxChannel.SMS: _send_sms,
    OutboxChannel.WHATSAPP_PING: _send_whatsapp,
}


def _deliver(row: NotificationOutbox) -> str:
    sender = CHANNEL_SENDERS.get(row.channel)
    if sender is None:
        raise PermanentError(f"Nepalaikomas kanalas: {row.channel}")
    payload = row.payload_json if isinstance(row.payload_json, dict) else {}
    try:
        return sender(payload)
    except (PermanentError, TemporaryError, Skipped):
        raise
    except Exception as exc:
        raise TemporaryError(f"{type(exc).__name__}: {exc}") from exc


def _fail(row: NotificationOutbox, now, error: str) -> None:
    row.status = OutboxStatus.FAILED
    row.last_error = error
    row.next_attempt_at = now + timedelta(days=FAILED_PARK_DAYS)


def _audit_failed(row: NotificationOutbox) -> None:
    audit_record(
        entity_type="notification_outbox",
        entity_id=row.pk,
        action=AuditAction.NOTIFICATION_FAILED,
        actor=Actor.system(),
        new_value={"channel": row.channel, "template_key": row.template_key, "attempt_count": row.attempt_count},
        metadata={
            "entity_type": row.entity_type,
            "entity_id": str(row.entity_id),
            "error": row.last_error[:AUDIT_ERROR_MAX],
        },
    )


def _attempt(row: NotificationOutbox, now) -> None:
    """Send the claimed row and set its outcome fields in memory."""
    try:
        row.provider_message_id = (_deliver(row) or "")[:64] or None
    except Skipped as exc:
        row.status, row.last_error = OutboxStatus.SKIPPED, str(exc)
    except PermanentError as exc:
        _fail(row, now, mask_error_text(str(exc)))
    except TemporaryError as exc:
        error = mask_error_text(str(exc))
        if row.attempt_count >= worker_max_attempts():
            _fail(row, now, error)
        else:
            row.status, row.last_error = OutboxStatus.RETRY, error
            row.next_attempt_at = now + timedelta(seconds=outbox_backoff_seconds(row.attempt_count))
    else:
        row.status, row.sent_at, row.last_error = OutboxStatus.SENT, timezone.now(), None


def _record(row: NotificationOutbox) -> bool:
    """Store the outcome of the send, or nothing (False) when the lease was lost and the row claimed again."""
    with transaction.atomic(durable=True):
        # The lease is the claim's fencing token: every later claim sets a later one.
        recorded = NotificationOutbox.objects.filter(
            pk=row.pk, attempt_count=row.attempt_count, lease_expires_at=row.lease_expires_at
        ).update(
            status=row.status,
            next_attempt_at=row.next_attempt_at,
            sent_at=row.sent_at,
            last_error=row.last_error,
            provider_message_id=row.provider_message_id,
            lease_expires_at=None,
            updated_at=timezone.now(),
        )
        if recorded and row.status == OutboxStatus.FAILED:
            _audit_failed(row)
    return recorded == 1


def outbox_dispatch_one() -> str | None:
    """Claim the oldest due row, send it, record the outcome. None when nothing is due.

    Claim and record are two short transactions, and the send between them holds neither a transaction nor a row
    lock: the lease keeps other workers away meanwhile. A worker killed before its record commits leaves the lease
    to expire and the row is sent again, so delivery is at-least-once."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        row = (
            NotificationOutbox.objects.select_for_update(skip_locked=True)
            .filter(status__in=[OutboxStatus.PENDING, OutboxStatus.RETRY], next_attempt_at__lte=now)
            .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
            .order_by("next_attempt_at", "id")
            .first()
        )
        if row is None:
            return None
        lease = now + LEASE
        # Compare-and-set as well, so a backend without row locks (SQLite) cannot hand a row to two workers either.
        claimed = NotificationOutbox.objects.filter(
            pk=row.pk, status=row.status, attempt_count=row.attempt_count, lease_expires_at=row.lease_expires_at
        ).update(attempt_count=F("attempt_count") + 1, lease_expires_at=lease, updated_at=now)
        if claimed != 1:
            return "skipped_claim"
    row.attempt_count += 1
    row.lease_expires_at = lease
    _attempt(row, now)
    if not _record(row):
        logger.warning("outbox %s: lease lost while sending, the %s outcome is dropped", row.pk, row.status)
        return "lease_lost"
    if row.status != OutboxStatus.SENT:
        logger.warning("outbox %s %s -> %s: %s", row.pk, row.channel, row.status, row.last_error)
    return row.status


@dataclass(frozen=True)
class DispatchCounts:
    sent: int = 0
    retry: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.retry + self.failed + self.skipped


def outbox_dispatch(*, batch_size: int | None = None, should_stop=None) -> DispatchCounts:
    """One dispatch pass over up to ``NOTIFICATION_WORKER_BATCH_SIZE`` due rows, one row at a time."""
    counts: Counter = Counter()
    for _ in range(batch_size or worker_batch_size()):
        if should_stop is not None and should_stop():
            break
        outcome = outbox_dispatch_one()
        if outcome is None:
            break
        counts[outcome] += 1
    return DispatchCounts(
        sent=counts[OutboxStatus.SENT],
        retry=counts[OutboxStatus.RETRY],
        failed=counts[OutboxStatus.FAILED],
        skipped=counts[OutboxStatus.SKIPPED],
    )


# --- Admin retry (api.md §10.2) ------------------------------------------------------------------------------


def notification_retry(*, notification_id: uuid.UUID | str, actor: Actor) -> LimitState:
    """Put a FAILED row back in the queue (api.md §10.2); 3 retries per row per 24 h."""
    try:
        key = uuid.UUID(str(notification_id))
    except ValueError:
        raise NotFound("Pranešimas nerastas") from None
    with transaction.atomic():
        row = NotificationOutbox.objects.select_for_update().filter(pk=key).first()
        if row is None:
            raise NotFound("Pranešimas nerastas")
        if row.status != OutboxStatus.FAILED:
            raise BadRequest("Galima kartoti tik FAILED pranesimus")
        state = notification_retry_state(notification_id=row.pk)
        if state.remaining <= 0:
            raise ApiError(429, {"message": "Kartojimų limitas pasiektas", **state.as_json()})
        old_attempts = row.attempt_count
        now = timezone.now()
        NotificationOutbox.objects.filter(pk=row.pk).update(
            status=OutboxStatus.PENDING, attempt_count=0, last_error=None, next_attempt_at=now, updated_at=now
        )
        audit_record(
            entity_type="notification_outbox",
            entity_id=row.pk,
            action=AuditAction.ADMIN_NOTIFICATION_RETRY,
            actor=actor,
            old_value={"status": OutboxStatus.FAILED, "attempt_count": old_attempts},
            new_value={"status": OutboxStatus.PENDING},
            metadata={"remaining": state.remaining - 1},
        )
    return notification_retry_state(notification_id=row.pk)
