"""payments/stripe_client.py with the SDK client replaced: the Checkout Session Stripe is asked for (api.md §8.4)."""

from types import SimpleNamespace

import pytest
import stripe

from payments.stripe import client as stripe_client


class Sessions:
    def __init__(self, error: Exception | None = None):
        self.params: list[dict] = []
        self.error = error

    def create(self, *, params):
        self.params.append(params)
        if self.error:
            raise self.error
        return SimpleNamespace(id="cs_test_1", url="https://checkout.stripe.com/c/pay/cs_test_1", expires_at=1767312000)


@pytest.fixture
def sessions(monkeypatch, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    fake = Sessions()
    client = SimpleNamespace(v1=SimpleNamespace(checkout=SimpleNamespace(sessions=fake)))
    monkeypatch.setattr(stripe_client, "_client", lambda: client)
    return fake


def create(**overrides) -> stripe_client.CheckoutSession:
    arguments = {
        "amount_cents": 30050,
        "currency": "EUR",
        "description": "VejaPRO DEPOSIT payment - Jonas",
        "customer_email": "jonas@gmail.com",
        "project_id": "6b1f0c1e-3c8e-4c0f-9a53-8d4c2a0f1e11",
        "payment_type": "DEPOSIT",
        "success_url": "https://vejapro.lt/ok",
        "cancel_url": "https://vejapro.lt/cancel",
        **overrides,
    }
    return stripe_client.checkout_session_create(**arguments)


def test_the_session_carries_the_metadata_on_the_session_and_on_the_payment_intent(sessions):
    session = create()

    assert session == stripe_client.CheckoutSession(
        id="cs_test_1", url="https://checkout.stripe.com/c/pay/cs_test_1", expires_at=1767312000
    )
    [params] = sessions.params
    metadata = {"project_id": "6b1f0c1e-3c8e-4c0f-9a53-8d4c2a0f1e11", "payment_type": "DEPOSIT"}
    assert params == {
        "mode": "payment",
        "payment_method_types": ["card"],
        "locale": "lt",
        "client_reference_id": "6b1f0c1e-3c8e-4c0f-9a53-8d4c2a0f1e11",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "eur",
                    "unit_amount": 30050,
                    "product_data": {"name": "VejaPRO DEPOSIT payment - Jonas"},
                },
            }
        ],
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "success_url": "https://vejapro.lt/ok",
        "cancel_url": "https://vejapro.lt/cancel",
        "customer_email": "jonas@gmail.com",
    }


def test_without_an_email_no_customer_email_is_sent(sessions):
    create(customer_email=None)

    assert "customer_email" not in sessions.params[0]


def test_a_stripe_error_becomes_the_adapter_error(sessions):
    sessions.error = stripe.APIConnectionError("network down")

    with pytest.raises(stripe_client.StripeApiError, match="network down"):
        create()
