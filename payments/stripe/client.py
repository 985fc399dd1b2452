"""Stripe transport: webhook signature verification, Checkout Sessions, event listing (api.md §8.4, §13.1).

The only module that imports the Stripe SDK. Tests sign payloads with ``stripe.WebhookSignature`` and replace
the two network functions; nothing here is called with ``ENABLE_STRIPE`` off.
"""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import stripe
from django.conf import settings

from vejapro.core.http.parsers import json_problem

WEBHOOK_TOLERANCE_SECONDS = 300


class StripeSignatureError(Exception):
    """``reason`` is ``missing_header`` or ``invalid_signature``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StripePayloadError(Exception):
    pass


class StripeApiError(Exception):
    pass


def _signature_timestamp(header: str) -> int | None:
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def webhook_event_verify(*, payload: bytes, signature_header: str | None, secret: str) -> dict:
    """The verified event as a dict. Timestamps older or newer than 300 s are refused too."""
    if not signature_header:
        raise StripeSignatureError("missing_header")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise StripePayloadError("payload is not UTF-8") from None
    try:
        stripe.WebhookSignature.verify_header(text, signature_header, secret, tolerance=WEBHOOK_TOLERANCE_SECONDS)
    except stripe.SignatureVerificationError:
        raise StripeSignatureError("invalid_signature") from None
    timestamp = _signature_timestamp(signature_header)
    if timestamp is None or timestamp > time.time() + WEBHOOK_TOLERANCE_SECONDS:
        raise StripeSignatureError("invalid_signature")
    # The API parser's limits: a body nested too deeply, a number out of range or a lone surrogate would fail
    # later (recursion, the JSON column) with a 500.
    try:
        event = json.loads(text)
    except (ValueError, RecursionError):
        raise StripePayloadError("payload is not JSON") from None
    problem = json_problem(event)
    if problem:
        raise StripePayloadError(f"payload: {problem}")
    if not event_shape_valid(event):
        raise StripePayloadError("not a Stripe event")
    return event


EVENT_ID_MAX = 255


def event_shape_valid(event: object) -> bool:
    """The shape every Stripe event has: a text ``id`` that fits ``stripe_webhook_events``, a ``type`` and a
    ``data.object`` dict."""
    if not isinstance(event, dict):
        return False
    event_id, event_type, data = event.get("id"), event.get("type"), event.get("data")
    return (
        isinstance(event_id, str)
        and 0 < len(event_id) <= EVENT_ID_MAX
        and isinstance(event_type, str)
        and bool(event_type)
        and isinstance(data, dict)
        and isinstance(data.get("object"), dict)
    )


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    expires_at: int | None


def _client() -> stripe.StripeClient:
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY)


def checkout_session_create(
    *,
    amount_cents: int,
    currency: str,
    description: str,
    customer_email: str | None,
    project_id: str,
    payment_type: str,
    success_url: str,
    cancel_url: str,
) -> CheckoutSession:
    metadata = {"project_id": project_id, "payment_type": payment_type}
    params: dict = {
        "mode": "payment",
        "payment_method_types": ["card"],
        "locale": "lt",
        "client_reference_id": project_id,
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": amount_cents,
                    "product_data": {"name": description},
                },
            }
        ],
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if customer_email:
        params["customer_email"] = customer_email
    try:
        session = _client().v1.checkout.sessions.create(params=params)
    except stripe.StripeError as exc:
        raise StripeApiError(str(exc)) from exc
    return CheckoutSession(id=session.id, url=session.url, expires_at=getattr(session, "expires_at", None))


def payment_intent_succeeded_events(*, since: datetime) -> Iterator[dict]:
    """Every ``payment_intent.succeeded`` event created since ``since``, oldest pages first as Stripe returns them."""
    try:
        events = _client().v1.events.list(
            params={"type": "payment_intent.succeeded", "created": {"gte": int(since.timestamp())}, "limit": 100}
        )
        for event in events.auto_paging_iter():
            yield event.to_dict(for_json=True)
    except stripe.StripeError as exc:
        raise StripeApiError(str(exc)) from exc
