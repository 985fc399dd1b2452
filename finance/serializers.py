"""Finance input fields and query shapes (api.md §14, §15.6): shapes and validation only."""

import datetime as dt
from decimal import Decimal

from rest_framework import serializers

from finance.models import LedgerCategory, LedgerPaymentMethod
from finance.selectors import vilnius_midnight
from finance.services import LEDGER_AMOUNT_MAX, LEDGER_DESCRIPTION_MAX, REVERSAL_REASON_MAX
from projects.serializers import (
    AmountField,
    CurrencyField,
    LimitQuerySerializer,
    UpperChoiceField,
    UtcDateTimeField,
)


class LedgerEntryInputSerializer(serializers.Serializer):
    project_id = serializers.UUIDField(required=False, allow_null=True)
    # ADJUSTMENT is refused by the service with its own 400 text (api.md §14.3), so the type is free text here.
    entry_type = serializers.CharField(max_length=32)
    category = UpperChoiceField(choices=LedgerCategory.values)
    description = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=LEDGER_DESCRIPTION_MAX, default=""
    )
    amount = AmountField(gt=Decimal("0"), max_value=LEDGER_AMOUNT_MAX)
    currency = CurrencyField()
    payment_method = UpperChoiceField(choices=LedgerPaymentMethod.values, required=False, allow_null=True)
    document_id = serializers.UUIDField(required=False, allow_null=True)
    occurred_at = UtcDateTimeField(required=False, allow_null=True)


class LedgerListQuerySerializer(LimitQuerySerializer):
    project_id = serializers.UUIDField(required=False)
    entry_type = serializers.CharField(required=False, allow_blank=True, max_length=32)
    category = serializers.CharField(required=False, allow_blank=True, max_length=64)


class ReverseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(min_length=1, max_length=REVERSAL_REASON_MAX)


class PeriodBoundField(serializers.Field):
    """An ISO datetime (no offset = UTC) or a date, which means Europe/Vilnius midnight (finance.md §5.1)."""

    default_error_messages = {"invalid": "Neteisinga data ar laikas"}

    def to_internal_value(self, data) -> dt.datetime:
        text = str(data).strip()
        try:
            if len(text) == len("2026-01-31"):
                return vilnius_midnight(dt.date.fromisoformat(text))
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            self.fail("invalid")
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


class PeriodQuerySerializer(serializers.Serializer):
    start = PeriodBoundField(required=False)
    end = PeriodBoundField(required=False)

    def validate(self, attrs):
        if attrs.get("start") and attrs.get("end") and attrs["start"] > attrs["end"]:
            raise serializers.ValidationError({"start": "start turi būti ne vėlesnis nei end"})
        return attrs


class TriageQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)


class MarginInputSerializer(serializers.Serializer):
    service_type = serializers.CharField(min_length=1, max_length=64)
    margin_percent = AmountField(min_value=Decimal("0"), max_value=Decimal("999.99"))


class MarginOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    service_type = serializers.CharField()
    margin_percent = AmountField(max_value=Decimal("999.99"))
    valid_from = UtcDateTimeField()
    valid_until = UtcDateTimeField()
    created_by = serializers.UUIDField(source="created_by_id")
    created_at = UtcDateTimeField()
    is_active = serializers.BooleanField()
