"""Signed Stripe webhook deliveries for tests (real signatures, no network); the event payloads come from
``payments.tests.factories.intent_event``."""

import json

import stripe
from django.test import Client

WEBHOOK_SECRET = "whsec_test_secret_0123456789"
PATH = "/api/v1/webhook/stripe"


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
