"""POST /api/v1/projects/{id}/payments/manual (api.md §8.1, workflow.md §6.2, §7)."""

import datetime as dt
import uuid
from unittest import mock

import pytest
from django.utils import timezone

from payments.models import Payment
from payments.tests.factories import add_payment, add_waiver
from projects.services import project_transition
from projects.tests.factories import make_project
from vejapro.core.actors import Actor
from vejapro.core.tests.audit import assert_audited, audit_rows

pytestmark = pytest.mark.django_db


def url(project) -> str:
    return f"/api/v1/projects/{project.pk if hasattr(project, 'pk') else project}/payments/manual"


def body(**overrides) -> dict:
    return {
        "payment_type": "DEPOSIT",
        "amount": 150,
        "payment_method": "CASH",
        "provider_event_id": "MAN-1",
        **overrides,
    }


@pytest.fixture
def confirmation():
    with mock.patch("payments.services._start_client_confirmation", return_value=True) as started:
        yield started


@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 401), ("client_user", 403), ("contractor_user", 403), ("expert_user", 403), ("admin_user", 201)],
)
def test_permission_matrix(api, request, user, status, contractor_user, expert_user, client_user):
    project = make_project("DRAFT", client=client_user, contractor=contractor_user, expert=expert_user)
    response = api(request.getfixturevalue(user) if user else None).post_json(url(project), body())
    assert response.status_code == status
    if status == 403:
        assert response.json() == {"detail": "Draudžiama"}


@pytest.mark.parametrize("user", [None, "admin_user"])
def test_flag_off_is_404_for_everybody(api, request, settings, user):
    settings.ENABLE_MANUAL_PAYMENTS = False
    response = api(request.getfixturevalue(user) if user else None).post_json(url(make_project()), body())
    assert (response.status_code, response.json()) == (404, {"detail": "Nerastas"})


def test_records_a_deposit(api, admin_user, confirmation):
    project = make_project("DRAFT")
    response = api(admin_user).post_json(
        url(project),
        body(
            amount="150.005",
            currency=" eur ",
            payment_method=" bank_transfer ",
            provider_event_id="  MAN-1  ",
            receipt_no="  ",
            collection_context=" remote ",
            proof_url="https://example.lt/kvitas.pdf",
            notes="Sumokėjo pavedimu",
            received_at="2026-03-01T10:00:00",
        ),
    )

    assert response.status_code == 201
    payment = Payment.objects.get()
    assert response.json() == {
        "success": True,
        "idempotent": False,
        "payment_id": str(payment.pk),
        "provider": "manual",
        "status": "SUCCEEDED",
        "payment_type": "DEPOSIT",
        "amount": 150.01,
        "currency": "EUR",
    }
    assert (payment.provider_event_id, payment.payment_method, payment.collection_context) == (
        "MAN-1",
        "BANK_TRANSFER",
        "REMOTE",
    )
    assert (payment.receipt_no, payment.raw_payload) == (None, {"notes": "Sumokėjo pavedimu"})
    assert payment.received_at == dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)
    assert (payment.is_manual_confirmed, payment.collected_by, payment.confirmed_by) == (True, admin_user, admin_user)
    assert payment.confirmed_at is not None
    (row,) = audit_rows()
    assert (row.action, row.entity_type, row.entity_id, row.actor_type, row.actor_id) == (
        "PAYMENT_RECORDED_MANUAL",
        "payment",
        payment.pk,
        "ADMIN",
        str(admin_user.pk),
    )
    assert row.new_value == {
        "project_id": str(project.pk),
        "payment_type": "DEPOSIT",
        "amount": 150.01,
        "currency": "EUR",
        "payment_method": "BANK_TRANSFER",
        "provider_event_id": "MAN-1",
    }
    assert row.metadata == {
        "received_at": "2026-03-01T10:00:00+00:00",
        "collection_context": "REMOTE",
        "receipt_no": None,
        "proof_url": "https://example.lt/kvitas.pdf",
        "source": "manual_endpoint",
    }
    project.refresh_from_db()
    assert project.status == "DRAFT"
    confirmation.assert_not_called()


