"""The one-time import of the legacy database at go-live (data-model.md §9, security-ops.md §12.2 step 5).

``legacy_import`` reads the old database table by table through server-side cursors (bounded memory on the long
audit table), repairs each row as §9 says and inserts it under its legacy id with its legacy timestamps. Everything
runs in one transaction: a dry run does the same work and rolls it back, so its counts and problems are exactly
what ``--commit`` would do. Rows whose id is already in the target are left alone, so a second run imports nothing.
A row the database refuses (a constraint of the new schema) is skipped and reported with the constraint's message.
"""

import ipaddress
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from psycopg.rows import dict_row

from finance.models import Margin
from messaging.models import ClientConfirmation, NotificationOutbox
from payments.models import Payment, PaymentMethod, PaymentProvider
from projects.client_keys import client_fields_from_info
from projects.models import CERTIFIED_STATUSES, Evidence, Project
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.models import NIL_UUID, AuditEntityType, AuditLog, Role, User
from vejapro.core.redaction import redact, redaction_fields, to_json_value

BATCH_SIZE = 1000
EVIDENCE_BUCKET = "evidences"
# Tables of the old database that this release does not copy, with the reason printed in the report.
NOT_COPIED = {
    "conversation_locks": "not copied (ephemeral)",
    "schedule_previews": "not copied (ephemeral)",
    "call_requests": "not imported: no model in this release",
    "appointments": "not imported: no model in this release",
    "finance_ledger_entries": "not imported: no model in this release",
    "finance_documents": "not imported: no model in this release",
    "finance_document_extractions": "not imported: no model in this release",
    "finance_vendor_rules": "not imported: no model in this release",
    "service_requests": "not imported: no model in this release",
}

Progress = Callable[[str, int, int], None]


@dataclass
class TableCounts:
    source: int = 0
    imported: int = 0
    already_present: int = 0
    skipped: int = 0


@dataclass
class LegacyImportReport:
    committed: bool
    tables: dict[str, TableCounts] = field(default_factory=dict)
    # Rows the import skipped, one line each with the reason.
    skipped_rows: list[str] = field(default_factory=list)
    # Rows imported with a repair the operator should know about (assignment cleared, method → OTHER, …).
    notes: list[str] = field(default_factory=list)
    # Legacy tables left behind, with their row count and why.
    not_copied: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def imported_total(self) -> int:
        return sum(counts.imported for counts in self.tables.values())


class _Skip(Exception):
    """A legacy row the import leaves out, with the reason printed in the report."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Context:
    report: LegacyImportReport
    user_ids: set[str]
    project_ids: set[str]
    emails: dict[str, str]
    certified_at: dict[str, Any]

    def note(self, table: str, row_id: Any, text: str) -> None:
        self.report.notes.append(f"{table} {row_id}: {text}")


# --- Reading the old database ---------------------------------------------------------------------------------------


def _table_exists(source: psycopg.Connection, table: str) -> bool:
    return source.execute("SELECT to_regclass(%s) IS NOT NULL AS found", [f"public.{table}"]).fetchone()["found"]


def _count(source: psycopg.Connection, table: str) -> int:
    return source.execute(f'SELECT count(*) AS n FROM "{table}"').fetchone()["n"]  # noqa: S608 - fixed table names


def _batches(source: psycopg.Connection, table: str, batch_size: int) -> Iterator[list[dict]]:
    # A named (server-side) cursor: the audit table can hold millions of rows, only one batch is in memory.
    with source.cursor(name=f"legacy_{table}", row_factory=dict_row) as cursor:
        cursor.itersize = batch_size
        cursor.execute(f'SELECT * FROM "{table}" ORDER BY id')  # noqa: S608 - fixed table names
        while rows := cursor.fetchmany(batch_size):
            yield rows


def _first_certifications(source: psycopg.Connection) -> dict[str, Any]:
    if not _table_exists(source, "audit_logs"):
        return {}
    rows = source.execute(
        """SELECT entity_id::text AS project_id, min("timestamp") AS at FROM audit_logs
           WHERE action = 'STATUS_CHANGE' AND new_value ->> 'status' = 'CERTIFIED' GROUP BY entity_id"""
    ).fetchall()
    return {row["project_id"]: row["at"] for row in rows}


# --- Row transformations (data-model.md §9) -------------------------------------------------------------------------


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _model_fields(model: type[models.Model], row: dict) -> dict:
    names = {model_field.attname for model_field in model._meta.concrete_fields}
    return {key: value for key, value in row.items() if key in names}


def _known_user(ctx: _Context, table: str, row: dict, column: str) -> None:
    """Clear a reference to a user the import does not know, with a note."""
    if row.get(column) is not None and str(row[column]) not in ctx.user_ids:
        ctx.note(table, row["id"], f"{column} {row[column]} is not a known user: cleared")
        row[column] = None


def _project_of(ctx: _Context, row: dict) -> None:
    if row.get("project_id") is None:
        raise _Skip("no project")
    if str(row["project_id"]) not in ctx.project_ids:
        raise _Skip(f"project {row['project_id']} not imported")


def _user(ctx: _Context, row: dict) -> User:
    email = (row.get("email") or "").strip().lower()
    owner = ctx.emails.get(email)
    if owner is not None and owner != str(row["id"]):
        raise _Skip(f"e-mail {email} already belongs to user {owner}")
    user = User(**_model_fields(User, row))
    user.email = email
    user.is_staff = row.get("role") == Role.ADMIN
    user.is_superuser = False
    user.set_unusable_password()
    ctx.emails[email] = str(row["id"])
    return user


def _project(ctx: _Context, row: dict) -> Project:
    for column in ("assigned_contractor_id", "assigned_expert_id"):
        _known_user(ctx, "projects", row, column)
    project = Project(**_model_fields(Project, row))
    for name, value in client_fields_from_info(project.client_info or {}).items():
        setattr(project, name, value)
    if project.client_user_id and _as_uuid(project.client_user_id) is None:
        ctx.note(
            "projects", row["id"], f"client id {project.client_user_id!r} is not a UUID: API tokens only, no portal"
        )
    if project.status in CERTIFIED_STATUSES:
        project.certified_at = ctx.certified_at.get(str(row["id"])) or row.get("status_changed_at")
    return project


def _storage_path(url: str | None) -> tuple[str | None, str]:
    """The public form of a Supabase object URL of the evidence bucket, and the object's path in the bucket."""
    if not url:
        return url, ""
    for prefix in (f"/storage/v1/object/public/{EVIDENCE_BUCKET}/", f"/storage/v1/object/{EVIDENCE_BUCKET}/"):
        base, found, path = url.partition(prefix)
        if found:
            return f"{base}/storage/v1/object/public/{EVIDENCE_BUCKET}/{path}", path
    return url, ""


