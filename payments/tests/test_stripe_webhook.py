"""POST /api/v1/webhook/stripe (api.md §13.1)."""

import json
import time
import uuid
from decimal import Decimal

import pytest

from messaging.models import ClientConfirmation, NotificationOutbox
from payments.models import Payment, StripeWebhookEvent
from payments.tests.factories import intent_event
from payments.tests.stripe_helpers import WEBHOOK_SECRET, deliver
from projects.models import ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.http.errors import BadRequest
from vejapro.core.tests.audit import assert_audited, audit_actions, audit_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _stripe(settings):
    settings.ENABLE_STRIPE = True
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.ALLOW_INSECURE_WEBHOOKS = False
    settings.ENABLE_EMAIL_INTAKE = True


def received(response) -> None:
    assert response.status_code == 200
    assert response.json() == {"received": True}


def test_the_flag_hides_the_webhook(settings):
    settings.ENABLE_STRIPE = False

    response = deliver(intent_event(uuid.uuid4()))

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}


def test_a_deposit_pays_a_draft_project():
    project = make_project(ProjectStatus.DRAFT)
    event = intent_event(project.pk, "DEPOSIT", amount_received=15050)

    received(deliver(event))

    project.refresh_from_db()
    assert project.status == ProjectStatus.PAID
    payment = Payment.objects.get()
    intent = event["data"]["object"]
    assert (payment.provider, payment.provider_event_id, payment.provider_intent_id) == (
        "stripe",
        event["id"],
        intent["id"],
    )
    assert (payment.amount, payment.currency, payment.payment_type, payment.status) == (
        Decimal("150.50"),
        "EUR",
        "DEPOSIT",
        "SUCCEEDED",
    )
    assert payment.received_at.timestamp() == 1767225600
    assert payment.raw_payload == intent
    stored = StripeWebhookEvent.objects.get()
    assert (stored.event_id, stored.event_type, stored.outcome, stored.object_id) == (
        event["id"],
        "payment_intent.succeeded",
        "PROCESSED",
        intent["id"],
    )
    assert stored.processed_at is not None
    assert stored.payload == event
    assert audit_actions() == ["STATUS_CHANGE", "PAYMENT_RECORDED_STRIPE"]
    change, recorded = audit_rows()
    assert (change.actor_type, change.actor_id) == ("SYSTEM_STRIPE", None)
    assert change.metadata == {"source": "stripe", "event_id": event["id"], "payment_id": str(payment.pk)}
    assert (recorded.entity_type, recorded.entity_id, recorded.actor_type) == ("payment", payment.pk, "SYSTEM_STRIPE")
    assert recorded.new_value == {
        "project_id": str(project.pk),
        "payment_type": "DEPOSIT",
        "amount": 150.5,
        "currency": "EUR",
        "provider_event_id": event["id"],
        "provider_intent_id": intent["id"],
    }
    assert recorded.metadata == {"transition": "applied", "reason": None}


def test_a_deposit_for_a_project_past_draft_is_kept_without_transition():
    project = make_project(ProjectStatus.SCHEDULED)

    received(deliver(intent_event(project.pk, "DEPOSIT")))

    project.refresh_from_db()
    assert project.status == ProjectStatus.SCHEDULED
    assert Payment.objects.count() == 1
    assert_audited(
        "PAYMENT_RECORDED_STRIPE", metadata={"transition": "skipped", "reason": "project_not_draft"}, exact=True
    )
    assert_audited("STATUS_CHANGE", count=0)


def test_a_final_payment_on_a_certified_project_requests_the_confirmation():
    project = make_project(ProjectStatus.CERTIFIED)

    received(deliver(intent_event(project.pk, "final")))

    assert Payment.objects.get().payment_type == "FINAL"
    project.refresh_from_db()
    assert project.status == ProjectStatus.CERTIFIED
    confirmation = ClientConfirmation.objects.get()
    assert (confirmation.channel, confirmation.status) == ("email", "PENDING")
    assert NotificationOutbox.objects.get().template_key == "FINAL_PAYMENT_CONFIRMATION"
    assert audit_actions() == ["EMAIL_CONFIRMATION_CREATED", "PAYMENT_RECORDED_STRIPE"]
    created, recorded = audit_rows()
    assert created.actor_type == "SYSTEM_STRIPE"
    assert recorded.metadata == {"transition": "not_needed", "reason": None}


