"""Concurrent confirmations on PostgreSQL: the project row is locked first, then the confirmation, so N clicks of
one link, or a link and an SMS reply at the same moment, activate the project exactly once (messaging.md §2.4)."""

import threading
from collections import Counter
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from twilio.request_validator import RequestValidator

from messaging.models import ClientConfirmation, ConfirmationStatus
from messaging.tests.factories import add_confirmation
from payments.tests.factories import add_payment
from projects.models import ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited, audit_rows

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]

CLICKS = 8
TWILIO_TOKEN = "twilio-concurrency-token"
TWILIO_URL = "https://vejapro.lt/api/v1/webhook/twilio"


@pytest.fixture(autouse=True)
def _flags(settings):
    settings.ENABLE_EMAIL_INTAKE = True
    settings.ENABLE_TWILIO = True
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TWILIO_WEBHOOK_URL = TWILIO_URL
    settings.ALLOW_INSECURE_WEBHOOKS = False


@pytest.fixture
def certified():
    project = make_project(ProjectStatus.CERTIFIED)
    add_payment(project, "FINAL", "500.00")
    return project


def run_together(calls) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def click(token: str):
    def call():
        response = Client(enforce_csrf_checks=True).post(
            f"/api/v1/public/confirm-payment/{token}", data={}, content_type="application/json"
        )
        return response.status_code, response.json()

    return call


def sms_reply(code: str):
    params = {"From": "+37061234567", "Body": f"TAIP {code}", "MessageSid": "SM1"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(TWILIO_URL, params)

    def call():
        response = Client(enforce_csrf_checks=True).post(
            "/api/v1/webhook/twilio",
            data=urlencode(params),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE=signature,
        )
        return response.status_code, response.content.decode()

    return call


def test_many_clicks_of_one_link_activate_once(certified):
    add_confirmation(certified, "LINK-TOKEN_1")

    results = run_together([click("LINK-TOKEN_1") for _ in range(CLICKS)])

    assert [status for status, _body in results] == [200] * CLICKS
    kinds = Counter("already" if body.get("already_confirmed") else body.get("new_status") for _status, body in results)
    assert kinds == {"ACTIVE": 1, "already": CLICKS - 1}
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.ACTIVE
    assert_audited("STATUS_CHANGE", count=1)
    assert_audited("EMAIL_CONFIRMED", count=1)


def test_a_link_and_an_sms_reply_at_once_activate_once(certified):
    email_row = add_confirmation(certified, "LINK-TOKEN_2")
    sms_row = add_confirmation(certified, "AB7KQ2XZ", channel="sms")

    (link_status, link_body), (sms_status, sms_body) = run_together([click("LINK-TOKEN_2"), sms_reply("AB7KQ2XZ")])

    assert (link_status, link_body["new_status"]) == (200, "ACTIVE")
    assert sms_status == 200
    assert "VejaPRO: aciu! Patvirtinimas gautas, projektas aktyvuotas." in sms_body
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.ACTIVE
    [change] = audit_rows("STATUS_CHANGE")
    # Whichever of the two wins the race activates the project, and its own channel is recorded.
    assert (change.actor_type, change.metadata) in [
        (
            "SYSTEM_EMAIL",
            {"channel": "email", "confirmed_via": "public_endpoint", "confirmation_id": str(email_row.pk)},
        ),
        ("SYSTEM_TWILIO", {"channel": "sms", "confirmation_id": str(sms_row.pk)}),
    ]
    assert len(audit_rows("EMAIL_CONFIRMED")) == len(audit_rows("SMS_CONFIRMED")) == 1
    rows = ClientConfirmation.objects.filter(pk__in=[email_row.pk, sms_row.pk])
    assert set(rows.values_list("status", flat=True)) == {ConfirmationStatus.CONFIRMED}


def test_ten_concurrent_correct_sms_codes_confirm_once(certified):
    """Issue 14: ten signed ``TAIP <code>`` replies with the right code at the same moment: one confirmation, one
    transition; the other nine are answered «already confirmed»."""
    add_confirmation(certified, "AB7KQ2XZ", channel="sms")

    results = run_together([sms_reply("AB7KQ2XZ") for _ in range(10)])

    assert [status for status, _body in results] == [200] * 10
    replies = Counter(
        "confirmed" if "projektas aktyvuotas" in body else "already" if "jau patvirtintas" in body else body
        for _status, body in results
    )
    assert replies == {"confirmed": 1, "already": 9}
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.ACTIVE
    assert len(audit_rows("STATUS_CHANGE")) == 1
    assert len(audit_rows("SMS_CONFIRMED")) == 1
    assert ClientConfirmation.objects.get().status == ConfirmationStatus.CONFIRMED
