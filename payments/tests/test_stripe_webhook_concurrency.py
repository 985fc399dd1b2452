"""Concurrent redeliveries of one Stripe event on PostgreSQL: one payment, one transition, one audit row."""

import threading

import pytest
from django.db import connection

from payments.models import Payment, StripeWebhookEvent
from payments.tests.factories import intent_event
from payments.tests.stripe_helpers import WEBHOOK_SECRET, deliver
from projects.models import ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited, audit_rows

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]

DELIVERIES = 8


@pytest.fixture(autouse=True)
def _stripe(settings):
    settings.ENABLE_STRIPE = True
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.ALLOW_INSECURE_WEBHOOKS = False


def deliver_concurrently(event: dict, count: int = DELIVERIES) -> list[int]:
    barrier = threading.Barrier(count)
    statuses: list[int] = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait()
            response = deliver(event)
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses


def test_concurrent_deliveries_of_one_deposit_event_record_it_once():
    project = make_project(ProjectStatus.DRAFT)
    event = intent_event(project.pk, "DEPOSIT")

    statuses = deliver_concurrently(event)

    assert statuses == [200] * DELIVERIES
    assert Payment.objects.count() == 1
    assert StripeWebhookEvent.objects.count() == 1
    assert StripeWebhookEvent.objects.get().outcome == "PROCESSED"
    assert_audited("STATUS_CHANGE", count=1)
    assert_audited("PAYMENT_RECORDED_STRIPE", count=1)
    project.refresh_from_db()
    assert project.status == ProjectStatus.PAID


def test_concurrent_deliveries_of_one_final_event_request_one_confirmation(settings):
    from messaging.models import ClientConfirmation, NotificationOutbox

    settings.ENABLE_EMAIL_INTAKE = True
    project = make_project(ProjectStatus.CERTIFIED)

    statuses = deliver_concurrently(intent_event(project.pk, "FINAL"))

    assert statuses == [200] * DELIVERIES
    assert Payment.objects.count() == 1
    assert ClientConfirmation.objects.count() == 1
    assert NotificationOutbox.objects.count() == 1
    assert_audited("EMAIL_CONFIRMATION_CREATED", count=1)


def test_twenty_concurrent_identical_deliveries_make_one_payment_and_one_transition():
    """Issue 14: what the probe found held, kept true: 20 identical deliveries at once."""
    project = make_project(ProjectStatus.DRAFT)
    event = intent_event(project.pk, "DEPOSIT")

    statuses = deliver_concurrently(event, count=20)

    assert statuses == [200] * 20
    assert Payment.objects.count() == 1
    assert StripeWebhookEvent.objects.count() == 1
    transitions = audit_rows("STATUS_CHANGE")
    assert len(transitions) == 1
    assert (transitions[0].old_value, transitions[0].new_value) == ({"status": "DRAFT"}, {"status": "PAID"})
    assert len(audit_rows("PAYMENT_RECORDED_STRIPE")) == 1
    project.refresh_from_db()
    assert project.status == ProjectStatus.PAID