def test_defaults(api, admin_user):
    before = timezone.now()
    api(admin_user).post_json(url(make_project()), body())
    payment = Payment.objects.get()
    assert (payment.currency, payment.raw_payload, payment.collection_context, payment.proof_url) == (
        "EUR",
        None,
        None,
        None,
    )
    assert payment.received_at >= before


class TestIdempotency:
    def test_replay_answers_the_stored_payment(self, api, admin_user):
        project = make_project("DRAFT")
        client = api(admin_user)
        first = client.post_json(url(project), body(amount=100, currency="EUR"))
        # The project moved on; the replay still answers 200 (the idempotency lookup runs before the status rule).
        project_transition(project=project, new_status="PAID", actor=Actor(actor_type="ADMIN"))
        replay = client.post_json(url(project), body(amount="100.004", currency="USD", payment_method="CARD"))

        assert replay.status_code == 200
        assert replay.json() == {**first.json(), "idempotent": True}
        assert Payment.objects.count() == 1
        assert_audited("PAYMENT_RECORDED_MANUAL", count=1)

    @pytest.mark.parametrize(
        "change",
        [{"amount": 101}, {"payment_type": "FINAL"}, {"project": "other"}],
        ids=["amount", "type", "project"],
    )
    def test_clash_is_409(self, api, admin_user, change):
        project, other = make_project("CERTIFIED"), make_project("CERTIFIED")
        add_payment(project, "DEPOSIT", "100.00", key="MAN-1")
        target = other if change.pop("project", None) else project
        response = api(admin_user).post_json(url(target), body(**{"amount": 100, **change}))
        assert (response.status_code, response.json()) == (
            409,
            {"detail": "provider_event_id jau panaudotas su kitais parametrais"},
        )
        assert Payment.objects.count() == 1
        assert audit_rows() == []

    def test_key_of_a_waiver_clashes(self, api, admin_user):
        project = make_project("DRAFT")
        add_waiver(project, key="MAN-1")
        response = api(admin_user).post_json(url(project), body())
        assert response.status_code == 409

    def test_stripe_keys_are_another_namespace(self, api, admin_user):
        project = make_project("DRAFT")
        add_payment(make_project("DRAFT"), provider="stripe", method=None, key="MAN-1")
        assert api(admin_user).post_json(url(project), body()).status_code == 201


