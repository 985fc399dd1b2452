"""The back office's read models as JSON (api.md §15.1-§15.5, §15.7), composed from the selectors the admin screens
use: the attention rule of ``projects.selectors``, the customers and search of ``projects.admin.selectors`` and the
audit reads of ``vejapro.core.audit.selectors``. Reads only."""

from datetime import UTC, datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from messaging.selectors import call_request_new_count
from projects.admin.display import project_hit_label
from projects.admin.selectors import (
    CustomerRow,
    customer_count_created_between,
    customer_list,
    customer_profile,
    project_actions_available,
    project_flag_counts,
    project_search,
    work_queue,
)
from projects.selectors import (
    FAILED_OUTBOX,
    MISSING_DEPOSIT,
    PENDING_CONFIRMATION,
    URGENCY_HIGH,
    project_ids_assigned_to,
    project_next_best_action,
    project_stuck_reason,
)
from vejapro.core.actors import Actor
from vejapro.core.audit.selectors import (
    AuditExport,
    audit_csv_export,
    audit_log_filter,
    audit_log_page,
    parse_uuid,
)
from vejapro.core.http.errors import ACCESS_DENIED_TEXT, BadRequest, Forbidden, NotFound
from vejapro.core.http.pagination import cursor_datetime, decode_cursor, encode_cursor
from vejapro.core.models import AuditLog, Role
from vejapro.core.settings_helpers import flag
from vejapro.core.timestamps import utc_iso

PROJECT_ENTITY = "project"


# --- audit log (api.md §15.7) ------------------------------------------------------------------------------------
def _audit_rows_for(*, viewer: Actor, filters: dict) -> QuerySet[AuditLog]:
    """The admin reads every row; an expert or a contractor only the rows of the projects assigned to them, and
    asking for anything else (another entity type, a project not theirs or none at all) is refused."""
    if viewer.role == Role.ADMIN:
        return audit_log_filter(**filters)
    assigned = project_ids_assigned_to(actor=viewer)
    if filters.get("entity_type") not in (None, "", PROJECT_ENTITY):
        raise Forbidden(ACCESS_DENIED_TEXT)
    entity_id = filters.get("entity_id")
    if entity_id:
        key = parse_uuid(entity_id)
        if key is not None and not assigned.filter(pk=key).exists():
            raise Forbidden(ACCESS_DENIED_TEXT)
    return audit_log_filter(**filters, entity_ids=assigned)


def audit_log_list(*, viewer: Actor, limit: int, **filters) -> dict:
    """A page of audit rows as ``viewer`` may read them; experts and contractors never see the caller's network
    address or browser (as in the project detail)."""
    result = audit_log_page(queryset=_audit_rows_for(viewer=viewer, filters=filters), limit=limit)
    if viewer.role != Role.ADMIN:
        # In-memory copies only: audit rows are never saved here.
        for row in result["items"]:
            row.ip_address = row.user_agent = None
    return result


def audit_log_export(*, limit: int, **filters) -> AuditExport:
    """The admin's CSV export of the same filters (api.md §15.7)."""
    return audit_csv_export(queryset=audit_log_filter(**filters), limit=limit)


# --- customers (api.md §15.2-§15.4) ------------------------------------------------------------------------------
INVALID_CURSOR_TEXT = "Neteisingas žymeklis"
CURSOR_AS_OF_MISMATCH_TEXT = "Cursor/as_of mismatch"
LIMIT_TOO_LARGE_TEXT = "Per didelis limit"
CUSTOMER_NOT_FOUND_TEXT = "Klientas nerastas"
# ``attention_only=false`` lists every customer: pages stay small and the period defaults to a year.
ALL_CUSTOMERS_MAX_LIMIT = 100
ACTIVITY_WINDOW = timedelta(days=365)
CUSTOMERS_PREVIEW = 10


def _customer_json(customer: CustomerRow) -> dict:
    latest = customer.latest
    return {
        "client_key": customer.client_key,
        "client_key_confidence": customer.confidence,
        "display_name": customer.display_name or None,
        "contact_masked": customer.contact_masked,
        "project_count": customer.project_count,
        "last_project": {"id": str(latest.project.pk), "status": latest.project.status},
        "deposit_state": latest.deposit_state,
        "final_state": latest.final_state,
        "attention_flags": customer.flags,
        "last_activity": utc_iso(customer.last_activity),
        "next_best_action": project_next_best_action(customer.action_row.project),
    }


def _decode_customer_cursor(cursor: str) -> tuple[datetime, datetime, str]:
    parts = decode_cursor(cursor)
    if len(parts) != 3 or not parts[2]:
        raise BadRequest(INVALID_CURSOR_TEXT)
    try:
        return cursor_datetime(parts[0]), cursor_datetime(parts[1]), parts[2]
    except ValueError:
        raise BadRequest(INVALID_CURSOR_TEXT) from None


