"""Audit reads for the back office: action groups, search, the error pill and the CSV export (api.md §15.7)."""

import csv
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vejapro.core.audit.actions import AuditAction
from vejapro.core.models import AuditLog

EXPORT_LIMITS = (10_000, 50_000, 100_000)
EXPORT_HEADER = (
    "timestamp",
    "entity_type",
    "entity_id",
    "action",
    "actor_type",
    "actor_id",
    "ip_address",
    "user_agent",
    "old_value",
    "new_value",
    "metadata",
)

# The action catalogue of workflow.md §13.4, grouped as the «Veiksmas» filter shows it.
AUDIT_ACTION_GROUPS = {
    "projektai": (
        _("Projects, photos, users"),
        (
            AuditAction.PROJECT_CREATED,
            AuditAction.PROJECT_UPDATED,
            AuditAction.DRAFT_UPDATED,
            AuditAction.ESTIMATE_SUBMITTED,
            AuditAction.FINAL_QUOTE_SET,
            AuditAction.STATUS_CHANGE,
            AuditAction.ASSIGN_CONTRACTOR,
            AuditAction.ASSIGN_EXPERT,
            AuditAction.UPLOAD_EVIDENCE,
            AuditAction.EVIDENCE_SEEDED,
            AuditAction.EVIDENCE_DELETED,
            AuditAction.CERTIFY_PROJECT,
            AuditAction.PROJECT_REJECTED,
            AuditAction.MARKETING_CONSENT_UPDATE,
            AuditAction.MARKETING_CONSENT_REVOKE,
            AuditAction.EVIDENCE_APPROVED_FOR_WEB,
            AuditAction.EVIDENCE_HIDDEN_FROM_WEB,
            AuditAction.PROJECT_DELETED,
            AuditAction.PROJECT_ANONYMIZED,
            AuditAction.CLIENT_TOKEN_ISSUED,
            AuditAction.CLIENT_ACCESS_EMAIL_SENT,
            AuditAction.CONTRACTOR_TOKEN_ISSUED,
            AuditAction.EXPERT_TOKEN_ISSUED,
            AuditAction.USER_CREATED,
            AuditAction.USER_UPDATED,
        ),
    ),
    "mokejimai": (
        _("Payments and confirmations"),
        (
            AuditAction.PAYMENT_RECORDED_MANUAL,
            AuditAction.PAYMENT_RECORDED_STRIPE,
            AuditAction.DEPOSIT_WAIVED,
            AuditAction.PAYMENT_LINK_CREATED,
            AuditAction.PAYMENT_VOIDED,
            AuditAction.FIN_CHANNEL_UNAVAILABLE,
            AuditAction.EMAIL_CONFIRMATION_CREATED,
            AuditAction.SMS_CONFIRMATION_CREATED,
            AuditAction.ADMIN_CONFIRMED,
            AuditAction.EMAIL_CONFIRMATION_INVALID_TOKEN,
            AuditAction.EMAIL_CONFIRMATION_FAILED,
            AuditAction.EMAIL_CONFIRMATION_EXPIRED,
            AuditAction.EMAIL_CONFIRMATION_INVALID_PROJECT_STATUS,
            AuditAction.EMAIL_CONFIRMATION_FINAL_PAYMENT_MISSING,
            AuditAction.EMAIL_CONFIRMED,
            AuditAction.SMS_CONFIRMATION_INVALID_TOKEN_ATTEMPT,
            AuditAction.SMS_CONFIRMATION_FAILED,
            AuditAction.SMS_CONFIRMATION_EXPIRED,
            AuditAction.SMS_CONFIRMATION_INVALID_PROJECT_STATUS,
            AuditAction.SMS_CONFIRMATION_FINAL_PAYMENT_MISSING,
            AuditAction.SMS_CONFIRMED,
            AuditAction.ADMIN_CONFIRMATION_RESEND_EMAIL,
            AuditAction.ADMIN_CONFIRMATION_RESEND_SMS,
        ),
    ),
    "pranesimai": (
        _("Messages, calls, calendar"),
        (
            AuditAction.ADMIN_NOTIFICATION_RETRY,
            AuditAction.NOTIFICATION_FAILED,
            AuditAction.CALL_REQUEST_CREATED,
            AuditAction.CALL_REQUEST_UPDATED,
            AuditAction.CALL_REQUEST_DELETED,
            AuditAction.APPOINTMENT_CREATED,
            AuditAction.APPOINTMENT_UPDATED,
            AuditAction.APPOINTMENT_CONFIRMED,
            AuditAction.APPOINTMENT_CANCELLED,
            AuditAction.INTAKE_UPDATED,
            AuditAction.OFFER_SENT,
            AuditAction.OFFER_ACCEPTED,
            AuditAction.OFFER_REJECTED,
            AuditAction.EMAIL_INBOUND_RECEIVED,
            AuditAction.EMAIL_REPLY_MERGED,
            AuditAction.EMAIL_AUTO_REPLY_MISSING_DATA,
        ),
    ),
    "finansai": (
        _("Finance"),
        (
            AuditAction.FINANCE_LEDGER_ENTRY_CREATED,
            AuditAction.FINANCE_LEDGER_ENTRY_REVERSED,
            AuditAction.ADMIN_MARGIN_CREATED,
            AuditAction.ESTIMATE_RULE_CREATED,
            AuditAction.ESTIMATE_RULE_UPDATED,
        ),
    ),
    "saugumas": (
        _("Security and operations"),
        (
            AuditAction.TWILIO_SIGNATURE_INVALID,
            AuditAction.STRIPE_SIGNATURE_INVALID,
            AuditAction.EMAIL_WEBHOOK_AUTH_INVALID,
            AuditAction.CHAT_WEBHOOK_AUTH_INVALID,
            AuditAction.RATE_LIMIT_BLOCKED,
            AuditAction.LOGIN_FAILED,
            AuditAction.DEPLOY_WEBHOOK_EXECUTED,
            AuditAction.RETENTION_PURGE_EXECUTED,
            AuditAction.LEGACY_IMPORT_EXECUTED,
        ),
    ),
}

