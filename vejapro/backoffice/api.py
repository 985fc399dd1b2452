"""The back office's read models and the audit log as /api/v1 JSON (api.md §15.1-§15.5, §15.7): parse the query,
call one selector, render."""

from django.http import StreamingHttpResponse
from rest_framework import serializers
from rest_framework.response import Response

from projects.serializers import AuditLogOutSerializer, LimitQuerySerializer, UtcDateTimeField, page_response
from vejapro.backoffice.selectors import audit_log_export, audit_log_list
from vejapro.core.http.api import ApiView
from vejapro.core.models import Role


class AuditQuerySerializer(LimitQuerySerializer):
    entity_type = serializers.CharField(required=False, allow_blank=True, max_length=64)
    entity_id = serializers.CharField(required=False, allow_blank=True, max_length=64)
    action = serializers.CharField(required=False, allow_blank=True, max_length=64)
    actor_type = serializers.CharField(required=False, allow_blank=True, max_length=64)
    actor_id = serializers.CharField(required=False, allow_blank=True, max_length=128)
    from_ts = UtcDateTimeField(required=False)
    to_ts = UtcDateTimeField(required=False)


def _filters(query: dict) -> dict:
    names = ("entity_type", "entity_id", "action", "actor_type", "actor_id", "from_ts", "to_ts", "cursor")
    return {name: query.get(name) for name in names}


class AuditLogListView(ApiView):
    """GET /audit-logs (api.md §15.7)."""

    allowed_roles = {Role.ADMIN, Role.EXPERT, Role.SUBCONTRACTOR}

    def get(self, request):
        query = self.parse_query(AuditQuerySerializer)
        result = audit_log_list(viewer=self.actor(), limit=query["limit"], **_filters(query))
        return Response(page_response(result, AuditLogOutSerializer))


class AuditLogExportView(ApiView):
    """GET /audit-logs/export (api.md §15.7): streamed CSV, read in chunks."""

    allowed_roles = {Role.ADMIN}

    class QuerySerializer(AuditQuerySerializer):
        max_limit = 100_000
        default_limit = 10_000

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        export = audit_log_export(limit=query["limit"], **_filters(query))
        response = StreamingHttpResponse(export.lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f"attachment; filename={export.filename}"
        response["X-Has-More"] = "true" if export.has_more else "false"
        if export.next_cursor:
            response["X-Next-Cursor"] = export.next_cursor
        return response