def test_a_final_payment_on_an_active_project_sends_nothing():
    project = make_project(ProjectStatus.ACTIVE)

    received(deliver(intent_event(project.pk, "FINAL")))

    assert Payment.objects.count() == 1
    assert ClientConfirmation.objects.count() == 0
    assert NotificationOutbox.objects.count() == 0


def test_a_final_payment_before_certification_is_refused_and_rolled_back():
    project = make_project(ProjectStatus.PENDING_EXPERT)
    event = intent_event(project.pk, "FINAL")

    response = deliver(event)

    assert response.status_code == 400
    assert response.json() == {"detail": "Projektas dar nesertifikuotas"}
    assert Payment.objects.count() == 0
    stored = StripeWebhookEvent.objects.get()
    assert (stored.outcome, stored.processed_at, stored.last_error) == ("FAILED", None, "Projektas dar nesertifikuotas")
    assert audit_rows() == []


def test_an_unknown_payment_type_is_recorded_without_side_effects():
    project = make_project(ProjectStatus.DRAFT)

    received(deliver(intent_event(project.pk, "tip")))

    assert Payment.objects.get().payment_type == "UNKNOWN"
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    assert audit_actions() == ["PAYMENT_RECORDED_STRIPE"]


def test_other_event_types_are_stored_and_ignored():
    received(deliver(intent_event(uuid.uuid4(), event_type="charge.refunded")))

    stored = StripeWebhookEvent.objects.get()
    assert (stored.outcome, stored.event_type) == ("IGNORED", "charge.refunded")
    assert stored.processed_at is not None
    assert Payment.objects.count() == 0


def test_missing_project_id():
    response = deliver(intent_event(None, "DEPOSIT"))

    assert response.status_code == 400
    assert response.json() == {"detail": "Missing project_id"}
    assert StripeWebhookEvent.objects.get().outcome == "FAILED"


@pytest.mark.parametrize("project_id", [uuid.uuid4(), "not-a-uuid"])
def test_unknown_project(project_id):
    response = deliver(intent_event(project_id, "DEPOSIT"))

    assert response.status_code == 404
    assert response.json() == {"detail": "Projektas nerastas"}
    assert StripeWebhookEvent.objects.get().outcome == "FAILED"


# --- Idempotency and ordering ----------------------------------------------------------------------------------


def test_a_redelivered_event_changes_nothing():
    project = make_project(ProjectStatus.DRAFT)
    event = intent_event(project.pk, "DEPOSIT")
    received(deliver(event))
    audits = audit_actions()

    received(deliver(event))
    received(deliver(event))

    assert Payment.objects.count() == 1
    assert StripeWebhookEvent.objects.count() == 1
    assert audit_actions() == audits


def test_a_failed_event_is_processed_again_when_redelivered():
    project = make_project(ProjectStatus.PENDING_EXPERT)
    event = intent_event(project.pk, "FINAL")
    assert deliver(event).status_code == 400
    project.status = ProjectStatus.CERTIFIED  # the expert certified meanwhile (setup only)
    project.is_certified = True
    project.certified_at = project.updated_at
    project.save()

    received(deliver(event))

    assert Payment.objects.count() == 1
    assert StripeWebhookEvent.objects.get().outcome == "PROCESSED"


def test_out_of_order_final_before_deposit_and_deposit_after_the_project_moved():
    project = make_project(ProjectStatus.DRAFT)
    deposit = intent_event(project.pk, "DEPOSIT")
    final = intent_event(project.pk, "FINAL")

    assert deliver(final).status_code == 400  # FINAL arrives first: refused, Stripe retries later
    received(deliver(deposit))
    project.refresh_from_db()
    assert project.status == ProjectStatus.PAID
    assert deliver(final).status_code == 400  # still not certified
    assert list(Payment.objects.values_list("payment_type", flat=True)) == ["DEPOSIT"]


def test_a_second_deposit_event_for_a_paid_project_is_kept_and_skips_the_transition():
    project = make_project(ProjectStatus.DRAFT)
    received(deliver(intent_event(project.pk, "DEPOSIT")))

    received(deliver(intent_event(project.pk, "DEPOSIT")))

    assert Payment.objects.count() == 2
    assert_audited("STATUS_CHANGE", count=1)
    assert [row.metadata["transition"] for row in audit_rows("PAYMENT_RECORDED_STRIPE")] == ["applied", "skipped"]


