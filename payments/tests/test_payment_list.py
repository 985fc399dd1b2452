"""GET /api/v1/admin/projects/{id}/payments (api.md §8.5)."""

import datetime as dt
import uuid
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from payments.tests.factories import add_payment
from projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


def url(project) -> str:
    return f"/api/v1/admin/projects/{project.pk if hasattr(project, 'pk') else project}/payments"


@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 401), ("client_user", 403), ("contractor_user", 403), ("expert_user", 403), ("admin_user", 200)],
)
def test_permission_matrix(api, request, user, status, client_user, contractor_user):
    project = make_project("PAID", client=client_user, contractor=contractor_user)
    assert api(request.getfixturevalue(user) if user else None).get(url(project)).status_code == status


def test_items_newest_first(api, admin_user):
    project = make_project("CERTIFIED")
    # Payments are immutable (a PostgreSQL trigger), so the older row is created at an earlier moment.
    with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        older = add_payment(project, "DEPOSIT", "100.00", key="A", receipt_no="R-1", proof_url="https://x.lt/a")
    newer = add_payment(project, "FINAL", "900.50", key="B", status="VOIDED")
    add_payment(make_project("DRAFT"))

    items = api(admin_user).get(url(project)).json()["items"]

    assert [item["id"] for item in items] == [str(newer.pk), str(older.pk)]
    assert items[1] == {
        "id": str(older.pk),
        "payment_type": "DEPOSIT",
        "amount": 100.0,
        "currency": "EUR",
        "status": "SUCCEEDED",
        "payment_method": "CASH",
        "received_at": None,
        "proof_url": "https://x.lt/a",
        "provider_event_id": "A",
        "provider": "manual",
        "receipt_no": "R-1",
    }
    assert (items[0]["status"], items[0]["amount"]) == ("VOIDED", 900.5)


def test_empty(api, admin_user):
    assert api(admin_user).get(url(make_project())).json() == {"items": []}


@pytest.mark.parametrize("project_id", [uuid.uuid4(), "x"])
def test_unknown_project(api, admin_user, project_id):
    response = api(admin_user).get(url(project_id))
    assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})


def test_query_count_does_not_grow_with_rows(api, admin_user):
    project = make_project("CERTIFIED")
    client = api(admin_user)

    def count_for(total: int) -> int:
        while project.payments.count() < total:
            add_payment(project)
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(url(project)).json()["items"]) == total
        return len(queries)

    assert count_for(3) == count_for(30)