def _evidence(ctx: _Context, row: dict) -> Evidence:
    _project_of(ctx, row)
    _known_user(ctx, "evidences", row, "uploaded_by")
    row["uploaded_by_id"] = row.pop("uploaded_by", None)
    evidence = Evidence(**_model_fields(Evidence, row))
    evidence.file_url, evidence.storage_path = _storage_path(evidence.file_url)
    evidence.thumbnail_url, _ = _storage_path(evidence.thumbnail_url)
    evidence.medium_url, _ = _storage_path(evidence.medium_url)
    return evidence


def _payment(ctx: _Context, row: dict) -> Payment:
    _project_of(ctx, row)
    for column in ("collected_by", "confirmed_by"):
        _known_user(ctx, "payments", row, column)
        row[f"{column}_id"] = row.pop(column, None)
    payment = Payment(**_model_fields(Payment, row))
    if payment.provider == PaymentProvider.MANUAL and not payment.provider_event_id:
        payment.provider_event_id = f"legacy-{row['id']}"
    if payment.payment_method is not None and payment.payment_method not in PaymentMethod.values:
        ctx.note("payments", row["id"], f"payment method {payment.payment_method!r} → OTHER")
        payment.payment_method = PaymentMethod.OTHER
    payment.currency = (payment.currency or "EUR").upper()
    return payment


def _confirmation(ctx: _Context, row: dict) -> ClientConfirmation:
    _project_of(ctx, row)
    return ClientConfirmation(**_model_fields(ClientConfirmation, row))


def _outbox(ctx: _Context, row: dict) -> NotificationOutbox:
    entity_id = _as_uuid(row.get("entity_id"))
    if entity_id is None:
        raise _Skip(f"entity id {row.get('entity_id')!r} is not a UUID")
    row["entity_id"] = entity_id
    return NotificationOutbox(**_model_fields(NotificationOutbox, row))


def _without_token_hint(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_token_hint(item) for key, item in value.items() if key != "token_hint"}
    if isinstance(value, list):
        return [_without_token_hint(item) for item in value]
    return value


def _audit_value(value: Any, action: str) -> Any:
    if value is None:
        return None
    if action == AuditAction.EMAIL_CONFIRMATION_CREATED:
        value = _without_token_hint(value)
    value = to_json_value(value)
    if settings.PII_REDACTION_ENABLED:
        value = redact(value, redaction_fields())
    return value


def _audit(ctx: _Context, row: dict) -> AuditLog:
    entry = AuditLog(**_model_fields(AuditLog, row))
    entity_id = _as_uuid(row.get("entity_id"))
    if entity_id is None:
        entry.entity_id, entry.entity_type = NIL_UUID, AuditEntityType.SYSTEM
    else:
        entry.entity_id = entity_id
    for name in ("old_value", "new_value", "metadata"):
        setattr(entry, name, _audit_value(row.get(name), entry.action))
    if row.get("ip_address") is not None:
        entry.ip_address = str(ipaddress.ip_interface(str(row["ip_address"])).ip)
    return entry


def _margin(ctx: _Context, row: dict) -> Margin:
    _known_user(ctx, "margins", row, "created_by")
    row["created_by_id"] = row.pop("created_by", None)
    return Margin(**_model_fields(Margin, row))


