"""The audit writer used by every service (workflow.md §13): one append-only row per event, written in the
transaction of the change it describes, with PII redacted and alert counters for the actions that need watching."""

import logging
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from vejapro.core.actors import USER_AGENT_MAX, Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.models import NIL_UUID, AuditLog
from vejapro.core.redaction import redact, redaction_fields, to_json_value

logger = logging.getLogger(__name__)

ALERT_THRESHOLDS = {
    AuditAction.SMS_CONFIRMATION_FAILED: 5,
    AuditAction.SMS_CONFIRMATION_FINAL_PAYMENT_MISSING: 5,
    AuditAction.NOTIFICATION_FAILED: 5,
    AuditAction.TWILIO_SIGNATURE_INVALID: 5,
    AuditAction.STRIPE_SIGNATURE_INVALID: 5,
    AuditAction.EMAIL_WEBHOOK_AUTH_INVALID: 5,
    AuditAction.RATE_LIMIT_BLOCKED: 20,
}

ALERT_BUCKET_SECONDS = 60
ALERT_WINDOW_BUCKETS = 60  # a rolling hour of one-minute buckets


def _prepared(value: Any) -> Any:
    if value is None:
        return None
    value = to_json_value(value)
    if settings.PII_REDACTION_ENABLED:
        value = redact(value, redaction_fields())
    return value


def audit_record(
    *,
    entity_type: str,
    entity_id: uuid.UUID | str | None,
    action: AuditAction,
    actor: Actor,
    old_value: Any = None,
    new_value: Any = None,
    metadata: Any = None,
) -> AuditLog:
    """Append one audit row. Call it inside the transaction of the change it describes (workflow.md §13.1).

    ``old_value``, ``new_value`` and ``metadata`` become JSON (ISO datetimes, numbers for money) and lose their PII
    keys (§13.5); the IP and user agent come from the actor (the single client-IP resolver).

    Refuses to run outside a transaction: a row written on its own could describe a change that then rolls back
    (or miss a change that commits). ``audit_record_standalone`` is the one way to audit on purpose alone."""
    if action not in AuditAction.values:
        raise ValueError(f"{action!r} is not an AuditAction: add it to vejapro/core/audit/actions.py")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(
            f"audit_record({action}) outside a transaction: call it inside the transaction.atomic() of the change "
            "it describes, or use audit_record_standalone for a failure audit"
        )
    row = AuditLog.objects.create(
        entity_type=entity_type,
        entity_id=entity_id or NIL_UUID,
        action=action,
        old_value=_prepared(old_value),
        new_value=_prepared(new_value),
        metadata=_prepared(metadata),
        actor_type=actor.actor_type,
        actor_id=actor.actor_id,
        ip_address=actor.ip_address,
        user_agent=actor.user_agent[:USER_AGENT_MAX] if actor.user_agent else None,
    )
    if action in ALERT_THRESHOLDS:
        transaction.on_commit(lambda: audit_alert_count(action=action))
    return row


def audit_record_standalone(**kwargs: Any) -> AuditLog:
    """Failure audits on public paths survive the error response: they commit in their own transaction.
    Call it outside any open transaction (an outer transaction that rolls back would take the row with it)."""
    with transaction.atomic():
        return audit_record(**kwargs)


def audit_alert_count(*, action: str) -> int | None:
    """Count ``action`` in a rolling hour on the shared cache; log ``ALERT`` when the count reaches the threshold
    and at each multiple of it (workflow.md §13.6). Returns the count (None when the cache is unavailable)."""
    threshold = ALERT_THRESHOLDS[action]
    bucket = int(time.time()) // ALERT_BUCKET_SECONDS
    keys = [f"audit-alert:{action}:{number}" for number in range(bucket - ALERT_WINDOW_BUCKETS + 1, bucket + 1)]
    try:
        cache.add(keys[-1], 0, timeout=(ALERT_WINDOW_BUCKETS + 2) * ALERT_BUCKET_SECONDS)
        cache.incr(keys[-1])
        count = sum(int(value) for value in cache.get_many(keys).values())
    except Exception:
        logger.exception("audit alert counter unavailable")
        return None
    if count >= threshold and count % threshold == 0:
        logger.warning("ALERT audit_action=%s count=%s", action, count)
    return count