ENTITY_ADMIN_URLS = {
    "project": "admin:projects_project_change",
    "payment": "admin:payments_payment_change",
    "user": "admin:core_user_change",
    "margin": "admin:finance_margin_change",
    "notification_outbox": "admin:messaging_notificationoutbox_change",
}


def parse_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value).strip())
    except (TypeError, ValueError):
        return None


def entity_admin_url(entity_type: str, entity_id) -> str | None:
    name = ENTITY_ADMIN_URLS.get(entity_type)
    if not name or entity_id is None or entity_id.int == 0:
        return None
    try:
        return reverse(name, args=[entity_id])
    except NoReverseMatch:
        return None


def audit_search_q(term: str) -> Q:
    """Search by entity id, actor id or action."""
    condition = Q(actor_id=term) | Q(action__icontains=term)
    entity_id = parse_uuid(term)
    if entity_id is not None:
        condition |= Q(entity_id=entity_id)
    return condition


def audit_error_q() -> Q:
    return Q(action__endswith="_FAILED") | Q(action__contains="_INVALID") | Q(action=AuditAction.RATE_LIMIT_BLOCKED)


def audit_error_count(queryset: QuerySet[AuditLog]) -> int:
    return queryset.filter(audit_error_q()).order_by().count()


def audit_logs_for_entities(*, entity_ids: list, limit: int) -> list[AuditLog]:
    return list(AuditLog.objects.filter(entity_id__in=entity_ids).order_by("-timestamp", "-id")[:limit])


def export_limit(raw) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return EXPORT_LIMITS[0]
    return value if value in EXPORT_LIMITS else EXPORT_LIMITS[0]


def _json_cell(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _iso_utc(moment) -> str:
    return moment.astimezone(UTC).isoformat()


def audit_csv_row(row: AuditLog) -> list[str]:
    return [
        _iso_utc(row.timestamp),
        row.entity_type,
        str(row.entity_id),
        row.action,
        row.actor_type,
        row.actor_id or "",
        row.ip_address or "",
        row.user_agent or "",
        _json_cell(row.old_value),
        _json_cell(row.new_value),
        _json_cell(row.metadata),
    ]


@dataclass
class AuditExport:
    filename: str
    has_more: bool
    lines: Iterator[str]


def _csv_lines(rows) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADER)
    for row in rows:
        writer.writerow(audit_csv_row(row))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
    if buffer.getvalue():
        yield buffer.getvalue()


def audit_csv_export(*, queryset: QuerySet[AuditLog], limit: int) -> AuditExport:
    ordered = queryset.order_by("-timestamp", "-id")
    has_more = ordered[limit : limit + 1].exists()
    rows = ordered[:limit].iterator(chunk_size=2000)
    return AuditExport(
        filename=f"audit_{timezone.now().astimezone(UTC):%Y%m%d%H%M%S}.csv",
        has_more=has_more,
        lines=_csv_lines(rows),
    )
