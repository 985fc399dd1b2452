"""Payment input fields and output shapes (api.md §3.6, §3.7, §8.5)."""

from decimal import Decimal

from rest_framework import serializers

from payments.models import PaymentMethod, PaymentType
from projects.models import ProjectStatus
from projects.serializers import (
    AmountField,
    CurrencyField,
    OptionalTextField,
    ProofUrlField,
    UpperCharField,
    UpperChoiceField,
    UtcDateTimeField,
)

MAX_AMOUNT = Decimal("1000000")
RECORDABLE_METHODS = [PaymentMethod.CASH, PaymentMethod.BANK_TRANSFER, PaymentMethod.CARD, PaymentMethod.OTHER]


def provider_event_id_field() -> serializers.CharField:
    return serializers.CharField(min_length=1, max_length=128)


class ManualPaymentInputSerializer(serializers.Serializer):
    payment_type = serializers.ChoiceField(choices=[PaymentType.DEPOSIT, PaymentType.FINAL])
    amount = AmountField(gt=Decimal("0"), max_value=MAX_AMOUNT)
    currency = CurrencyField()
    payment_method = UpperChoiceField(choices=RECORDABLE_METHODS)
    provider_event_id = provider_event_id_field()
    receipt_no = OptionalTextField(max_length=64)
    received_at = UtcDateTimeField(required=False, allow_null=True)
    collection_context = UpperCharField(max_length=32)
    proof_url = ProofUrlField()
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=2000, default="")


class QuickPaymentInputSerializer(ManualPaymentInputSerializer):
    # The type is checked by the service (400, not 422: api.md §8.3).
    payment_type = serializers.CharField(max_length=32)
    payment_method = UpperChoiceField(choices=RECORDABLE_METHODS, required=False, default=PaymentMethod.CASH)
    transition_to = serializers.ChoiceField(choices=ProjectStatus.values, required=False, allow_null=True)


class DepositWaiveInputSerializer(serializers.Serializer):
    provider_event_id = provider_event_id_field()
    currency = CurrencyField()
    received_at = UtcDateTimeField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=2000, default="")


def manual_payment_response(payment, *, idempotent: bool) -> dict:
    """``ManualPaymentResponse``."""
    return {
        "success": True,
        "idempotent": idempotent,
        "payment_id": str(payment.pk),
        "provider": payment.provider,
        "status": payment.status,
        "payment_type": payment.payment_type,
        "amount": float(payment.amount),
        "currency": payment.currency,
    }


def quick_payment_response(result) -> dict:
    """``QuickPaymentResponse``."""
    return {
        "success": True,
        "payment_id": str(result.payment.pk),
        "payment_type": result.payment.payment_type,
        "amount": float(result.payment.amount),
        "status_changed": result.status_changed,
        "new_status": result.new_status,
        "email_queued": result.email_queued,
        "transition_error": result.transition_error,
    }


class PaymentListItemSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    payment_type = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    currency = serializers.CharField()
    status = serializers.CharField()
    payment_method = serializers.CharField()
    received_at = UtcDateTimeField()
    proof_url = serializers.CharField()
    provider_event_id = serializers.CharField()
    provider = serializers.CharField()
    receipt_no = serializers.CharField()
