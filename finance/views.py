"""Finance endpoints (api.md §14, §15.6): parse input, call one service or selector, render."""

from rest_framework.response import Response

from finance.selectors import (
    finance_mini_triage,
    finance_period_summary,
    finance_project_summary,
    finance_view,
    ledger_entry_list,
    ledger_entry_out,
    margin_list,
    margin_recent_changes_count,
)
from finance.serializers import (
    LedgerEntryInputSerializer,
    LedgerListQuerySerializer,
    MarginInputSerializer,
    MarginOutSerializer,
    PeriodQuerySerializer,
    ReverseInputSerializer,
    TriageQuerySerializer,
)
from finance.services import ledger_entry_create, ledger_entry_reverse, margin_create
from finance.sse import metrics_stream_response
from vejapro.core.accounts.authentication import QueryTokenJWTAuthentication
from vejapro.core.http.api import ApiView
from vejapro.core.models import Role

LEDGER_FLAG = "ENABLE_FINANCE_LEDGER"


class FinanceViewView(ApiView):
    """GET /admin/finance/view (§14.1)."""

    feature_flag = LEDGER_FLAG
    allowed_roles = {Role.ADMIN}

    def get(self, request):
        return Response(finance_view())


class MiniTriageView(ApiView):
    """GET /admin/finance/mini-triage (§14.2)."""

    feature_flag = LEDGER_FLAG
    allowed_roles = {Role.ADMIN}

    def get(self, request):
        query = self.parse_query(TriageQuerySerializer)
        return Response(finance_mini_triage(limit=query["limit"]))


class LedgerView(ApiView):
    """POST /admin/finance/ledger adds a cost (§14.3); GET lists entries (§14.4)."""

    feature_flag = LEDGER_FLAG
    allowed_roles = {Role.ADMIN, Role.SUBCONTRACTOR}

    def post(self, request):
        data = self.parse_body(LedgerEntryInputSerializer)
        result = ledger_entry_create(
            actor=self.actor(),
            project_id=data.get("project_id"),
            entry_type=data["entry_type"],
            category=data["category"],
            amount=data["amount"],
            currency=data["currency"],
            payment_method=data.get("payment_method"),
            description=data.get("description"),
            document_id=data.get("document_id"),
            occurred_at=data.get("occurred_at"),
        )
        return Response(ledger_entry_out(result.entry))

    def get(self, request):
        query = self.parse_query(LedgerListQuerySerializer)
        return Response(
            ledger_entry_list(
                actor=self.actor(),
                limit=query["limit"],
                cursor=query.get("cursor") or None,
                project_id=query.get("project_id"),
                entry_type=query.get("entry_type") or None,
                category=query.get("category") or None,
            )
        )


class LedgerReverseView(ApiView):
    """POST /admin/finance/ledger/{entry_id}/reverse (§14.5)."""

    feature_flag = LEDGER_FLAG
    allowed_roles = {Role.ADMIN}

    def post(self, request, entry_id: str):
        data = self.parse_body(ReverseInputSerializer)
        reversal = ledger_entry_reverse(actor=self.actor(), entry_id=entry_id, reason=data["reason"])
        return Response(ledger_entry_out(reversal))


class SummaryView(ApiView):
    """GET /admin/finance/summary (§14.6): ADMIN only."""

    feature_flag = LEDGER_FLAG
    allowed_roles = {Role.ADMIN}

    def get(self, request):
        query = self.parse_query(PeriodQuerySerializer)
        return Response(finance_period_summary(start=query.get("start"), end=query.get("end")).as_json())


class ProjectSummaryView(ApiView):
    """GET /admin/finance/projects/{project_id} (§14.7): ADMIN or the assigned SUBCONTRACTOR."""

    feature_flag = LEDGER_FLAG
    allowed_roles = {Role.ADMIN, Role.SUBCONTRACTOR}

    def get(self, request, project_id: str):
        return Response(finance_project_summary(project_id=project_id, actor=self.actor()))


class MetricsStreamView(ApiView):
    """GET /admin/finance/metrics (§14.8): the SSE stream; the token may come as ``?token=``."""

    feature_flag = "ENABLE_FINANCE_METRICS"
    allowed_roles = {Role.ADMIN}
    authentication_classes = [QueryTokenJWTAuthentication]

    def perform_content_negotiation(self, request, force=False):
        # EventSource asks for text/event-stream; errors still leave as the JSON envelope.
        return super().perform_content_negotiation(request, force=True)

    def get(self, request):
        return metrics_stream_response()


class MarginsView(ApiView):
    """GET and POST /admin/margins (§15.6)."""

    allowed_roles = {Role.ADMIN}

    def get(self, request):
        margins = margin_list()
        return Response(
            {
                "items": MarginOutSerializer(margins, many=True).data,
                "rules_version": margins.count(),
                "recent_changes_count": margin_recent_changes_count(),
            }
        )

    def post(self, request):
        data = self.parse_body(MarginInputSerializer)
        margin = margin_create(
            service_type=data["service_type"], margin_percent=data["margin_percent"], actor=self.actor()
        )
        return Response(MarginOutSerializer(margin).data)
