"""Audit reads for the back office: action groups, search, the error pill and the CSV export (api.md §15.7)."""

import csv
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vejapro.core.audit.actions import AuditAction
from vejapro.core.http.errors import BadRequest
from vejapro.core.http.pagination import decode_time_id_cursor, encode_cursor, page
from vejapro.core.models import AuditLog
from vejapro.core.spreadsheet import spreadsheet_safe

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
    """One CSV line; any column (user agents, actor ids, JSON text) can carry a formula from the outside."""
    cells = [
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
    return [spreadsheet_safe(cell) for cell in cells]


@dataclass
class AuditExport:
    filename: str
    has_more: bool
    next_cursor: str | None
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
    """The first ``limit`` rows, newest first, as CSV lines read from the database in chunks: memory stays bounded
    however many rows leave."""
    ordered = queryset.order_by("-timestamp", "-id")
    # The last exported row and the one after it: whether more exist and where the next export starts.
    edge = list(ordered.values_list("timestamp", "id")[limit - 1 : limit + 1])
    has_more = len(edge) == 2
    rows = ordered[:limit].iterator(chunk_size=2000)
    return AuditExport(
        filename=f"audit_{timezone.now().astimezone(UTC):%Y%m%d%H%M%S}.csv",
        has_more=has_more,
        next_cursor=encode_cursor(*edge[0]) if has_more else None,
        lines=_csv_lines(rows),
    )


# --- the /audit-logs API (api.md §15.7) ------------------------------------------------------------------------
INVALID_ENTITY_ID_TEXT = "Invalid entity_id"
TIME_RANGE_TEXT = "from_ts must be <= to_ts"


def audit_log_filter(
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    actor_type: str | None = None,
    actor_id: str | None = None,
    from_ts: datetime | None = None,
    to_ts: datetime | None = None,
    cursor: str | None = None,
    entity_ids: QuerySet | None = None,
) -> QuerySet[AuditLog]:
    """Audit rows by the exact filters of the API, after ``cursor``, newest first. ``entity_ids`` (a subquery of
    ids) narrows them to project rows of those entities: what an assigned expert or contractor may read."""
    queryset = AuditLog.objects.all()
    if entity_id:
        key = parse_uuid(entity_id)
        if key is None:
            raise BadRequest(INVALID_ENTITY_ID_TEXT)
        queryset = queryset.filter(entity_id=key)
    if from_ts and to_ts and from_ts > to_ts:
        raise BadRequest(TIME_RANGE_TEXT)
    exact = {"entity_type": entity_type, "action": action, "actor_type": actor_type, "actor_id": actor_id}
    queryset = queryset.filter(**{name: value for name, value in exact.items() if value})
    if from_ts:
        queryset = queryset.filter(timestamp__gte=from_ts)
    if to_ts:
        queryset = queryset.filter(timestamp__lte=to_ts)
    if entity_ids is not None:
        queryset = queryset.filter(entity_type="project", entity_id__in=entity_ids)
    if cursor:
        moment, key = decode_time_id_cursor(cursor)
        queryset = queryset.filter(Q(timestamp__lt=moment) | Q(timestamp=moment, id__lt=key))
    return queryset.order_by("-timestamp", "-id")


def audit_log_page(*, queryset: QuerySet[AuditLog], limit: int) -> dict:
    """``{"items": [AuditLog], "next_cursor", "has_more"}`` of a filtered queryset; one query."""
    return page(list(queryset[: limit + 1]), limit, lambda row: encode_cursor(row.timestamp, row.id))
