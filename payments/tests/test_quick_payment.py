"""POST /api/v1/projects/{id}/quick-payment-and-transition (api.md §8.3, finance.md §4)."""

import uuid
from unittest import mock

import pytest

from payments.models import Payment
from payments.tests.factories import add_payment
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited, audit_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _flags(settings):
    settings.ENABLE_FINANCE_LEDGER = True
    settings.ENABLE_MANUAL_PAYMENTS = True


@pytest.fixture
def confirmation():
    with mock.patch("payments.services._start_client_confirmation", return_value=True) as started:
        yield started


def url(project) -> str:
    return f"/api/v1/projects/{project.pk if hasattr(project, 'pk') else project}/quick-payment-and-transition"


def body(**overrides) -> dict:
    return {"payment_type": "DEPOSIT", "amount": 200, "provider_event_id": "QP-1", **overrides}


@pytest.fixture
def draft(client_user, contractor_user, expert_user):
    return make_project("DRAFT", client=client_user, contractor=contractor_user, expert=expert_user)


@pytest.mark.parametrize(
    ("user", "status", "detail"),
    [
        (None, 401, "Truksta Bearer zetono"),
        ("client_user", 403, "Draudžiama"),
        ("outsider_client", 403, "Draudžiama"),
        ("other_contractor", 403, "Prieiga uždrausta"),
        ("other_expert", 403, "Prieiga uždrausta"),
        ("contractor_user", 200, None),
        ("expert_user", 200, None),
        ("admin_user", 200, None),
    ],
)
def test_permission_matrix(api, request, draft, user, status, detail):
    response = api(request.getfixturevalue(user) if user else None).post_json(url(draft), body())
    assert response.status_code == status
    if detail:
        assert response.json() == {"detail": detail}
        assert Payment.objects.count() == 0


@pytest.mark.parametrize("off", ["ENABLE_FINANCE_LEDGER", "ENABLE_MANUAL_PAYMENTS"])
@pytest.mark.parametrize("user", [None, "admin_user"])
def test_either_flag_off_is_404(api, request, settings, draft, off, user):
    setattr(settings, off, False)
    response = api(request.getfixturevalue(user) if user else None).post_json(url(draft), body())
    assert (response.status_code, response.json()) == (404, {"detail": "Nerastas"})


def test_unknown_project_is_404_before_access(api, other_contractor):
    for project_id in [uuid.uuid4(), "nope"]:
        response = api(other_contractor).post_json(url(project_id), body())
        assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})


def test_access_runs_before_the_payment_type_check(api, draft, other_contractor):
    response = api(other_contractor).post_json(url(draft), body(payment_type="TIP"))
    assert (response.status_code, response.json()) == (403, {"detail": "Prieiga uždrausta"})


class TestDepositAndTransition:
    def test_contractor_records_the_deposit_and_moves_to_paid(self, api, draft, contractor_user, confirmation):
        response = api(contractor_user).post_json(
            url(draft), body(payment_type=" deposit ", payment_method="cash", transition_to="PAID")
        )

        assert response.status_code == 200
        payment = Payment.objects.get()
        assert response.json() == {
            "success": True,
            "payment_id": str(payment.pk),
            "payment_type": "DEPOSIT",
            "amount": 200.0,
            "status_changed": True,
            "new_status": "PAID",
            "email_queued": False,
            "transition_error": None,
        }
        draft.refresh_from_db()
        assert draft.status == "PAID"
        recorded, changed = audit_rows("PAYMENT_RECORDED_MANUAL"), audit_rows("STATUS_CHANGE")
        assert len(recorded) == len(changed) == 1
        assert recorded[0].metadata["source"] == "quick_payment"
        assert (recorded[0].actor_type, recorded[0].actor_id) == ("SUBCONTRACTOR", str(contractor_user.pk))
        assert (changed[0].actor_type, changed[0].metadata) == (
            "SUBCONTRACTOR",
            {"source": "quick_payment", "payment_id": str(payment.pk)},
        )
        assert (payment.payment_method, payment.collected_by) == ("CASH", contractor_user)
        confirmation.assert_not_called()

    def test_refused_transition_keeps_the_payment(self, api, draft, expert_user):
        response = api(expert_user).post_json(url(draft), body(transition_to="PAID"))

        assert response.status_code == 200
        assert (response.json()["status_changed"], response.json()["new_status"]) == (False, "DRAFT")
        assert response.json()["transition_error"] == "Prieiga uždrausta"
        assert Payment.objects.count() == 1
        assert_audited("STATUS_CHANGE", count=0)
        draft.refresh_from_db()
        assert draft.status == "DRAFT"

    def test_matrix_refusal_text(self, api, draft, admin_user):
        response = api(admin_user).post_json(url(draft), body(transition_to="SCHEDULED"))
        assert response.json()["transition_error"] == "Negalimas perejimas: DRAFT -> SCHEDULED"
        assert Payment.objects.count() == 1

    def test_same_status_is_not_a_change(self, api, draft, admin_user):
        response = api(admin_user).post_json(url(draft), body(transition_to="DRAFT"))
        assert response.json()["status_changed"] is False
        assert response.json()["transition_error"] is None

    def test_replay_after_the_move(self, api, draft, contractor_user):
        client = api(contractor_user)
        first = client.post_json(url(draft), body(transition_to="PAID")).json()
        replay = client.post_json(url(draft), body(amount="200.00", transition_to="PAID"))

        assert replay.status_code == 200
        assert replay.json() == {
            **first,
            "status_changed": False,
            "new_status": "PAID",
            "email_queued": False,
            "transition_error": None,
        }
        assert Payment.objects.count() == 1
        assert len(audit_rows()) == 2

    def test_clash_shares_the_namespace_with_manual_payments(self, api, draft, admin_user):
        add_payment(draft, "DEPOSIT", "150.00", key="QP-1")
        response = api(admin_user).post_json(url(draft), body())
        assert (response.status_code, response.json()) == (
            409,
            {"detail": "provider_event_id jau panaudotas su kitais parametrais"},
        )

    def test_manual_payment_replays_through_quick_payment(self, api, draft, admin_user):
        manual = api(admin_user).post_json(
            f"/api/v1/projects/{draft.pk}/payments/manual",
            body(payment_method="CASH"),
        )
        replay = api(admin_user).post_json(url(draft), body())
        assert replay.status_code == 200
        assert replay.json()["payment_id"] == manual.json()["payment_id"]

    def test_receipt_clash(self, api, draft, admin_user):
        add_payment(make_project(), receipt_no="R-1")
        response = api(admin_user).post_json(url(draft), body(receipt_no="R-1"))
        assert (response.status_code, response.json()) == (409, {"detail": "receipt_no jau panaudotas"})