def customer_page(
    *,
    attention_only: bool = True,
    limit: int = 50,
    cursor: str | None = None,
    as_of: datetime | None = None,
    attention: str | None = None,
    project_status: str | None = None,
    financial_state: str | None = None,
    q: str = "",
    last_activity_from: datetime | None = None,
    last_activity_to: datetime | None = None,
) -> dict:
    """GET /admin/customers: ``customer_list`` of the «Klientai» screen, a page at the snapshot ``as_of`` in
    ``last_activity DESC, client_key DESC`` order."""
    if not attention_only and limit > ALL_CUSTOMERS_MAX_LIMIT:
        raise BadRequest(LIMIT_TOO_LARGE_TEXT)
    after = None
    if cursor:
        cursor_as_of, last_activity, key = _decode_customer_cursor(cursor)
        if as_of is not None and as_of != cursor_as_of:
            raise BadRequest(CURSOR_AS_OF_MISMATCH_TEXT)
        as_of, after = cursor_as_of, (last_activity, key)
    snapshot = (as_of or timezone.now()).astimezone(UTC)
    if not attention_only and last_activity_from is None:
        last_activity_from = snapshot - ACTIVITY_WINDOW
    result = customer_list(
        attention_only=attention_only,
        attention=attention,
        query=q,
        limit=limit,
        count_total=False,
        as_of=snapshot,
        after=after,
        latest_status=project_status,
        latest_financial_state=financial_state,
        activity_from=last_activity_from,
        activity_to=last_activity_to,
    )
    last = result.items[-1] if result.items else None
    return {
        "items": [_customer_json(customer) for customer in result.items],
        "next_cursor": encode_cursor(snapshot, last.last_activity, last.client_key) if result.has_more else None,
        "has_more": result.has_more,
        "as_of": utc_iso(snapshot),
    }


def customer_stats(*, as_of: datetime | None = None) -> dict:
    """GET /admin/customers/stats: distinct customers of the projects created in the year before ``as_of``."""
    snapshot = (as_of or timezone.now()).astimezone(UTC)
    count = customer_count_created_between(start=snapshot - ACTIVITY_WINDOW, end=snapshot)
    return {"unique_clients_12m": count, "as_of": utc_iso(snapshot)}


def customer_profile_json(*, client_key: str) -> dict:
    """GET /admin/customers/{client_key}/profile: ``customer_profile`` of the «Klientai» screen."""
    profile = customer_profile(client_key=client_key)
    if profile is None:
        raise NotFound(CUSTOMER_NOT_FOUND_TEXT)
    customer = profile.customer
    return {
        "client_key": customer.client_key,
        "client_info": {"display_name": customer.display_name or None, "contact_masked": customer.contact_masked},
        "projects": [
            {
                "id": str(row.project.pk),
                "status": row.project.status,
                "created_at": utc_iso(row.project.created_at),
                "updated_at": utc_iso(row.project.updated_at),
                "deposit_state": row.deposit_state,
                "final_state": row.final_state,
                "actions_available": project_actions_available(row),
                "area_m2": float(row.project.area_m2) if row.project.area_m2 is not None else None,
            }
            for row in profile.rows
        ],
        "next_best_action": project_next_best_action(customer.action_row.project),
        "attention_flags": customer.flags,
        "summary": {"total_projects": len(profile.rows), "total_paid": float(profile.total_paid)},
        "feature_flags": {
            "finance_ledger": flag("ENABLE_FINANCE_LEDGER"),
            "finance_ai_ingest": flag("ENABLE_FINANCE_AI_INGEST"),
            "ai_pricing": flag("ENABLE_AI_PRICING"),
        },
    }


# --- dashboard (api.md §15.1) ------------------------------------------------------------------------------------
def dashboard_json(*, triage_limit: int) -> dict:
    """GET /admin/dashboard: the flag counts and the work queue of «Darbo eilė», newest activity first."""
    counts = project_flag_counts()
    triage = []
    for customer in work_queue(limit=triage_limit, newest_first=True):
        row = customer.action_row
        triage.append(
            {
                "client_key": customer.client_key,
                "contact_masked": customer.contact_masked,
                "project_id": str(row.project.pk),
                "urgency": customer.urgency,
                "stuck_reason": project_stuck_reason(row.flags or customer.flags),
                "next_best_action": project_next_best_action(row.project),
            }
        )
    return {
        "hero": {
            "urgent_count": sum(1 for item in triage if item["urgency"] == URGENCY_HIGH),
            "stats": {
                "pending_confirmation": counts[PENDING_CONFIRMATION],
                "failed_outbox": counts[FAILED_OUTBOX],
                "missing_deposit": counts[MISSING_DEPOSIT],
                "new_calls": call_request_new_count(),
            },
        },
        "triage": triage,
        "ai_summary": None,
        "customers_preview": customer_page(attention_only=True, limit=CUSTOMERS_PREVIEW)["items"],
    }


# --- search (api.md §15.5) ---------------------------------------------------------------------------------------
def search_json(*, q: str, limit: int) -> dict:
    """GET /admin/search: the hits of the back office's global search, with its labels."""
    return {
        "items": [
            {
                "type": "project",
                "id": str(project.pk),
                "label": project_hit_label(project),
                "href": reverse("admin:projects_project_change", args=[project.pk]),
            }
            for project in project_search(text=q, limit=limit)
        ]
    }