class TestRules:
    @pytest.mark.parametrize("status", ["PAID", "SCHEDULED", "PENDING_EXPERT", "CERTIFIED", "ACTIVE"])
    def test_deposit_only_for_draft(self, api, admin_user, status):
        response = api(admin_user).post_json(url(make_project(status)), body())
        assert (response.status_code, response.json()) == (400, {"detail": "Deposit allowed only for DRAFT projects"})
        assert Payment.objects.count() == 0

    @pytest.mark.parametrize("status", ["DRAFT", "PAID", "SCHEDULED", "PENDING_EXPERT"])
    def test_final_only_for_certified_or_active(self, api, admin_user, status, confirmation):
        response = api(admin_user).post_json(url(make_project(status)), body(payment_type="FINAL"))
        assert (response.status_code, response.json()) == (
            400,
            {"detail": "Final payment allowed only for CERTIFIED/ACTIVE projects"},
        )
        confirmation.assert_not_called()

    def test_final_on_certified_starts_the_confirmation(self, api, admin_user, confirmation):
        project = make_project("CERTIFIED")
        response = api(admin_user).post_json(url(project), body(payment_type="FINAL", amount=900))
        assert response.status_code == 201
        confirmation.assert_called_once()
        kwargs = confirmation.call_args
        started_project, actor = kwargs.args
        assert (started_project.pk, actor.actor_type, actor.actor_id) == (project.pk, "ADMIN", str(admin_user.pk))
        project.refresh_from_db()
        assert project.status == "CERTIFIED"

    def test_final_on_active_starts_nothing(self, api, admin_user, confirmation):
        response = api(admin_user).post_json(url(make_project("ACTIVE")), body(payment_type="FINAL"))
        assert response.status_code == 201
        confirmation.assert_not_called()

    def test_replay_of_a_final_starts_nothing(self, api, admin_user, confirmation):
        project = make_project("CERTIFIED")
        client = api(admin_user)
        client.post_json(url(project), body(payment_type="FINAL"))
        client.post_json(url(project), body(payment_type="FINAL"))
        assert confirmation.call_count == 1

    def test_receipt_number_is_unique(self, api, admin_user):
        add_payment(make_project("DRAFT"), receipt_no="K-77")
        response = api(admin_user).post_json(url(make_project("DRAFT")), body(receipt_no=" K-77 "))
        assert (response.status_code, response.json()) == (409, {"detail": "receipt_no jau panaudotas"})

    def test_status_rule_runs_before_the_receipt_check(self, api, admin_user):
        add_payment(make_project("DRAFT"), receipt_no="K-77")
        response = api(admin_user).post_json(url(make_project("PAID")), body(receipt_no="K-77"))
        assert response.status_code == 400

    @pytest.mark.parametrize("project_id", [uuid.uuid4(), "not-a-uuid"])
    def test_unknown_project(self, api, admin_user, project_id):
        response = api(admin_user).post_json(url(project_id), body())
        assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"payment_type": None}, "payment_type"),
        ({"payment_type": "deposit"}, "payment_type"),
        ({"payment_type": "UNKNOWN"}, "payment_type"),
        ({"amount": 0}, "amount"),
        ({"amount": "0.004"}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 1_000_000.01}, "amount"),
        ({"amount": 10**30}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": None}, "amount"),
        ({"amount": [1]}, "amount"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "E1R"}, "currency"),
        ({"currency": 978}, "currency"),
        ({"payment_method": "WAIVED"}, "payment_method"),
        ({"payment_method": "BITCOIN"}, "payment_method"),
        ({"payment_method": None}, "payment_method"),
        ({"provider_event_id": ""}, "provider_event_id"),
        ({"provider_event_id": "   "}, "provider_event_id"),
        ({"provider_event_id": "x" * 129}, "provider_event_id"),
        ({"provider_event_id": {"a": 1}}, "provider_event_id"),
        ({"receipt_no": "x" * 65}, "receipt_no"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"received_at": "2026-13-01T00:00:00"}, "received_at"),
        ({"received_at": "2026-02-30"}, "received_at"),
        ({"received_at": "0001-01-01T00:00:00+05:00"}, "received_at"),
        ({"received_at": 1767225600}, "received_at"),
        ({"collection_context": "x" * 33}, "collection_context"),
        ({"proof_url": "ftp://example.lt/x"}, "proof_url"),
        ({"proof_url": "not a url"}, "proof_url"),
        ({"proof_url": "https://example.lt/" + "x" * 2000}, "proof_url"),
        ({"notes": "x" * 2001}, "notes"),
    ],
)
def test_validation_is_422_and_writes_nothing(api, admin_user, change, field):
    response = api(admin_user).post_json(url(make_project("DRAFT")), body(**change))
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]
    assert Payment.objects.count() == 0
    assert audit_rows() == []


@pytest.mark.parametrize("missing", ["payment_type", "amount", "payment_method", "provider_event_id"])
def test_required_fields(api, admin_user, missing):
    data = body()
    del data[missing]
    response = api(admin_user).post_json(url(make_project("DRAFT")), data)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", missing]


@pytest.mark.parametrize("raw", ["{", "[]", '"text"', "null", '{"amount": Infinity}', '{"amount": NaN}'])
def test_malformed_bodies(api, admin_user, raw):
    response = api(admin_user).post(url(make_project("DRAFT")), data=raw, content_type="application/json")
    assert response.status_code == 422
