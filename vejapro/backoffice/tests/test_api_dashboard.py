"""GET /api/v1/admin/dashboard (api.md §15.1), built on the «Darbo eilė» selectors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.tests.factories import add_outbox
from payments.tests.factories import add_payment
from projects.models import Project
from projects.tests.factories import make_project

URL = "/api/v1/admin/dashboard"
pytestmark = pytest.mark.django_db


def _aged(project: Project, minutes: int) -> Project:
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))
    return project


def _world() -> dict[str, Project]:
    waiting = make_project("CERTIFIED", name="Laukia", email="laukia@example.com", phone=None)
    add_payment(waiting, "FINAL", "500.00")
    failed = make_project("PAID", name="Klaida", email="klaida@example.com", phone="+37061111122")
    add_payment(failed)
    add_outbox(failed, status="FAILED")
    newest_low = make_project("DRAFT", name="Naujas", email="naujas@example.com", phone=None)
    oldest_low = make_project("DRAFT", name="Senas", email="senas@example.com", phone=None)
    make_project("ACTIVE", name="Baigta", email="baigta@example.com", phone=None)
    return {
        "waiting": _aged(waiting, 50),
        "failed": _aged(failed, 40),
        "newest_low": _aged(newest_low, 10),
        "oldest_low": _aged(oldest_low, 30),
    }


def test_hero_triage_and_preview(api, admin_user):
    world = _world()

    response = api(admin_user).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["hero"] == {
        "urgent_count": 1,
        "stats": {"pending_confirmation": 1, "failed_outbox": 1, "missing_deposit": 2, "new_calls": 0},
    }
    assert body["ai_summary"] is None
    # High, medium, then low with the newest activity first.
    order = ["waiting", "failed", "newest_low", "oldest_low"]
    assert [item["project_id"] for item in body["triage"]] == [str(world[name].pk) for name in order]
    assert body["triage"][1] == {
        "client_key": world["failed"].client_key,
        "contact_masked": "k***@e***.com / +370******22",
        "project_id": str(world["failed"].pk),
        "urgency": "medium",
        "stuck_reason": "Nepavyko išsiųsti pranešimo",
        "next_best_action": {
            "type": "schedule_visit",
            "project_id": str(world["failed"].pk),
            "label": "Suplanuoti vizitą",
        },
    }
    assert [item["urgency"] for item in body["triage"]] == ["high", "medium", "low", "low"]
    assert body["triage"][0]["stuck_reason"] == "Laukia kliento patvirtinimo"
    assert len(body["customers_preview"]) == 4
    assert body["customers_preview"][0]["client_key"] == world["newest_low"].client_key
    assert "klaida@example.com" not in response.content.decode()


def test_triage_limit(api, admin_user):
    world = _world()

    body = api(admin_user).get(URL, {"triage_limit": 2}).json()

    assert [item["project_id"] for item in body["triage"]] == [str(world["waiting"].pk), str(world["failed"].pk)]
    assert body["hero"]["urgent_count"] == 1


@pytest.mark.parametrize("value", ["0", "51", "daug"])
def test_triage_limit_out_of_range_is_422(api, admin_user, value):
    response = api(admin_user).get(URL, {"triage_limit": value})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "triage_limit"]


@pytest.mark.parametrize("count", [3, 30])
def test_queries_do_not_grow_with_customers(api, admin_user, django_assert_num_queries, count):
    for n in range(count):
        project = make_project("CERTIFIED", name=f"K{n}", email=f"k{n}@example.com", phone=None)
        add_payment(project, "FINAL", "500.00")
    client = api(admin_user)

    # The bearer's user, the flag counts, the new call requests, the triage customers and their projects, the
    # preview's customers and their projects.
    with django_assert_num_queries(7):
        response = client.get(URL)

    assert len(response.json()["triage"]) == min(count, 20)
