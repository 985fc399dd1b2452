"""POST /api/v1/admin/projects/{id}/payments/deposit-waive (api.md §8.2)."""

import uuid

import pytest

from payments.models import Payment
from payments.tests.factories import add_payment, add_waiver
from projects.services import project_transition
from projects.tests.factories import make_project
from vejapro.core.actors import Actor
from vejapro.core.tests.audit import assert_audited, audit_rows

pytestmark = pytest.mark.django_db


def url(project) -> str:
    return f"/api/v1/admin/projects/{project.pk if hasattr(project, 'pk') else project}/payments/deposit-waive"


@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 401), ("client_user", 403), ("contractor_user", 403), ("expert_user", 403), ("admin_user", 201)],
)
def test_permission_matrix(api, request, user, status, contractor_user):
    project = make_project("DRAFT", contractor=contractor_user)
    response = api(request.getfixturevalue(user) if user else None).post_json(
        url(project), {"provider_event_id": "W-1"}
    )
    assert response.status_code == status


def test_flag_off(api, admin_user, settings):
    settings.ENABLE_MANUAL_PAYMENTS = False
    response = api(admin_user).post_json(url(make_project()), {"provider_event_id": "W-1"})
    assert (response.status_code, response.json()) == (404, {"detail": "Nerastas"})


def test_waiver_is_recorded_and_satisfies_the_deposit_guard(api, admin_user):
    project = make_project("DRAFT")
    response = api(admin_user).post_json(
        url(project), {"provider_event_id": " W-1 ", "currency": "eur", "notes": "  Patikimas klientas  "}
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
        "amount": 0.0,
        "currency": "EUR",
    }
    assert (payment.payment_method, payment.collection_context, payment.raw_payload) == (
        "WAIVED",
        "TRUSTED_CLIENT",
        {"waived": True, "notes": "Patikimas klientas"},
    )
    assert (payment.is_manual_confirmed, payment.confirmed_by) == (True, admin_user)
    recorded, waived = audit_rows("PAYMENT_RECORDED_MANUAL"), audit_rows("DEPOSIT_WAIVED")
    assert len(audit_rows()) == 2
    assert recorded[0].metadata["source"] == "deposit_waive"
    assert recorded[0].metadata["notes"] == "Patikimas klientas"
    assert recorded[0].new_value["amount"] == 0.0
    assert (waived[0].entity_type, waived[0].entity_id) == ("project", project.pk)
    assert waived[0].new_value == {"payment_id": str(payment.pk), "provider_event_id": "W-1"}
    assert waived[0].metadata == {"notes": "Patikimas klientas"}
    project.refresh_from_db()
    assert project.status == "DRAFT"

    project_transition(project=project, new_status="PAID", actor=Actor(actor_type="ADMIN"))
    project.refresh_from_db()
    assert project.status == "PAID"


def test_replay_even_after_the_project_moved_on(api, admin_user):
    project = make_project("DRAFT")
    client = api(admin_user)
    first = client.post_json(url(project), {"provider_event_id": "W-1"}).json()
    project_transition(project=project, new_status="PAID", actor=Actor(actor_type="ADMIN"))

    replay = client.post_json(url(project), {"provider_event_id": "W-1", "notes": "kitas"})

    assert replay.status_code == 200
    assert replay.json() == {**first, "idempotent": True}
    assert Payment.objects.count() == 1
    assert_audited("DEPOSIT_WAIVED", count=1)


def test_replay_with_the_project_id_in_upper_case(api, admin_user):
    project = make_project("DRAFT")
    client = api(admin_user)
    first = client.post_json(url(project), {"provider_event_id": "W-1"}).json()

    replay = client.post_json(url(str(project.pk).upper()), {"provider_event_id": "W-1"})

    assert (replay.status_code, replay.json()) == (200, {**first, "idempotent": True})
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("owner", ["payment", "other-waiver"])
def test_key_used_by_another_payment(api, admin_user, owner):
    project = make_project("DRAFT")
    if owner == "payment":
        add_payment(project, key="W-1")
    else:
        add_waiver(make_project("DRAFT"), key="W-1")
    response = api(admin_user).post_json(url(project), {"provider_event_id": "W-1"})
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "provider_event_id jau panaudotas kitam mokėjimui"},
    )


def test_idempotency_runs_before_the_project_lookup(api, admin_user):
    add_payment(make_project(), key="W-1")
    response = api(admin_user).post_json(url("unknown"), {"provider_event_id": "W-1"})
    assert response.status_code == 409
    response = api(admin_user).post_json(url(uuid.uuid4()), {"provider_event_id": "W-2"})
    assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})


@pytest.mark.parametrize("status", ["PAID", "SCHEDULED", "ACTIVE"])
def test_only_for_draft(api, admin_user, status):
    response = api(admin_user).post_json(url(make_project(status)), {"provider_event_id": "W-1"})
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "Įnašo atidėjimas galimas tik DRAFT projektams"},
    )
    assert Payment.objects.count() == 0
    assert audit_rows() == []


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "provider_event_id"),
        ({"provider_event_id": ""}, "provider_event_id"),
        ({"provider_event_id": "x" * 129}, "provider_event_id"),
        ({"provider_event_id": "W", "currency": "EURO"}, "currency"),
        ({"provider_event_id": "W", "notes": "x" * 2001}, "notes"),
        ({"provider_event_id": "W", "received_at": "soon"}, "received_at"),
    ],
)
def test_validation(api, admin_user, data, field):
    response = api(admin_user).post_json(url(make_project()), data)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]
