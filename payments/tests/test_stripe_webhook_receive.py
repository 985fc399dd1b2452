"""stripe_webhook_receive: one delivery to the Stripe webhook, called directly (api.md §13.1)."""

import json

import pytest
import stripe

from payments.models import Payment, StripeWebhookEvent
from payments.stripe.services import stripe_webhook_receive
from payments.tests.factories import intent_event
from payments.tests.stripe_helpers import WEBHOOK_SECRET
from projects.models import ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.http.errors import ApiError, BadRequest
from vejapro.core.tests.audit import assert_audited

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _stripe(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.ALLOW_INSECURE_WEBHOOKS = False


def signed(event: dict, secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    body = json.dumps(event)
    return body.encode(), stripe.WebhookSignature.generate_signature_header(body, secret)


def test_a_signed_deposit_is_stored_once_and_recorded_as_one_payment():
    project = make_project(ProjectStatus.DRAFT)
    event = intent_event(project.pk, "DEPOSIT")
    payload, signature = signed(event)

    assert stripe_webhook_receive(payload=payload, signature_header=signature) is None

    [stored] = StripeWebhookEvent.objects.all()
    assert (stored.event_id, stored.outcome) == (event["id"], "PROCESSED")
    [payment] = Payment.objects.all()
    assert (payment.project_id, payment.provider_event_id, payment.payment_type) == (project.pk, event["id"], "DEPOSIT")
    project.refresh_from_db()
    assert project.status == ProjectStatus.PAID


def test_a_bad_signature_raises_the_views_400_and_stores_nothing():
    payload, signature = signed(intent_event(make_project(ProjectStatus.DRAFT).pk), secret="whsec_other")

    with pytest.raises(BadRequest) as refused:
        stripe_webhook_receive(payload=payload, signature_header=signature)

    assert (refused.value.status, refused.value.detail) == (400, "Invalid signature")
    assert StripeWebhookEvent.objects.count() == 0
    assert Payment.objects.count() == 0
    assert_audited(
        "STRIPE_SIGNATURE_INVALID",
        metadata={"path": "/api/v1/webhook/stripe", "reason": "invalid_signature"},
        exact=True,
    )


def test_missing_secrets_raise_the_500_the_view_masks(settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload, signature = signed(intent_event(make_project(ProjectStatus.DRAFT).pk))

    with pytest.raises(ApiError) as refused:
        stripe_webhook_receive(payload=payload, signature_header=signature)

    assert (refused.value.status, refused.value.detail) == (500, "Nesukonfigūruotas Stripe")
    assert StripeWebhookEvent.objects.count() == 0


@pytest.mark.parametrize(("signature", "secret_key"), [(None, "sk_test_x"), ("t=1,v1=x", "")])
def test_insecure_mode_acknowledges_without_storing(settings, signature, secret_key):
    settings.ALLOW_INSECURE_WEBHOOKS = True
    settings.STRIPE_SECRET_KEY = secret_key
    payload, _ = signed(intent_event(make_project(ProjectStatus.DRAFT).pk))

    assert stripe_webhook_receive(payload=payload, signature_header=signature) is None

    assert StripeWebhookEvent.objects.count() == 0
    assert Payment.objects.count() == 0
