"""Test data for payments: payment rows and Stripe events (payloads for signed deliveries, stored event rows).

Rows are written directly, as the services would leave them (setup, not behaviour).
"""

import time
import uuid
from decimal import Decimal

from django.utils import timezone

from payments.models import (
    Payment,
    PaymentMethod,
    PaymentProvider,
    PaymentStatus,
    PaymentType,
    StripeWebhookEvent,
)
from projects.models import Project


def add_payment(
    project: Project,
    payment_type: str = PaymentType.DEPOSIT,
    amount: str = "100.00",
    *,
    provider: str = PaymentProvider.MANUAL,
    method: str | None = PaymentMethod.CASH,
    status: str = PaymentStatus.SUCCEEDED,
    key: str | None = None,
    **fields,
) -> Payment:
    """A payment fact; ``key`` is the ``provider_event_id`` (idempotency key), unique when not given."""
    values = {
        "voided_at": timezone.now() if status == PaymentStatus.VOIDED else None,
        "is_manual_confirmed": provider == PaymentProvider.MANUAL,
    }
    values.update(fields)
    return Payment.objects.create(
        project=project,
        provider=provider,
        provider_event_id=key or f"test-{uuid.uuid4()}",
        amount=Decimal(amount),
        payment_type=payment_type,
        status=status,
        payment_method=method,
        **values,
    )


def add_waiver(project: Project, key: str | None = None) -> Payment:
    """The deposit waived: a 0.00 deposit with method WAIVED."""
    return add_payment(project, PaymentType.DEPOSIT, "0.00", method=PaymentMethod.WAIVED, key=key)


def intent_event(
    project_id,
    payment_type: str | None = "DEPOSIT",
    *,
    amount_received: int = 15000,
    event_id: str | None = None,
    event_type: str = "payment_intent.succeeded",
    currency: str = "eur",
) -> dict:
    """A Stripe ``payment_intent.*`` event as Stripe sends it, with our metadata (deliver it signed with
    ``payments.tests.stripe_helpers.deliver``)."""
    metadata = {}
    if project_id is not None:
        metadata["project_id"] = str(project_id)
    if payment_type is not None:
        metadata["payment_type"] = payment_type
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": event_type,
        "livemode": False,
        "created": int(time.time()),
        "data": {
            "object": {
                "id": f"pi_{uuid.uuid4().hex[:24]}",
                "object": "payment_intent",
                "amount": amount_received,
                "amount_received": amount_received,
                "currency": currency,
                "created": 1767225600,
                "metadata": metadata,
                "status": "succeeded",
            }
        },
    }


def add_stripe_event(
    event_id: str | None = None, *, event_type: str = "payment_intent.succeeded", **fields
) -> StripeWebhookEvent:
    """A stored webhook event row (the webhook's idempotency record)."""
    return StripeWebhookEvent.objects.create(
        event_id=event_id or f"evt_{uuid.uuid4().hex}", event_type=event_type, **fields
    )
