"""The rollback aid (security-ops.md §12.4): every business change written since a moment, from the audit log, as CSV.

If the launch has to be rolled back to the old system, staff re-enter these changes there by hand. The rows stream
from a server-side cursor (``iterator``) straight to the output, so memory stays flat however long the window was.
Cells are formula-safe: a spreadsheet opening the file must not run anything a client typed.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from vejapro.core.audit.actions import AuditAction
from vejapro.core.models import AuditLog
from vejapro.core.spreadsheet import spreadsheet_safe

# What a rollback has to re-enter, by kind: payments, projects and their status changes, confirmations, leads, visits.
CHANGE_ACTIONS: dict[str, tuple[str, ...]] = {
    "payment": (
        AuditAction.PAYMENT_RECORDED_MANUAL,
        AuditAction.PAYMENT_RECORDED_STRIPE,
        AuditAction.DEPOSIT_WAIVED,
        AuditAction.PAYMENT_VOIDED,
    ),
    "status": (AuditAction.PROJECT_CREATED, AuditAction.STATUS_CHANGE),
    "confirmation": (AuditAction.EMAIL_CONFIRMED, AuditAction.SMS_CONFIRMED, AuditAction.ADMIN_CONFIRMED),
    "call_request": (
        AuditAction.CALL_REQUEST_CREATED,
        AuditAction.CALL_REQUEST_UPDATED,
        AuditAction.CALL_REQUEST_DELETED,
        AuditAction.OFFER_ACCEPTED,
        AuditAction.OFFER_REJECTED,
    ),
    "appointment": (
        AuditAction.APPOINTMENT_CREATED,
        AuditAction.APPOINTMENT_UPDATED,
        AuditAction.APPOINTMENT_CONFIRMED,
        AuditAction.APPOINTMENT_CANCELLED,
    ),
}
KIND_OF_ACTION = {action: kind for kind, actions in CHANGE_ACTIONS.items() for action in actions}
HEADER = (
    "timestamp",
    "kind",
    "action",
    "entity_type",
    "entity_id",
    "actor_type",
    "actor_id",
    "old_value",
    "new_value",
    "metadata",
)
CHUNK_SIZE = 2000


def _json_cell(value) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _cells(row: AuditLog) -> list[str]:
    cells = [
        row.timestamp.astimezone(UTC).isoformat(),
        KIND_OF_ACTION[row.action],
        row.action,
        row.entity_type,
        str(row.entity_id),
        row.actor_type,
        row.actor_id or "",
        _json_cell(row.old_value),
        _json_cell(row.new_value),
        _json_cell(row.metadata),
    ]
    return [spreadsheet_safe(cell) for cell in cells]


def _lines(rows: Iterable[AuditLog]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate(0)
        writer.writerow(_cells(row))
        yield buffer.getvalue()


def change_export_lines(*, since: datetime) -> Iterator[str]:
    """CSV lines (header first) of the business changes at or after ``since``, oldest first. Lazy: nothing is read
    until the caller iterates."""
    rows = (
        AuditLog.objects.filter(timestamp__gte=since, action__in=KIND_OF_ACTION)
        .order_by("timestamp", "id")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    return _lines(rows)
