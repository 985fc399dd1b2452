"""Data retention (security-ops.md §9): what ``purge_retention`` deletes, clears and anonymises.

``retention_purge(commit=False)`` only counts; with ``commit=True`` everything happens in one transaction that sets
``vejapro.allow_audit_purge`` (the only thing the PostgreSQL ``audit_logs_append_only`` trigger accepts) and writes
one ``RETENTION_PURGE_EXECUTED`` audit row with the counts. A second run finds nothing left to do.

The bulk rules (audit and outbox rows, webhook payloads, confirmation phones, token redemptions) work through
primary-key batches (``BATCH_SIZE``, keyset order by id) so that memory and each statement stay small at a million
rows and the command can show progress. The
batches stay inside the one transaction: the summary row must describe exactly what was removed, the trigger
allowance is ``SET LOCAL`` (transaction-scoped), and the rows purged are old ones no request touches, so holding their
locks until the commit blocks nobody (bench/RESULTS.md has the timing).

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
# Measured at 1 000 000 audit rows (bench/RESULTS.md): 1 000 keys per batch ran faster than 10 000.
BATCH_SIZE = 1_000

# Called after each batch of a bulk rule with the category and the rows done so far.
Progress = Callable[[str, int], None]


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


def _in_batches(
    queryset: models.QuerySet,
    apply: Callable[[list], int],
    *,
    category: str,
    batch_size: int,
    progress: Progress | None,
) -> int:
    """``apply`` to the primary keys of ``queryset``, ``batch_size`` at a time, in primary-key order."""
    done = 0
    last_pk = None
    while True:
        page = queryset.order_by("pk") if last_pk is None else queryset.filter(pk__gt=last_pk).order_by("pk")
        pks = list(page.values_list("pk", flat=True)[:batch_size])
        if not pks:
            return done
        done += apply(pks)
        last_pk = pks[-1]
        if progress is not None:
            progress(category, done)


def _categories(
    now: datetime, *, batch_size: int, progress: Progress | None
) -> dict[str, tuple[Callable[[], int], Callable[[], int]]]:
    """Each category as (count, apply): ``count`` says what ``apply`` would change."""

    def batched(category: str, queryset: models.QuerySet, apply: Callable[[list], int]) -> Callable[[], int]:
        return lambda: _in_batches(queryset, apply, category=category, batch_size=batch_size, progress=progress)

    security_due = _security_audit_filter() & models.Q(timestamp__lt=_days_ago(now, "RETENTION_AUDIT_SECURITY_DAYS"))
    business_due = ~_security_audit_filter() & models.Q(timestamp__lt=_days_ago(now, "RETENTION_AUDIT_BUSINESS_DAYS"))
    security_old = AuditLog.objects.filter(security_due)
    business_old = AuditLog.objects.filter(business_due)
    # Conditions on the row itself, not NOT IN (subquery): at a million rows the subqueries cost minutes per batch.
    ip_old = (
        AuditLog.objects.filter(timestamp__lt=_days_ago(now, "RETENTION_AUDIT_IP_DAYS"))
        .filter(models.Q(ip_address__isnull=False) | models.Q(user_agent__isnull=False))
        .exclude(security_due)
        .exclude(business_due)
    )
    categories: dict[str, tuple[Callable[[], int], Callable[[], int]]] = {
        "audit_security_deleted": (
            security_old.count,
            batched("audit_security_deleted", security_old, _audit_delete),
        ),
        "audit_business_deleted": (
            business_old.count,
            batched("audit_business_deleted", business_old, _audit_delete),
        ),
        "audit_ip_cleared": (ip_old.count, batched("audit_ip_cleared", ip_old, _audit_clear_request_data)),
    }
    outbox = NotificationOutbox.objects.filter(
        status__in=FINISHED_OUTBOX_STATUSES, updated_at__lt=_days_ago(now, "RETENTION_OUTBOX_DAYS")
    )
    categories["outbox_deleted"] = (
        outbox.count,
        batched("outbox_deleted", outbox, lambda pks: NotificationOutbox.objects.filter(pk__in=pks).delete()[0]),
    )
    payloads = StripeWebhookEvent.objects.filter(
        payload__isnull=False, received_at__lt=_days_ago(now, "RETENTION_WEBHOOK_PAYLOAD_DAYS")
    )
    categories["stripe_payloads_cleared"] = (
        payloads.count,
        batched(
            "stripe_payloads_cleared",
            payloads,
            lambda pks: StripeWebhookEvent.objects.filter(pk__in=pks).update(payload=None),
        ),
    )
    phones = (
        ClientConfirmation.objects.exclude(confirmed_from_phone__isnull=True)
        .annotate(phone_since=Coalesce("confirmed_at", "created_at"))
        .filter(phone_since__lt=_days_ago(now, "RETENTION_CONFIRMATION_PHONE_DAYS"))
    )
    categories["confirmation_phones_cleared"] = (
        phones.count,
        batched(
            "confirmation_phones_cleared",
            phones,
            lambda pks: ClientConfirmation.objects.filter(pk__in=pks).update(confirmed_from_phone=None),
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
    categories["token_redemptions_deleted"] = (
        expired_redemptions.count,
        batched(
            "token_redemptions_deleted",
            expired_redemptions,
            lambda pks: TokenRedemption.objects.filter(pk__in=pks).delete()[0],
        ),
    )
    return categories


def _audit_delete(pks: list) -> int:
    return AuditLog.objects.filter(pk__in=pks).purge_delete()


def _audit_clear_request_data(pks: list) -> int:
    return AuditLog.objects.filter(pk__in=pks).purge_clear_request_data()


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


def retention_purge(
    *,
    commit: bool,
    now: datetime | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Count (``commit=False``) or apply (``commit=True``) every retention rule; returns the count per category.

    ``progress`` is called after each batch of the bulk rules while committing."""
    now = now or timezone.now()
    categories = _categories(now, batch_size=batch_size, progress=progress)
    if not commit:
        return {name: count() for name, (count, _apply) in categories.items()}
    with transaction.atomic(durable=True):
        _allow_audit_purge("on")
        counts = {name: apply() for name, (_count, apply) in categories.items()}
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
