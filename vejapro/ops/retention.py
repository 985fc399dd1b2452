"""Data retention (security-ops.md §9): what ``purge_retention`` deletes, clears and anonymises.

``retention_purge(commit=False)`` only counts; with ``commit=True`` everything happens in one transaction that sets
``vejapro.allow_audit_purge`` (the only thing the PostgreSQL ``audit_logs_append_only`` trigger accepts) and writes
one ``RETENTION_PURGE_EXECUTED`` audit row with the counts. A second run finds nothing left to do.

The purge crosses every app; each app owns the erasure of its own rows (``projects.services.project_anonymize``,
``messaging.services.call_request_anonymize``).
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from messaging.models import CallRequest, ClientConfirmation, NotificationOutbox
from messaging.services import call_request_anonymize
from payments.models import StripeWebhookEvent
from projects.selectors import project_list_due_for_anonymization
from projects.services import project_anonymize
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.models import NIL_UUID, AuditEntityType, AuditLog, TokenRedemption

SECURITY_AUDIT_ACTIONS = (
    AuditAction.RATE_LIMIT_BLOCKED,
    AuditAction.TWILIO_SIGNATURE_INVALID,
    AuditAction.STRIPE_SIGNATURE_INVALID,
    AuditAction.EMAIL_WEBHOOK_AUTH_INVALID,
    AuditAction.CHAT_WEBHOOK_AUTH_INVALID,
    AuditAction.EMAIL_CONFIRMATION_INVALID_TOKEN,
    AuditAction.SMS_CONFIRMATION_INVALID_TOKEN_ATTEMPT,
    AuditAction.NOTIFICATION_FAILED,
)
SECURITY_AUDIT_PREFIX = "AI_"
FINISHED_OUTBOX_STATUSES = ("SENT", "FAILED", "SKIPPED")
LEAD_STATUSES_TO_ANONYMIZE = ("NEW", "CONTACTED", "CLOSED")


def _days_ago(now: datetime, setting_name: str) -> datetime:
    return now - timedelta(days=int(getattr(settings, setting_name)))


# --- Leads (call requests) --------------------------------------------------------------------------------------


def _leads_to_anonymize(now: datetime) -> models.QuerySet:
    return CallRequest.objects.filter(
        converted_project__isnull=True,
        anonymized_at__isnull=True,
        status__in=LEAD_STATUSES_TO_ANONYMIZE,
        updated_at__lt=_days_ago(now, "RETENTION_LEAD_DAYS"),
    )


# --- The purge ----------------------------------------------------------------------------------------------------


def _security_audit_filter() -> models.Q:
    return models.Q(action__in=SECURITY_AUDIT_ACTIONS) | models.Q(action__startswith=SECURITY_AUDIT_PREFIX)


def _categories(now: datetime) -> dict[str, tuple[Callable[[], int], Callable[[], int]]]:
    """Each category as (count, apply): ``count`` says what ``apply`` would change."""
    security_old = AuditLog.objects.filter(
        _security_audit_filter(), timestamp__lt=_days_ago(now, "RETENTION_AUDIT_SECURITY_DAYS")
    )
    business_old = AuditLog.objects.exclude(_security_audit_filter()).filter(
        timestamp__lt=_days_ago(now, "RETENTION_AUDIT_BUSINESS_DAYS")
    )
    ip_old = (
        AuditLog.objects.filter(timestamp__lt=_days_ago(now, "RETENTION_AUDIT_IP_DAYS"))
        .filter(models.Q(ip_address__isnull=False) | models.Q(user_agent__isnull=False))
        .exclude(pk__in=security_old.values("pk"))
        .exclude(pk__in=business_old.values("pk"))
    )
    categories: dict[str, tuple[Callable[[], int], Callable[[], int]]] = {
        "audit_security_deleted": (security_old.count, security_old.purge_delete),
        "audit_business_deleted": (business_old.count, business_old.purge_delete),
        "audit_ip_cleared": (ip_old.count, ip_old.purge_clear_request_data),
    }
    outbox = NotificationOutbox.objects.filter(
        status__in=FINISHED_OUTBOX_STATUSES, updated_at__lt=_days_ago(now, "RETENTION_OUTBOX_DAYS")
    )
    categories["outbox_deleted"] = (outbox.count, lambda: outbox.delete()[0])
    payloads = StripeWebhookEvent.objects.filter(
        payload__isnull=False, received_at__lt=_days_ago(now, "RETENTION_WEBHOOK_PAYLOAD_DAYS")
    )
    categories["stripe_payloads_cleared"] = (payloads.count, lambda: payloads.update(payload=None))
    phones = (
        ClientConfirmation.objects.exclude(confirmed_from_phone__isnull=True)
        .annotate(phone_since=Coalesce("confirmed_at", "created_at"))
        .filter(phone_since__lt=_days_ago(now, "RETENTION_CONFIRMATION_PHONE_DAYS"))
    )
    categories["confirmation_phones_cleared"] = (
        phones.count,
        lambda: ClientConfirmation.objects.filter(pk__in=list(phones.values_list("pk", flat=True))).update(
            confirmed_from_phone=None
        ),
    )
    leads = _leads_to_anonymize(now)
    categories["leads_anonymized"] = (leads.count, lambda: _anonymize_leads(leads, now))
    project_cutoff = _days_ago(now, "RETENTION_CLIENT_PII_DAYS")
    categories["projects_anonymized"] = (
        lambda: len(project_list_due_for_anonymization(updated_before=project_cutoff)),
        lambda: _anonymize_projects(project_cutoff),
    )
    expired_redemptions = TokenRedemption.objects.filter(expires_at__lt=now)
    categories["token_redemptions_deleted"] = (expired_redemptions.count, lambda: expired_redemptions.delete()[0])
    return categories


def _anonymize_leads(leads: models.QuerySet, now: datetime) -> int:
    count = 0
    for call_request in leads.select_for_update():
        call_request_anonymize(call_request=call_request, now=now)
        count += 1
    return count


def _anonymize_projects(cutoff: datetime) -> int:
    actor = Actor.system()
    return sum(
        1
        for project in project_list_due_for_anonymization(updated_before=cutoff)
        if project_anonymize(project_id=project.pk, actor=actor, reason="retention")
    )


def _allow_audit_purge(value: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('vejapro.allow_audit_purge', %s, true)", [value])


def retention_purge(*, commit: bool, now: datetime | None = None) -> dict[str, int]:
    """Count (``commit=False``) or apply (``commit=True``) every retention rule; returns the count per category."""
    now = now or timezone.now()
    if not commit:
        return {name: count() for name, (count, _apply) in _categories(now).items()}
    with transaction.atomic(durable=True):
        _allow_audit_purge("on")
        counts = {name: apply() for name, (_count, apply) in _categories(now).items()}
        _allow_audit_purge("off")
        audit_record(
            entity_type=AuditEntityType.SYSTEM,
            entity_id=NIL_UUID,
            action=AuditAction.RETENTION_PURGE_EXECUTED,
            actor=Actor.system(),
            new_value=counts,
            metadata={"dry_run": False},
        )
    return counts