class TestRules:
    @pytest.mark.parametrize("payment_type", ["TIP", "UNKNOWN", "", "   "])
    def test_payment_type_is_400(self, api, draft, admin_user, payment_type):
        response = api(admin_user).post_json(url(draft), body(payment_type=payment_type))
        if payment_type.strip():
            assert (response.status_code, response.json()) == (
                400,
                {"detail": "payment_type turi būti DEPOSIT arba FINAL"},
            )
        else:
            assert response.status_code == 422
        assert Payment.objects.count() == 0

    def test_deposit_only_for_draft(self, api, admin_user):
        response = api(admin_user).post_json(url(make_project("PAID")), body())
        assert (response.status_code, response.json()) == (400, {"detail": "Deposit galimas tik DRAFT projektams"})

    def test_final_only_for_certified_or_active(self, api, admin_user):
        response = api(admin_user).post_json(url(make_project("SCHEDULED")), body(payment_type="FINAL"))
        assert (response.status_code, response.json()) == (
            400,
            {"detail": "Final mokėjimas galimas tik CERTIFIED/ACTIVE projektams"},
        )

    def test_final_on_certified_queues_the_confirmation(self, api, admin_user, expert_user, confirmation):
        project = make_project("CERTIFIED", expert=expert_user)
        response = api(expert_user).post_json(url(project), body(payment_type="FINAL", amount=700))

        assert response.status_code == 200
        assert (response.json()["email_queued"], response.json()["new_status"]) == (True, "CERTIFIED")
        confirmation.assert_called_once()
        assert confirmation.call_args.args[1].actor_type == "EXPERT"

    def test_confirmation_result_is_reported(self, api, admin_user, confirmation):
        confirmation.return_value = False
        response = api(admin_user).post_json(url(make_project("CERTIFIED")), body(payment_type="FINAL"))
        assert response.json()["email_queued"] is False
        confirmation.assert_called_once()

    def test_refused_activation_still_starts_the_confirmation(self, api, admin_user, confirmation):
        project = make_project("CERTIFIED")
        response = api(admin_user).post_json(url(project), body(payment_type="FINAL", transition_to="ACTIVE"))
        assert response.json()["transition_error"] == "Client confirmation not received"
        assert response.json()["email_queued"] is True
        confirmation.assert_called_once()

    def test_final_on_active_starts_nothing(self, api, admin_user, confirmation):
        response = api(admin_user).post_json(url(make_project("ACTIVE")), body(payment_type="FINAL"))
        assert (response.status_code, response.json()["email_queued"]) == (200, False)
        confirmation.assert_not_called()

    def test_deposit_never_starts_the_confirmation(self, api, draft, admin_user, confirmation):
        api(admin_user).post_json(url(draft), body(transition_to="PAID"))
        confirmation.assert_not_called()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -1}, "amount"),
        ({"amount": 1_000_001}, "amount"),
        ({"amount": "x"}, "amount"),
        ({"payment_method": "WAIVED"}, "payment_method"),
        ({"transition_to": "DONE"}, "transition_to"),
        ({"transition_to": "paid"}, "transition_to"),
        ({"provider_event_id": ""}, "provider_event_id"),
        ({"currency": "EU"}, "currency"),
        ({"received_at": "31/12/2026"}, "received_at"),
        ({"payment_type": None}, "payment_type"),
        ({"payment_type": ["DEPOSIT"]}, "payment_type"),
    ],
)
def test_validation_is_422(api, draft, admin_user, change, field):
    response = api(admin_user).post_json(url(draft), body(**change))
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]
    assert Payment.objects.count() == 0
