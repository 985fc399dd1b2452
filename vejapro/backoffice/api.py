"""The back office's read models and the audit log as /api/v1 JSON (api.md §15.1-§15.5, §15.7): parse the query,
call one selector, render."""

from django.http import StreamingHttpResponse
from rest_framework import serializers
from rest_framework.response import Response

from projects.selectors import ATTENTION_FLAGS, FINANCIAL_STATES
from projects.serializers import (
    AuditLogOutSerializer,
    LimitQuerySerializer,
    UtcDateTimeField,
    page_response,
    status_field,
)
from vejapro.backoffice.selectors import (
    audit_log_export,
    audit_log_list,
    customer_page,
    customer_profile_json,
    customer_stats,
    dashboard_json,
    search_json,
)
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


class DashboardView(ApiView):
    """GET /admin/dashboard (api.md §15.1)."""

    allowed_roles = {Role.ADMIN}

    class QuerySerializer(serializers.Serializer):
        triage_limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        return Response(dashboard_json(triage_limit=query["triage_limit"]))


class CustomerListView(ApiView):
    """GET /admin/customers (api.md §15.2)."""

    allowed_roles = {Role.ADMIN}

    class QuerySerializer(LimitQuerySerializer):
        attention_only = serializers.BooleanField(required=False, default=True)
        as_of = UtcDateTimeField(required=False)
        attention = serializers.ChoiceField(choices=ATTENTION_FLAGS, required=False)
        project_status = status_field(required=False)
        financial_state = serializers.ChoiceField(choices=FINANCIAL_STATES, required=False)
        q = serializers.CharField(required=False, allow_blank=True, max_length=128)
        last_activity_from = UtcDateTimeField(required=False)
        last_activity_to = UtcDateTimeField(required=False)

    def get(self, request):
        query = dict(self.parse_query(self.QuerySerializer))
        query["q"] = query.get("q", "").strip()
        return Response(customer_page(**query))


class CustomerStatsView(ApiView):
    """GET /admin/customers/stats (api.md §15.3)."""

    allowed_roles = {Role.ADMIN}

    class QuerySerializer(serializers.Serializer):
        as_of = UtcDateTimeField(required=False)

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        return Response(customer_stats(as_of=query.get("as_of")))


class CustomerProfileView(ApiView):
    """GET /admin/customers/{client_key}/profile (api.md §15.4)."""

    allowed_roles = {Role.ADMIN}

    def get(self, request, client_key: str):
        return Response(customer_profile_json(client_key=client_key))


class SearchView(ApiView):
    """GET /admin/search (api.md §15.5). The query is never logged: it can be a name, an e-mail or a phone."""

    allowed_roles = {Role.ADMIN}

    class QuerySerializer(serializers.Serializer):
        q = serializers.CharField(min_length=1, max_length=128, trim_whitespace=False)
        limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=50)

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        return Response(search_json(q=query["q"], limit=query["limit"]))
