"""GET /api/v1/admin/projects/mini-triage (api.md §6.7)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.tests.factories import add_outbox
from payments.tests.factories import add_payment
from projects.models import Project
from projects.tests.factories import make_project

URL = "/api/v1/admin/projects/mini-triage"
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 401), ("client_user", 403), ("contractor_user", 403), ("expert_user", 403), ("admin_user", 200)],
)
def test_permission_matrix(api, request, user, status):
    assert api(request.getfixturevalue(user) if user else None).get(URL).status_code == status


def test_paid_and_scheduled_cards_most_recent_first(api, admin_user, client_user):
    paid = make_project("PAID", client=client_user)
    scheduled = make_project("SCHEDULED")
    add_outbox(scheduled, status="FAILED")
    for status in ["DRAFT", "PENDING_EXPERT", "CERTIFIED", "ACTIVE"]:
        make_project(status)
    Project.objects.filter(pk=paid.pk).update(updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))

    body = api(admin_user).get(URL).json()

    assert body["view_version"] == "1.0"
    assert [card["project_id"] for card in body["items"]] == [str(scheduled.pk), str(paid.pk)]
    assert body["items"][1] == {
        "project_id": str(paid.pk),
        "client_key": str(client_user.pk),
        "contact_masked": "j***@g***.com / +370******67",
        "urgency": "low",
        "stuck_reason": "Apmokėta, bet nesuplanuotas vizitas",
        "primary_action": {
            "label": "Suplanuoti vizitą",
            "action_key": "schedule_visit",
            "payload": {"project_id": str(paid.pk), "client_key": str(client_user.pk)},
        },
    }
    first = body["items"][0]
    assert (first["urgency"], first["stuck_reason"], first["primary_action"]["action_key"]) == (
        "medium",
        "Nepavyko išsiųsti pranešimo",
        "assign_expert",
    )


def test_limit(api, admin_user):
    for _ in range(25):
        make_project("PAID")
    client = api(admin_user)
    assert len(client.get(URL).json()["items"]) == 20
    assert len(client.get(URL, {"limit": 50}).json()["items"]) == 25
    for bad in [0, 51, "x"]:
        response = client.get(URL, {"limit": bad})
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "limit"]


def test_query_count_does_not_grow_with_rows(api, admin_user):
    client = api(admin_user)

    def count_for(total: int) -> int:
        while Project.objects.count() < total:
            add_payment(make_project("PAID"))
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(URL, {"limit": 50}).json()["items"]) == total
        return len(queries)

    assert count_for(3) == count_for(30)
