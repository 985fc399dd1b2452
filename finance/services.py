"""What can happen to money records in the finance app. Margins are versioned (finance.md §7)."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from finance.models import Margin
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import BadRequest
from vejapro.core.money import round_cents

MARGIN_PERCENT_MAX = Decimal("999.99")
SERVICE_TYPE_MAX = 64


def _margin_out(margin: Margin) -> dict:
    return {
        "id": margin.pk,
        "service_type": margin.service_type,
        "margin_percent": margin.margin_percent,
        "valid_from": margin.valid_from,
        "valid_until": margin.valid_until,
        "created_by": margin.created_by_id,
        "created_at": margin.created_at,
        "is_active": margin.is_active,
    }


def margin_create(*, service_type: str, margin_percent: Decimal, actor: Actor) -> Margin:
    """Close the active margin of the service type and insert the new active version; audit ADMIN_MARGIN_CREATED."""
    service_type = (service_type or "").strip()
    if not service_type or len(service_type) > SERVICE_TYPE_MAX:
        raise BadRequest("service_type turi būti 1..64 simbolių")
    percent = round_cents(margin_percent)
    if percent < 0 or percent > MARGIN_PERCENT_MAX:
        raise BadRequest("margin_percent turi būti 0..999.99")

    with transaction.atomic():
        now = timezone.now()
        previous = (
            Margin.objects.select_for_update().filter(service_type=service_type, valid_until__isnull=True).first()
        )
        if previous is not None:
            Margin.objects.filter(pk=previous.pk, valid_until__isnull=True).update(
                valid_until=max(now, previous.valid_from)
            )
        margin = Margin.objects.create(
            service_type=service_type,
            margin_percent=percent,
            valid_from=now,
            valid_until=None,
            created_by=actor.user,
        )
        audit_record(
            entity_type="margin",
            entity_id=margin.pk,
            action=AuditAction.ADMIN_MARGIN_CREATED,
            actor=actor,
            old_value=None if previous is None else {"id": previous.pk, "margin_percent": previous.margin_percent},
            new_value=_margin_out(margin),
        )
    return margin
