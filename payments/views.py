"""Payment endpoints (api.md §8.1-§8.3, §8.5): parse input, call one service or selector, render."""

from rest_framework import status
from rest_framework.response import Response

from payments.selectors import payment_list_for_project
from payments.serializers import (
    DepositWaiveInputSerializer,
    ManualPaymentInputSerializer,
    PaymentListItemSerializer,
    QuickPaymentInputSerializer,
    manual_payment_response,
    quick_payment_response,
)
from payments.services import payment_record_manual, payment_record_quick, payment_waive_deposit
from vejapro.core.http.api import ApiView
from vejapro.core.models import Role


def _created_or_replayed(result) -> Response:
    code = status.HTTP_200_OK if result.idempotent else status.HTTP_201_CREATED
    return Response(manual_payment_response(result.payment, idempotent=result.idempotent), status=code)


class ManualPaymentView(ApiView):
    """POST /projects/{id}/payments/manual: 201, or 200 ``idempotent: true`` for a replay."""

    feature_flag = "ENABLE_MANUAL_PAYMENTS"
    allowed_roles = {Role.ADMIN}

    def post(self, request, project_id: str):
        data = self.parse_body(ManualPaymentInputSerializer)
        result = payment_record_manual(
            project_id=project_id,
            payment_type=data["payment_type"],
            amount=data["amount"],
            currency=data["currency"],
            payment_method=data["payment_method"],
            provider_event_id=data["provider_event_id"],
            receipt_no=data.get("receipt_no"),
            received_at=data.get("received_at"),
            collection_context=data.get("collection_context"),
            proof_url=data.get("proof_url"),
            notes=data.get("notes") or "",
            actor=self.actor(),
            source="manual_endpoint",
        )
        return _created_or_replayed(result)


class DepositWaiveView(ApiView):
    """POST /admin/projects/{id}/payments/deposit-waive: 201, or 200 ``idempotent: true`` for a replay."""

    feature_flag = "ENABLE_MANUAL_PAYMENTS"
    allowed_roles = {Role.ADMIN}

    def post(self, request, project_id: str):
        data = self.parse_body(DepositWaiveInputSerializer)
        result = payment_waive_deposit(
            project_id=project_id,
            provider_event_id=data["provider_event_id"],
            currency=data["currency"],
            received_at=data.get("received_at"),
            notes=(data.get("notes") or "").strip(),
            actor=self.actor(),
            source="deposit_waive",
        )
        return _created_or_replayed(result)


class QuickPaymentView(ApiView):
    """POST /projects/{id}/quick-payment-and-transition: 200 ``QuickPaymentResponse``."""

    feature_flag = ("ENABLE_FINANCE_LEDGER", "ENABLE_MANUAL_PAYMENTS")
    allowed_roles = {Role.ADMIN, Role.SUBCONTRACTOR, Role.EXPERT}

    def post(self, request, project_id: str):
        data = self.parse_body(QuickPaymentInputSerializer)
        result = payment_record_quick(
            project_id=project_id,
            payment_type=data["payment_type"],
            amount=data["amount"],
            currency=data["currency"],
            payment_method=data["payment_method"],
            provider_event_id=data["provider_event_id"],
            receipt_no=data.get("receipt_no"),
            received_at=data.get("received_at"),
            collection_context=data.get("collection_context"),
            proof_url=data.get("proof_url"),
            notes=data.get("notes") or "",
            transition_to=data.get("transition_to"),
            actor=self.actor(),
            source="quick_payment",
        )
        return Response(quick_payment_response(result))


class ProjectPaymentListView(ApiView):
    """GET /admin/projects/{id}/payments: every payment of the project, newest first."""

    allowed_roles = {Role.ADMIN}

    def get(self, request, project_id: str):
        payments = payment_list_for_project(project_id=project_id)
        return Response({"items": PaymentListItemSerializer(payments, many=True).data})