def test_an_unexpected_error_is_500_and_the_event_is_retried(monkeypatch):
    from payments.stripe import services as stripe_services

    project = make_project(ProjectStatus.DRAFT)
    event = intent_event(project.pk, "DEPOSIT")

    def explode(**kwargs):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr("payments.services.project_transition", explode)
    response = deliver(event)

    assert response.status_code == 500
    assert response.json() == {"detail": "Įvyko vidinė klaida"}
    stored = StripeWebhookEvent.objects.get()
    assert (stored.attempts, stored.processed_at) == (1, None)
    assert stored.last_error == "RuntimeError: database hiccup"
    assert Payment.objects.count() == 0

    monkeypatch.undo()
    received(deliver(event))
    assert Payment.objects.count() == 1
    assert stripe_services.StripeWebhookEvent.objects.get().outcome == "PROCESSED"


@pytest.mark.parametrize(
    ("failure", "status"), [(BadRequest("Projektas dar nesertifikuotas"), 400), (RuntimeError("connection lost"), 500)]
)
def test_a_failure_that_lands_after_a_concurrent_success_does_not_undo_it(monkeypatch, failure, status):
    """Two deliveries of one event: the other one commits the payment, then this one fails late."""
    from payments.stripe import services as stripe_services

    project = make_project(ProjectStatus.DRAFT)
    real_record = stripe_services._record_payment

    def concurrent_success_then_failure(**kwargs):
        real_record(**kwargs)
        raise failure

    monkeypatch.setattr(stripe_services, "_record_payment", concurrent_success_then_failure)

    assert deliver(intent_event(project.pk, "DEPOSIT")).status_code == status

    stored = StripeWebhookEvent.objects.get()
    assert (stored.outcome, stored.last_error, stored.attempts) == ("PROCESSED", None, 1)
    assert stored.processed_at is not None
    assert Payment.objects.count() == 1


def test_the_stored_error_of_an_unexpected_failure_masks_contacts(monkeypatch):
    project = make_project(ProjectStatus.DRAFT)

    def explode(**kwargs):
        raise RuntimeError('duplicate row (client_info)=({"email": "jonas@gmail.com", "phone": "+37061234567"})')

    monkeypatch.setattr("payments.services.project_transition", explode)

    assert deliver(intent_event(project.pk, "DEPOSIT")).status_code == 500

    error = StripeWebhookEvent.objects.get().last_error
    assert "j***@gmail.com" in error
    assert "***567" in error
    assert "jonas@" not in error
    assert "+37061234567" not in error


# --- Signatures (step 3) ---------------------------------------------------------------------------------------


def _signature_audit():
    [audit] = assert_audited("STRIPE_SIGNATURE_INVALID", entity_type="system", actor_type="SYSTEM")
    return audit.metadata


def test_a_missing_signature_is_400_and_nothing_is_stored():
    response = deliver(intent_event(uuid.uuid4()), signature="")

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid signature"}
    assert StripeWebhookEvent.objects.count() == 0
    assert _signature_audit() == {"path": "/api/v1/webhook/stripe", "reason": "missing_header"}


def test_a_tampered_body_is_refused():
    project = make_project(ProjectStatus.DRAFT)
    signed = json.dumps(intent_event(project.pk, amount_received=100))
    sent = signed.replace('"amount_received": 100', '"amount_received": 999900')

    response = deliver(sent, signed_body=signed)

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid signature"}
    assert StripeWebhookEvent.objects.count() == 0
    assert Payment.objects.count() == 0
    assert _signature_audit()["reason"] == "invalid_signature"


def test_a_wrong_secret_is_refused():
    response = deliver(intent_event(uuid.uuid4()), secret="whsec_other")

    assert response.status_code == 400
    assert StripeWebhookEvent.objects.count() == 0


@pytest.mark.parametrize("offset", [-301, 301])
def test_stale_and_future_timestamps_are_refused(offset):
    response = deliver(intent_event(uuid.uuid4()), timestamp=int(time.time()) + offset)

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid signature"}
    assert StripeWebhookEvent.objects.count() == 0
    assert _signature_audit()["reason"] == "invalid_signature"


def test_a_slightly_skewed_timestamp_is_accepted():
    project = make_project(ProjectStatus.DRAFT)

    received(deliver(intent_event(project.pk), timestamp=int(time.time()) - 200))