# In dependency order: a row's parents are imported before it.
TABLES: tuple[tuple[str, type[models.Model], Callable[[_Context, dict], models.Model]], ...] = (
    ("users", User, _user),
    ("projects", Project, _project),
    ("evidences", Evidence, _evidence),
    ("payments", Payment, _payment),
    ("client_confirmations", ClientConfirmation, _confirmation),
    ("notification_outbox", NotificationOutbox, _outbox),
    ("audit_logs", AuditLog, _audit),
    ("margins", Margin, _margin),
)


# --- Writing ----------------------------------------------------------------------------------------------------------


def _insert(model: type[models.Model], objs: list[models.Model]) -> None:
    # Plain INSERTs keep the legacy created_at/updated_at: bulk_create() would overwrite the auto_now fields.
    model_fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model_field.column) for model_field in model_fields)
    placeholders = ", ".join(["%s"] * len(model_fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    params = [
        [model_field.get_db_prep_save(getattr(obj, model_field.attname), connection) for model_field in model_fields]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _insert_batch(table: str, model: type[models.Model], objs: list[models.Model], ctx: _Context) -> int:
    """Insert the batch; when the database refuses it, insert row by row and report each refused row."""
    if not objs:
        return 0
    try:
        with transaction.atomic():
            _insert(model, objs)
    except DatabaseError:
        inserted = 0
        for obj in objs:
            try:
                with transaction.atomic():
                    _insert(model, [obj])
                inserted += 1
            except DatabaseError as error:
                ctx.report.skipped_rows.append(f"{table} {obj.pk}: {str(error).splitlines()[0]}")
                ctx.report.tables[table].skipped += 1
                _forget(table, obj, ctx)
        return inserted
    return len(objs)


def _forget(table: str, obj: models.Model, ctx: _Context) -> None:
    """A refused parent row: its children must be reported as skipped too."""
    if table == "users":
        ctx.user_ids.discard(str(obj.pk))
    elif table == "projects":
        ctx.project_ids.discard(str(obj.pk))


def _import_table(
    source: psycopg.Connection,
    table: str,
    model: type[models.Model],
    transform: Callable[[_Context, dict], models.Model],
    ctx: _Context,
    *,
    batch_size: int,
    progress: Progress | None,
) -> None:
    counts = ctx.report.tables[table] = TableCounts()
    if not _table_exists(source, table):
        return
    counts.source = _count(source, table)
    done = 0
    for rows in _batches(source, table, batch_size):
        present = {
            str(pk)
            for pk in model._base_manager.filter(pk__in=[row["id"] for row in rows]).values_list("pk", flat=True)
        }
        new_objs = []
        for row in rows:
            row_id = str(row["id"])
            if row_id in present:
                counts.already_present += 1
                _remember(table, row_id, ctx)
                continue
            try:
                new_objs.append(transform(ctx, dict(row)))
            except _Skip as skip:
                counts.skipped += 1
                ctx.report.skipped_rows.append(f"{table} {row_id}: {skip.reason}")
                continue
            _remember(table, row_id, ctx)
        counts.imported += _insert_batch(table, model, new_objs, ctx)
        done += len(rows)
        if progress is not None and counts.source > batch_size:
            progress(table, done, counts.source)


def _remember(table: str, row_id: str, ctx: _Context) -> None:
    if table == "users":
        ctx.user_ids.add(row_id)
    elif table == "projects":
        ctx.project_ids.add(row_id)


def legacy_import(
    *, source_url: str, commit: bool, batch_size: int = BATCH_SIZE, progress: Progress | None = None
) -> LegacyImportReport:
    """Import the legacy database at ``source_url``; without ``commit`` the same work is rolled back at the end.

    A committed run that imported rows writes one ``LEGACY_IMPORT_EXECUTED`` audit row with the counts."""
    report = LegacyImportReport(committed=commit)
    with psycopg.connect(source_url, row_factory=dict_row) as source:
        source.read_only = True
        with transaction.atomic(durable=True):
            ctx = _Context(
                report=report,
                user_ids={str(pk) for pk in User.objects.values_list("pk", flat=True)},
                project_ids={str(pk) for pk in Project.objects.values_list("pk", flat=True)},
                emails={email: str(pk) for pk, email in User.objects.values_list("pk", "email")},
                certified_at=_first_certifications(source),
            )
            for table, model, transform in TABLES:
                _import_table(source, table, model, transform, ctx, batch_size=batch_size, progress=progress)
            for table, reason in NOT_COPIED.items():
                if _table_exists(source, table):
                    report.not_copied[table] = (_count(source, table), reason)
            if not commit:
                transaction.set_rollback(True)
            elif report.imported_total:
                audit_record(
                    entity_type=AuditEntityType.SYSTEM,
                    entity_id=NIL_UUID,
                    action=AuditAction.LEGACY_IMPORT_EXECUTED,
                    actor=Actor.system(),
                    new_value={table: counts.imported for table, counts in report.tables.items()},
                    metadata={
                        "skipped": {table: counts.skipped for table, counts in report.tables.items()},
                        "not_copied": {table: rows for table, (rows, _reason) in report.not_copied.items()},
                    },
                )
    return report
