"""Schema fuzzing (issue 12): schemathesis generates requests for every operation of the OpenAPI document and sends
each with the token of every role (and none); no answer may be a 5xx, and each must be what the document says
(a documented status, a body of the documented shape). The Stripe webhook gets its generated bodies validly signed,
so they reach the parser and the handler instead of stopping at the signature.

Bounded for ``make test``: ``FUZZ_EXAMPLES`` generated cases per operation and caller, derandomised (the same cases
on every run, so a failure reproduces), besides schemathesis' own coverage cases (methods the route does not
serve, missing or malformed parameters). The counts are printed at the end of the module."""

import json
from collections import Counter

import pytest
import schemathesis
import stripe
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.core import NotSet

from conftest import bearer_for
from payments.tests.stripe_helpers import WEBHOOK_SECRET
from vejapro.tests.openapi import openapi_document

FUZZ_EXAMPLES = 3
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.response_schema_conformance,
]
STRIPE_WEBHOOK = "/api/v1/webhook/stripe"

schema = schemathesis.openapi.from_dict(openapi_document())
schema.app = get_wsgi_application()
COUNTS: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _fuzzing_run(request):
    # Requests go through Django's WSGI handler, whose request signals close the test's PostgreSQL connection in
    # the middle of its transaction; Django's own test client disconnects them the same way.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(COUNTS.items()))
    # Printed past pytest's output capture, so every run shows it.
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print(f"\nschema fuzzing: {COUNTS.total()} requests, by status {statuses or '-'}")


@pytest.fixture
def _flags_on(settings):
    settings.ENABLE_STRIPE = True
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.ALLOW_INSECURE_WEBHOOKS = False
    settings.ENABLE_MARKETING_MODULE = True
    settings.ENABLE_FINANCE_LEDGER = True
    settings.ENABLE_MANUAL_PAYMENTS = True
    settings.ENABLE_TWILIO = True
    settings.TWILIO_AUTH_TOKEN = "twilio-test-token"


def _signed_stripe_delivery(case) -> int:
    if isinstance(case.body, NotSet):
        body = ""
    elif isinstance(case.body, bytes):
        # A form or multipart body the schema also allows; signed as Stripe would sign its text.
        body = case.body.decode("utf-8", "replace")
    else:
        body = json.dumps(case.body)
    header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)
    response = Client().post(STRIPE_WEBHOOK, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code < 500, response.content[:300]
    return response.status_code


@pytest.fixture
def bearer_headers(client_user, contractor_user, expert_user, admin_user) -> list[dict[str, str]]:
    """No token, then a valid token of each role."""
    users = (client_user, contractor_user, expert_user, admin_user)
    return [{}, *({"Authorization": f"Bearer {bearer_for(user)}"} for user in users)]


@pytest.mark.django_db
@pytest.mark.usefixtures("_flags_on")
@schema.parametrize()
@hypothesis_settings(
    max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
def test_no_input_makes_the_api_fail(case, bearer_headers):
    # One generated case, sent by every caller: generating is the slow part, requests are cheap.
    for headers in bearer_headers:
        if case.formatted_path == STRIPE_WEBHOOK and case.method == "POST":
            status = _signed_stripe_delivery(case)
        else:
            response = case.call(headers=headers)
            status = response.status_code
            case.validate_response(response, checks=CHECKS)
        COUNTS[status] += 1