@pytest.mark.parametrize("body", ["not json", json.dumps(["a list"]), json.dumps({"no": "id"})])
def test_a_signed_but_unparseable_payload_is_400_invalid_payload(body):
    response = deliver(body)

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid payload"}
    assert StripeWebhookEvent.objects.count() == 0
    assert _signature_audit()["reason"] == "invalid_payload"


def _hostile(kind: str, project_id) -> str:
    """A validly shaped event whose JSON the API parser would refuse (issue 12)."""
    text = json.dumps(intent_event(project_id, "DEPOSIT"))
    if kind == "nested":
        depth = 50_000
        return text[:-1] + ', "extra": ' + "[" * depth + "]" * depth + "}"
    if kind == "infinite-amount":
        return text.replace('"amount_received": 15000', '"amount_received": 1e999')
    return text.replace('"currency": "eur"', '"currency": "\\ud800"')


@pytest.mark.parametrize("kind", ["nested", "infinite-amount", "lone-surrogate"])
def test_a_signed_payload_the_api_parser_refuses_is_400_and_stores_nothing(kind):
    project = make_project(ProjectStatus.DRAFT)
    body = _hostile(kind, project.pk)
    assert {"nested": "[[[", "infinite-amount": "1e999", "lone-surrogate": "\\ud800"}[kind] in body

    response = deliver(body)

    assert (response.status_code, response.json()) == (400, {"detail": "Invalid payload"})
    assert StripeWebhookEvent.objects.count() == 0
    assert Payment.objects.count() == 0
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT
    assert _signature_audit()["reason"] == "invalid_payload"


@pytest.mark.parametrize(
    "change",
    [
        {"data": "x"},
        {"data": {"object": "x"}},
        {"data": {}},
        {"id": ""},
        {"id": "evt_" + "x" * 252},
        {"type": 7},
    ],
    ids=["data-text", "object-text", "no-object", "empty-id", "id-too-long", "type-not-text"],
)
def test_a_signed_event_without_the_event_shape_is_400_invalid_payload(change):
    event = {**intent_event(uuid.uuid4()), **change}

    response = deliver(event)

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid payload"}
    assert StripeWebhookEvent.objects.count() == 0
    assert _signature_audit()["reason"] == "invalid_payload"


# --- A signed event that cannot be a payment (steps 6-8) --------------------------------------------------------


def _intent_with(event: dict, **fields) -> dict:
    event["data"]["object"].update(fields)
    return event


@pytest.mark.parametrize("metadata", ["x", ["project_id"], None, {}])
def test_metadata_that_is_not_an_object_is_a_missing_project_id(metadata):
    event = _intent_with(intent_event(uuid.uuid4()), metadata=metadata)

    response = deliver(event)

    assert response.status_code == 400
    assert response.json() == {"detail": "Missing project_id"}
    stored = StripeWebhookEvent.objects.get()
    assert (stored.outcome, stored.processed_at, stored.last_error) == ("FAILED", None, "Missing project_id")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount_received": 0}, "data.object.amount_received"),
        ({"amount_received": -100}, "data.object.amount_received"),
        ({"amount_received": "15000"}, "data.object.amount_received"),
        ({"amount_received": 150.5}, "data.object.amount_received"),
        ({"amount_received": True}, "data.object.amount_received"),
        ({"amount_received": 10**12}, "data.object.amount_received"),
        ({"amount_received": None, "amount": None}, "data.object.amount_received"),
        ({"currency": None}, "data.object.currency"),
        ({"currency": "euro"}, "data.object.currency"),
        ({"currency": 978}, "data.object.currency"),
        ({"created": "yesterday"}, "data.object.created"),
        ({"created": 10**20}, "data.object.created"),
        ({"id": {"nested": True}}, "data.object.id"),
        ({"id": "pi_" + "x" * 200}, "data.object.id"),
    ],
)
def test_a_payment_intent_that_cannot_be_a_payment_fails_without_writing(fields, field):
    project = make_project(ProjectStatus.DRAFT)
    event = _intent_with(intent_event(project.pk, "DEPOSIT"), **fields)

    response = deliver(event)

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid payload"}
    stored = StripeWebhookEvent.objects.get()
    assert (stored.outcome, stored.processed_at, stored.attempts) == ("FAILED", None, 0)
    assert stored.last_error == f"Invalid payload: {field}"
    assert Payment.objects.count() == 0
    assert audit_actions() == []
    project.refresh_from_db()
    assert project.status == ProjectStatus.DRAFT


