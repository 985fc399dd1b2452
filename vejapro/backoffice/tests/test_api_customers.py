"""GET /api/v1/admin/customers, /customers/stats and /customers/{client_key}/profile (api.md §15.2-§15.4), built
on the «Klientai» selectors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.tests.factories import add_confirmation, add_outbox
from payments.tests.factories import add_payment
from projects.models import Project
from projects.tests.factories import make_project
from vejapro.core.http.pagination import encode_cursor

URL = "/api/v1/admin/customers"
STATS_URL = "/api/v1/admin/customers/stats"
pytestmark = pytest.mark.django_db


def _touch(project: Project, *, minutes_ago: float) -> Project:
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    Project.objects.filter(pk=project.pk).update(updated_at=moment)
    project.refresh_from_db()
    return project


def _awaiting_confirmation(**kwargs) -> Project:
    """CERTIFIED, final payment in, not confirmed: flag ``pending_confirmation`` (urgency high)."""
    project = make_project("CERTIFIED", **kwargs)
    add_payment(project)
    add_payment(project, "FINAL", "500.00")
    return project


class TestList:
    def test_attention_only_by_default_with_masked_contacts(self, api, admin_user):
        waiting = _touch(_awaiting_confirmation(area_m2=120), minutes_ago=5)
        _touch(make_project("SCHEDULED", name="Ramus", email="ramus@example.com", phone=None), minutes_ago=1)

        response = api(admin_user).get(URL)

        assert response.status_code == 200
        body = response.json()
        assert (body["has_more"], body["next_cursor"]) == (False, None)
        assert body["as_of"].endswith("+00:00")
        assert body["items"] == [
            {
                "client_key": waiting.client_key,
                "client_key_confidence": "MEDIUM",
                "display_name": "Jonas Jonaitis",
                "contact_masked": "j***@g***.com / +370******67",
                "project_count": 1,
                "last_project": {"id": str(waiting.pk), "status": "CERTIFIED"},
                "deposit_state": "PAID",
                "final_state": "AWAITING_CONFIRMATION",
                "attention_flags": ["pending_confirmation"],
                "last_activity": waiting.updated_at.isoformat(),
                "next_best_action": {
                    "type": "resend_confirmation",
                    "project_id": str(waiting.pk),
                    "label": "Persiųsti patvirtinimą",
                },
            }
        ]
        assert "jonas@gmail.com" not in response.content.decode()
        assert "+37061234567" not in response.content.decode()

    def test_a_project_without_contacts_is_a_customer_of_its_own(self, api, admin_user):
        first = make_project(name=None, email=None, phone=None)
        second = make_project(name=None, email=None, phone=None)

        body = api(admin_user).get(URL).json()

        assert {item["client_key"] for item in body["items"]} == {f"unknown:{first.pk}", f"unknown:{second.pk}"}
        assert {item["client_key_confidence"] for item in body["items"]} == {"LOW"}
        assert {item["display_name"] for item in body["items"]} == {None}
        assert {item["contact_masked"] for item in body["items"]} == {"-"}

    def test_customers_group_projects_and_the_latest_project_decides_status_and_money(self, api, admin_user):
        old = _touch(make_project("ACTIVE"), minutes_ago=30)
        new = make_project("DRAFT")
        other = make_project("DRAFT", name="Ona", email="ona@example.com", phone=None)
        add_payment(other)
        client = api(admin_user)

        def keys(**params) -> list[str]:
            response = client.get(URL, {"attention_only": "false", **params})
            assert response.status_code == 200
            return [item["client_key"] for item in response.json()["items"]]

        assert sorted(keys()) == sorted([new.client_key, other.client_key])
        [jonas] = [item for item in client.get(URL).json()["items"] if item["client_key"] == new.client_key]
        assert (jonas["project_count"], jonas["last_project"]["id"]) == (2, str(new.pk))
        assert old.client_key == new.client_key
        assert keys(project_status="ACTIVE") == []
        assert keys(project_status="DRAFT", financial_state="DEPOSIT_PENDING") == [new.client_key]
        assert keys(financial_state="FINAL_PENDING") == [other.client_key]
        assert keys(q="ONA@") == [other.client_key]
        assert keys(q=str(old.pk)[:8]) == [new.client_key]
        assert keys(attention="missing_deposit") == [new.client_key]
        assert keys(last_activity_to=(timezone.now() - timedelta(hours=1)).isoformat()) == []

    def test_every_customer_defaults_to_the_last_twelve_months(self, api, admin_user):
        recent = make_project(name="Naujas", email="naujas@example.com", phone=None)
        _touch(make_project(name="Senas", email="senas@example.com", phone=None), minutes_ago=60 * 24 * 400)

        body = api(admin_user).get(URL, {"attention_only": "false"}).json()

        assert [item["client_key"] for item in body["items"]] == [recent.client_key]

    def test_cursor_pages_at_the_snapshot(self, api, admin_user):
        projects = [
            _touch(make_project(name=f"K{n}", email=f"k{n}@example.com", phone=None), minutes_ago=n) for n in (1, 2, 3)
        ]
        client = api(admin_user)

        first = client.get(URL, {"limit": 2}).json()
        assert [item["client_key"] for item in first["items"]] == [p.client_key for p in projects[:2]]
        assert first["has_more"] is True
        later = make_project(name="Vėlesnis", email="velesnis@example.com", phone=None)
        second = client.get(URL, {"limit": 2, "cursor": first["next_cursor"]}).json()

        assert [item["client_key"] for item in second["items"]] == [projects[2].client_key]
        assert (second["has_more"], second["next_cursor"], second["as_of"]) == (False, None, first["as_of"])
        assert later.client_key not in {item["client_key"] for item in second["items"]}
        same = client.get(URL, {"limit": 2, "cursor": first["next_cursor"], "as_of": first["as_of"]})
        assert same.status_code == 200

    @pytest.mark.parametrize(
        ("params", "detail"),
        [
            ({"cursor": "%%%"}, "Neteisingas žymeklis"),
            ({"cursor": encode_cursor("2026-03-01T00:00:00+00:00", "x")}, "Neteisingas žymeklis"),
            ({"cursor": encode_cursor("vakar", "2026-03-01T00:00:00+00:00", "k")}, "Neteisingas žymeklis"),
            (
                {
                    "cursor": encode_cursor("2026-03-01T00:00:00+00:00", "2026-02-01T00:00:00+00:00", "k"),
                    "as_of": "2026-03-02T00:00:00+00:00",
                },
                "Cursor/as_of mismatch",
            ),
            ({"attention_only": "false", "limit": "101"}, "Per didelis limit"),
        ],
    )
    def test_bad_cursors_and_limits_answer_400(self, api, admin_user, params, detail):
        response = api(admin_user).get(URL, params)

        assert (response.status_code, response.json()) == (400, {"detail": detail})

    @pytest.mark.parametrize(
        "params",
        [{"limit": "201"}, {"limit": "0"}, {"attention": "bad"}, {"financial_state": "PAID"}, {"q": "x" * 129}],
    )
    def test_out_of_range_query_values_answer_422(self, api, admin_user, params):
        response = api(admin_user).get(URL, params)

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", next(iter(params))]

    @pytest.mark.parametrize("count", [3, 30])
    def test_queries_do_not_grow_with_the_page(self, api, admin_user, django_assert_num_queries, count):
        for n in range(count):
            project = make_project("CERTIFIED", name=f"K{n}", email=f"k{n}@example.com", phone=None)
            add_payment(project, "FINAL", "500.00")
            add_outbox(project, status="FAILED")
        client = api(admin_user)

        # The bearer's user, the page of customers, their projects with the facts.
        with django_assert_num_queries(3):
            response = client.get(URL, {"limit": 50})

        assert len(response.json()["items"]) == count


class TestStats:
    def test_distinct_customers_of_the_year_before_as_of(self, api, admin_user):
        make_project()
        make_project()
        make_project(name="Ona", email="ona@example.com", phone=None)
        make_project(name=None, email=None, phone=None)
        for name, days in (("Senas", 200), ("Senovinis", 400)):
            old = make_project(name=name, email=f"{name}@example.com", phone=None)
            Project.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=days))
        as_of = timezone.now() + timedelta(minutes=1)

        response = api(admin_user).get(STATS_URL, {"as_of": as_of.isoformat()})

        assert response.status_code == 200
        assert response.json() == {"unique_clients_12m": 3, "as_of": as_of.isoformat()}
        past = api(admin_user).get(STATS_URL, {"as_of": (timezone.now() - timedelta(days=30)).isoformat()})
        assert past.json()["unique_clients_12m"] == 1


class TestProfile:
    def test_projects_actions_and_totals(self, api, admin_user, client_user):
        draft = make_project("DRAFT", client=client_user, area_m2=80)
        waiting = _awaiting_confirmation(client=client_user)
        add_confirmation(waiting)

        response = api(admin_user).get(f"{URL}/{draft.client_key}/profile")

        assert response.status_code == 200
        body = response.json()
        assert body["client_key"] == str(client_user.pk)
        assert body["client_info"] == {
            "display_name": "Jonas Jonaitis",
            "contact_masked": "j***@g***.com / +370******67",
        }
        by_id = {item["id"]: item for item in body["projects"]}
        assert by_id[str(draft.pk)] == {
            "id": str(draft.pk),
            "status": "DRAFT",
            "created_at": draft.created_at.isoformat(),
            "updated_at": draft.updated_at.isoformat(),
            "deposit_state": "PENDING",
            "final_state": "PENDING",
            "actions_available": ["record_deposit", "waive_deposit", "send_client_access"],
            "area_m2": 80.0,
        }
        assert by_id[str(waiting.pk)]["actions_available"] == [
            "resend_confirmation",
            "admin_confirm",
            "send_client_access",
        ]
        assert body["attention_flags"] == ["pending_confirmation", "missing_deposit"]
        assert body["next_best_action"]["type"] == "resend_confirmation"
        assert body["summary"] == {"total_projects": 2, "total_paid": 600.0}
        assert body["feature_flags"] == {"finance_ledger": False, "finance_ai_ingest": False, "ai_pricing": False}
        assert "jonas@gmail.com" not in response.content.decode()

    def test_the_customer_of_a_project_without_contacts(self, api, admin_user):
        project = make_project(name=None, email=None, phone=None)

        response = api(admin_user).get(f"{URL}/unknown:{project.pk}/profile")

        assert response.status_code == 200
        assert [item["id"] for item in response.json()["projects"]] == [str(project.pk)]

    @pytest.mark.parametrize("key", ["unknown", "unknown:nera", "nezinomas-raktas"])
    def test_an_unknown_key_is_404(self, api, admin_user, key):
        make_project(name=None, email=None, phone=None)

        response = api(admin_user).get(f"{URL}/{key}/profile")

        assert (response.status_code, response.json()) == (404, {"detail": "Klientas nerastas"})

    @pytest.mark.parametrize("count", [3, 30])
    def test_queries_do_not_grow_with_projects(self, api, admin_user, django_assert_num_queries, count):
        for _ in range(count):
            add_payment(make_project("PAID"))
        key = Project.objects.first().client_key
        client = api(admin_user)

        # The bearer's user, the projects with the facts, the total paid.
        with django_assert_num_queries(3):
            response = client.get(f"{URL}/{key}/profile")

        assert len(response.json()["projects"]) == count
