"""Signed Stripe webhook deliveries for tests (real signatures, no network)."""

import json
import time
import uuid

import stripe
from django.test import Client

WEBHOOK_SECRET = "whsec_test_secret_0123456789"
PATH = "/api/v1/webhook/stripe"


def intent_event(
    project_id,
    payment_type: str | None = "DEPOSIT",
    *,
    amount_received: int = 15000,
    event_id: str | None = None,
    event_type: str = "payment_intent.succeeded",
    currency: str = "eur",
) -> dict:
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


def deliver(
    event: dict | str,
    *,
    secret: str = WEBHOOK_SECRET,
    timestamp: int | None = None,
    signature: str | None = None,
    signed_body: str | None = None,
    client: Client | None = None,
):
    body = event if isinstance(event, str) else json.dumps(event)
    headers = {}
    if signature is None:
        signature = stripe.WebhookSignature.generate_signature_header(signed_body or body, secret, timestamp=timestamp)
    if signature:
        headers["HTTP_STRIPE_SIGNATURE"] = signature
    client = client or Client(enforce_csrf_checks=True)
    return client.post(PATH, data=body, content_type="application/json", **headers)