def test_nul_characters_that_postgresql_cannot_store_are_dropped():
    project = make_project(ProjectStatus.DRAFT)
    event = _intent_with(intent_event(project.pk, "DEPOSIT"), description="a\x00b", shipping={"name\x00": "x\x00"})

    received(deliver(event))

    assert StripeWebhookEvent.objects.get().payload["data"]["object"]["description"] == "ab"
    assert Payment.objects.get().raw_payload["shipping"] == {"name": "x"}


def test_an_event_id_longer_than_the_payment_key_fails():
    project = make_project(ProjectStatus.DRAFT)

    response = deliver(intent_event(project.pk, "DEPOSIT", event_id="evt_" + "x" * 125))

    assert response.status_code == 400
    assert StripeWebhookEvent.objects.get().last_error == "Invalid payload: id"
    assert Payment.objects.count() == 0


def test_amount_edges_in_cents():
    project = make_project(ProjectStatus.DRAFT)

    received(deliver(intent_event(project.pk, "DEPOSIT", amount_received=1)))
    received(deliver(intent_event(project.pk, "DEPOSIT", amount_received=999_999_999_999)))

    amounts = sorted(Payment.objects.values_list("amount", flat=True))
    assert amounts == [Decimal("0.01"), Decimal("9999999999.99")]


def test_the_amount_falls_back_to_amount_and_the_currency_is_upper_cased():
    project = make_project(ProjectStatus.DRAFT)
    event = _intent_with(intent_event(project.pk, "deposit "), amount_received=None, amount=2500, currency="uSd")

    received(deliver(event))

    payment = Payment.objects.get()
    assert (payment.amount, payment.currency, payment.payment_type) == (Decimal("25.00"), "USD", "DEPOSIT")


def test_a_transition_the_engine_refuses_fails_the_event_instead_of_retrying_forever(monkeypatch):
    project = make_project(ProjectStatus.DRAFT)

    def refuse(**kwargs):
        raise BadRequest("Deposit payment not recorded")

    monkeypatch.setattr("payments.services.project_transition", refuse)
    response = deliver(intent_event(project.pk, "DEPOSIT"))

    assert response.status_code == 400
    assert response.json() == {"detail": "Deposit payment not recorded"}
    stored = StripeWebhookEvent.objects.get()
    assert (stored.outcome, stored.attempts, stored.last_error) == ("FAILED", 0, "Deposit payment not recorded")
    assert Payment.objects.count() == 0


def test_a_replay_of_a_processed_event_with_another_payload_changes_nothing():
    project = make_project(ProjectStatus.DRAFT)
    event = intent_event(project.pk, "DEPOSIT", amount_received=15000)
    received(deliver(event))
    audits = audit_actions()

    replay = json.loads(json.dumps(event))
    replay["data"]["object"]["amount_received"] = 99900
    replay["data"]["object"]["metadata"]["payment_type"] = "FINAL"
    received(deliver(replay))

    assert list(Payment.objects.values_list("amount", "payment_type")) == [(Decimal("150.00"), "DEPOSIT")]
    assert audit_actions() == audits


# --- Configuration and insecure mode (steps 1-2) ---------------------------------------------------------------


def test_without_secrets_the_webhook_is_not_configured(settings):
    settings.STRIPE_WEBHOOK_SECRET = ""

    response = deliver(intent_event(uuid.uuid4()))

    assert response.status_code == 500
    assert response.json() == {"detail": "Įvyko vidinė klaida"}
    assert StripeWebhookEvent.objects.count() == 0


def test_insecure_mode_acknowledges_unsigned_requests_and_ignores_them(settings):
    settings.ALLOW_INSECURE_WEBHOOKS = True
    project = make_project(ProjectStatus.DRAFT)

    received(deliver(intent_event(project.pk), signature=""))

    assert StripeWebhookEvent.objects.count() == 0
    assert Payment.objects.count() == 0


def test_insecure_mode_without_secrets_acknowledges_signed_requests(settings):
    settings.ALLOW_INSECURE_WEBHOOKS = True
    settings.STRIPE_SECRET_KEY = ""

    received(deliver(intent_event(uuid.uuid4())))

    assert StripeWebhookEvent.objects.count() == 0


def test_insecure_mode_still_verifies_a_present_signature(settings):
    settings.ALLOW_INSECURE_WEBHOOKS = True

    response = deliver(intent_event(uuid.uuid4()), secret="whsec_other")

    assert response.status_code == 400
