"""Stripe endpoints: the webhook and the admin Checkout link (api.md §8.4, §13.1)."""

from decimal import Decimal

from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from payments.models import PaymentType
from payments.stripe.services import (
    payment_link_create,
    stripe_webhook_receive,
)
from projects.serializers import AmountField, CurrencyField
from vejapro.core.http.api import ApiView
from vejapro.core.models import Role

RECEIVED = {"received": True}


class JsonOnlyNegotiation(DefaultContentNegotiation):
    """A webhook answers JSON whatever the caller's ``Accept`` says (never a 406)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class StripeWebhookView(ApiView):
    """POST /webhook/stripe: signature first, every verified event stored once, processed once."""

    feature_flag = "ENABLE_STRIPE"
    authentication_classes: list = []
    content_negotiation_class = JsonOnlyNegotiation

    def post(self, request):
        stripe_webhook_receive(
            payload=request._request.body,
            signature_header=request.headers.get("Stripe-Signature"),
            request=request._request,
        )
        return Response(RECEIVED)


def _https_url(value: str) -> str:
    if not value.lower().startswith("https://"):
        raise serializers.ValidationError("Turi būti https:// adresas")
    return value


class PaymentLinkView(ApiView):
    """POST /admin/projects/{id}/payment-link (api.md §8.4)."""

    feature_flag = "ENABLE_STRIPE"
    allowed_roles = {Role.ADMIN}

    class InputSerializer(serializers.Serializer):
        payment_type = serializers.ChoiceField(choices=[PaymentType.DEPOSIT, PaymentType.FINAL])
        amount = AmountField(gt=Decimal(0), max_value=Decimal(1_000_000))
        currency = CurrencyField()
        success_url = serializers.URLField(required=False, max_length=2000, validators=[_https_url])
        cancel_url = serializers.URLField(required=False, max_length=2000, validators=[_https_url])
        description = serializers.CharField(required=False, max_length=200, allow_blank=True)

    def post(self, request, project_id: str):
        data = self.parse_body(self.InputSerializer)
        link = payment_link_create(
            project_id=project_id,
            payment_type=data["payment_type"],
            amount=data["amount"],
            currency=data["currency"],
            success_url=data.get("success_url"),
            cancel_url=data.get("cancel_url"),
            description=data.get("description"),
            actor=self.actor(),
        )
        return Response(
            {
                "url": link.url,
                "session_id": link.session_id,
                "amount": float(link.amount),
                "currency": link.currency,
                "payment_type": link.payment_type,
                "expires_at": link.expires_at,
            }
        )
