"""Data retention (security-ops.md §9): what ``purge_retention`` deletes, clears and anonymises.

``retention_purge(commit=False)`` only counts; with ``commit=True`` everything happens in one transaction that sets
``vejapro.allow_audit_purge`` (the only thing the PostgreSQL ``audit_logs_append_only`` trigger accepts) and writes
one ``RETENTION_PURGE_EXECUTED`` audit row with the counts. A second run finds nothing left to do.

The purge crosses every app, so it reaches the models through the app registry (no import-time dependency on the
apps that depend on ``core``); categories whose model does not exist yet are skipped.
"""

import copy
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.client_keys import client_fields_from_info
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.models import NIL_UUID, AuditEntityType, AuditLog, TokenRedemption

ANONYMIZED_NAME = "Anonimizuota"
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
# client_info keys holding PII (security-ops.md §9); ``client_name`` is the legacy alias of ``name``.
PROJECT_PII_KEYS = ("name", "client_name", "email", "phone", "address")
PROJECT_ESTIMATE_PII_KEYS = ("address", "phone", "notes")


def _model(app_label: str, model_name: str) -> type[models.Model] | None:
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def _days_ago(now: datetime, setting_name: str) -> datetime:
    return now - timedelta(days=int(getattr(settings, setting_name)))


# --- Projects ---------------------------------------------------------------------------------------------------


def _anonymized_client_info(client_info: dict) -> tuple[dict, list[str]]:
    info = copy.deepcopy(client_info) if isinstance(client_info, dict) else {}
    removed = []
    for key in PROJECT_PII_KEYS:
        if key in info and not (key == "name" and info[key] == ANONYMIZED_NAME):
            del info[key]
            removed.append(key)
    estimate = info.get("estimate")
    if isinstance(estimate, dict):
        for key in PROJECT_ESTIMATE_PII_KEYS:
            if key in estimate:
                del estimate[key]
                removed.append(f"estimate.{key}")
    info["name"] = ANONYMIZED_NAME
    return info, removed


def project_anonymize(*, project_id: uuid.UUID, actor: Actor, reason: str) -> list[str]:
    """Erase a project's client PII (security-ops.md §9): ``client_info`` PII keys removed, name «Anonimizuota»,
    marketing consent revoked and photos unpublished; payments, ledger and photos stay. ``reason`` is
    ``"retention"`` or ``"request"``. Writes ``PROJECT_ANONYMIZED`` and returns the removed keys; a project with
    nothing left to erase is not touched (no audit row) and gives ``[]``."""

    project_model = apps.get_model("projects", "Project")
    with transaction.atomic():
        project = project_model.objects.select_for_update().get(pk=project_id)
        client_info, removed = _anonymized_client_info(project.client_info)
        published = project.evidences.filter(models.Q(show_on_web=True) | models.Q(is_featured=True))
        if not removed and not project.marketing_consent and not published.exists():
            return []
        fields = client_fields_from_info(client_info)
        for name, value in fields.items():
            setattr(project, name, value)
        project.marketing_consent = False
        project.marketing_consent_at = None
        project.save(update_fields=[*fields, "marketing_consent", "marketing_consent_at", "updated_at"])
        published.update(show_on_web=False, is_featured=False)
        audit_record(
            entity_type=AuditEntityType.PROJECT,
            entity_id=project.pk,
            action=AuditAction.PROJECT_ANONYMIZED,
            actor=actor,
            new_value={"anonymized_keys": removed},
            metadata={"reason": reason},
        )
    return removed


def _projects_to_anonymize(now: datetime) -> list:
    project_model = apps.get_model("projects", "Project")
    cutoff = _days_ago(now, "RETENTION_CLIENT_PII_DAYS")
    candidates = project_model.objects.filter(updated_at__lt=cutoff).prefetch_related("evidences")
    return [
        project
        for project in candidates
        if _anonymized_client_info(project.client_info)[1]
        or project.marketing_consent
        or any(evidence.show_on_web or evidence.is_featured for evidence in project.evidences.all())
    ]


# --- Leads (call requests) --------------------------------------------------------------------------------------


def _leads_to_anonymize(now: datetime) -> models.QuerySet | None:
    call_request_model = _model("messaging", "CallRequest")
    if call_request_model is None:
        return None
    return call_request_model.objects.filter(
        converted_project__isnull=True,
        anonymized_at__isnull=True,
        status__in=LEAD_STATUSES_TO_ANONYMIZE,
        updated_at__lt=_days_ago(now, "RETENTION_LEAD_DAYS"),
    )


def call_request_anonymize(*, call_request: models.Model, now: datetime) -> None:
    """Erase a lead's contact data (security-ops.md §9); its processed inbound e-mail records go too."""
    intake_state = call_request.intake_state if isinstance(call_request.intake_state, dict) else {}
    workflow = intake_state.get("workflow") if isinstance(intake_state.get("workflow"), dict) else {}
    call_request.name = ANONYMIZED_NAME
    call_request.phone = ""
    call_request.email = None
    call_request.notes = None
    call_request.intake_state = {"workflow": {"phase": workflow.get("phase")}}
    call_request.anonymized_at = now
    call_request.save(update_fields=["name", "phone", "email", "notes", "intake_state", "anonymized_at", "updated_at"])
    inbound_model = _model("messaging", "ProcessedInboundEmail")
    if inbound_model is not None:
        inbound_model.objects.filter(call_request=call_request).delete()


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
    outbox_model = _model("messaging", "NotificationOutbox")
    if outbox_model is not None:
        outbox = outbox_model.objects.filter(
            status__in=FINISHED_OUTBOX_STATUSES, updated_at__lt=_days_ago(now, "RETENTION_OUTBOX_DAYS")
        )
        categories["outbox_deleted"] = (outbox.count, lambda: outbox.delete()[0])
    stripe_model = _model("payments", "StripeWebhookEvent")
    if stripe_model is not None:
        payloads = stripe_model.objects.filter(
            payload__isnull=False, received_at__lt=_days_ago(now, "RETENTION_WEBHOOK_PAYLOAD_DAYS")
        )
        categories["stripe_payloads_cleared"] = (payloads.count, lambda: payloads.update(payload=None))
    confirmation_model = _model("messaging", "ClientConfirmation")
    if confirmation_model is not None:
        phones = (
            confirmation_model.objects.exclude(confirmed_from_phone__isnull=True)
            .annotate(phone_since=Coalesce("confirmed_at", "created_at"))
            .filter(phone_since__lt=_days_ago(now, "RETENTION_CONFIRMATION_PHONE_DAYS"))
        )
        categories["confirmation_phones_cleared"] = (
            phones.count,
            lambda: confirmation_model.objects.filter(pk__in=list(phones.values_list("pk", flat=True))).update(
                confirmed_from_phone=None
            ),
        )
    leads = _leads_to_anonymize(now)
    if leads is not None:
        categories["leads_anonymized"] = (leads.count, lambda: _anonymize_leads(leads, now))
    if _model("projects", "Project") is not None:
        categories["projects_anonymized"] = (
            lambda: len(_projects_to_anonymize(now)),
            lambda: _anonymize_projects(now),
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


def _anonymize_projects(now: datetime) -> int:
    actor = Actor.system()
    return sum(
        1
        for project in _projects_to_anonymize(now)
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
