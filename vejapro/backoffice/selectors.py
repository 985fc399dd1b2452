"""The back office's read models as JSON (api.md §15.1-§15.5, §15.7), composed from the selectors the admin screens
use: the attention rule of ``projects.selectors``, the customers and search of ``projects.admin.selectors`` and the
audit reads of ``vejapro.core.audit.selectors``. Reads only."""

from django.db.models import QuerySet

from projects.selectors import project_ids_assigned_to
from vejapro.core.actors import Actor
from vejapro.core.audit.selectors import AuditExport, audit_csv_export, audit_log_filter, audit_log_page, parse_uuid
from vejapro.core.http.errors import ACCESS_DENIED_TEXT, Forbidden
from vejapro.core.models import AuditLog, Role

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
