"""Shared input fields and the project output shapes of api.md §3 (no logic: shapes and validation only)."""

from datetime import UTC
from decimal import Decimal, InvalidOperation

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects.models import ProjectStatus
from vejapro.core.models import Role
from vejapro.core.money import round_cents
from vejapro.core.timestamps import utc_iso

# ---------------------------------------------------------------------------------------------------------------
# Input fields
# ---------------------------------------------------------------------------------------------------------------


class UtcDateTimeField(serializers.DateTimeField):
    """ISO-8601 in and out; input without an offset is UTC; output is UTC with ``+00:00`` (api.md §1.3)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("default_timezone", UTC)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return utc_iso(value)


@extend_schema_field({"type": "number"})
class AmountField(serializers.Field):
    """A JSON number (or numeric string) rounded half-up to cents, then range-checked (api.md §1.3)."""

    default_error_messages = {
        "invalid": "Turi būti skaičius",
        "min_value": "Turi būti ne mažiau nei {limit}",
        "greater_than": "Turi būti daugiau nei {limit}",
        "max_value": "Turi būti ne daugiau nei {limit}",
    }

    def __init__(self, *, gt: Decimal | None = None, min_value: Decimal | None = None, max_value: Decimal, **kwargs):
        self.gt = gt
        self.min_value = min_value
        self.max_value = max_value
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        try:
            value = Decimal(str(data).strip())
        except (InvalidOperation, ValueError):
            self.fail("invalid")
        if not value.is_finite() or value < Decimal("-1e15"):
            self.fail("invalid")
        if value > Decimal("1e15"):
            self.fail("max_value", limit=self.max_value)
        value = round_cents(value)
        if self.gt is not None and value <= self.gt:
            self.fail("greater_than", limit=self.gt)
        if self.min_value is not None and value < self.min_value:
            self.fail("min_value", limit=self.min_value)
        if value > self.max_value:
            self.fail("max_value", limit=self.max_value)
        return value

    def to_representation(self, value):
        return float(value) if value is not None else None


class UpperChoiceField(serializers.ChoiceField):
    """Trimmed and upper-cased before the choice check (payment methods, statuses sent in any case)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = data.strip().upper()
        return super().to_internal_value(data)


class UpperCharField(serializers.CharField):
    """Trimmed, upper-cased; blank becomes null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data).upper()

    def run_validation(self, data=serializers.empty):
        # DRF answers "" for blank input without calling to_internal_value.
        return super().run_validation(data) or None


class OptionalTextField(serializers.CharField):
    """Trimmed; blank becomes null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        return super().run_validation(data) or None


class CurrencyField(serializers.RegexField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", "EUR")
        super().__init__(r"^\s*[A-Za-z]{3}\s*$", **kwargs)

    def to_internal_value(self, data):
        return super().to_internal_value(data).strip().upper()


class ProofUrlField(OptionalTextField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2000)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value is not None:
            serializers.URLField(max_length=2000).run_validators(value)
            if not value.lower().startswith(("http://", "https://")):
                raise serializers.ValidationError("Turi būti http(s) adresas")
        return value


def status_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=ProjectStatus.values, **kwargs)


class LimitQuerySerializer(serializers.Serializer):
    """``limit`` and ``cursor`` of the project lists; subclasses set the bounds."""

    max_limit = 200
    default_limit = 50

    cursor = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["limit"] = serializers.IntegerField(
            required=False, min_value=1, max_value=self.max_limit, default=self.default_limit
        )


# ---------------------------------------------------------------------------------------------------------------
# Output shapes (api.md §3)
# ---------------------------------------------------------------------------------------------------------------


class ProjectOutSerializer(serializers.Serializer):
    """``ProjectOut``; ``internal_cost`` is shown to ADMIN and the assigned SUBCONTRACTOR only (context ``viewer``)."""

    id = serializers.UUIDField()
    client_info = serializers.SerializerMethodField()
    status = serializers.CharField()
    area_m2 = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    total_price_client = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    internal_cost = serializers.SerializerMethodField()
    vision_analysis = serializers.JSONField()
    has_robot = serializers.BooleanField()
    is_certified = serializers.BooleanField()
    certified_at = UtcDateTimeField()
    marketing_consent = serializers.BooleanField()
    marketing_consent_at = UtcDateTimeField()
    status_changed_at = UtcDateTimeField()
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()
    assigned_contractor_id = serializers.UUIDField()
    assigned_expert_id = serializers.UUIDField()
    scheduled_for = UtcDateTimeField()

    def get_client_info(self, project) -> dict:
        return project.client_info if isinstance(project.client_info, dict) else {}

    def get_internal_cost(self, project) -> float | None:
        viewer = self.context.get("viewer")
        if project.internal_cost is None or viewer is None:
            return None
        if viewer.role == Role.ADMIN or (
            viewer.role == Role.SUBCONTRACTOR and str(project.assigned_contractor_id) == viewer.actor_id
        ):
            return float(project.internal_cost)
        return None


class AdminProjectOutSerializer(serializers.Serializer):
    """``AdminProjectOut``: exactly these seven fields."""

    id = serializers.UUIDField()
    status = serializers.CharField()
    scheduled_for = UtcDateTimeField()
    assigned_contractor_id = serializers.UUIDField()
    assigned_expert_id = serializers.UUIDField()
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()


class AuditLogOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    entity_type = serializers.CharField()
    entity_id = serializers.UUIDField()
    action = serializers.CharField()
    old_value = serializers.JSONField()
    new_value = serializers.JSONField()
    actor_type = serializers.CharField()
    actor_id = serializers.CharField()
    ip_address = serializers.CharField()
    user_agent = serializers.CharField()
    metadata = serializers.JSONField()
    timestamp = UtcDateTimeField()


class EvidenceOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    project_id = serializers.UUIDField()
    file_url = serializers.CharField()
    thumbnail_url = serializers.CharField()
    medium_url = serializers.CharField()
    category = serializers.CharField()
    uploaded_by = serializers.UUIDField(source="uploaded_by_id")
    uploaded_at = UtcDateTimeField()
    created_at = UtcDateTimeField()
    show_on_web = serializers.BooleanField()
    is_featured = serializers.BooleanField()
    location_tag = serializers.CharField()


def page_response(page: dict, serializer_class: type[serializers.Serializer], **context) -> dict:
    """``{"items", "next_cursor", "has_more"}`` with the items rendered by ``serializer_class``."""
    return {**page, "items": serializer_class(page["items"], many=True, context=context).data}
