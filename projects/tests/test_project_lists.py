"""GET /client/projects, /contractor/projects, /expert/projects, /admin/projects (api.md §6.3-§6.5, §1.6)."""

import base64
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import Project
from projects.tests.factories import make_project

pytestmark = pytest.mark.django_db
ADMIN_PROJECT_OUT = {
    "id", "status", "scheduled_for", "assigned_contractor_id", "assigned_expert_id", "created_at", "updated_at",
}  # fmt: skip


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def walk(client, url: str, limit: int) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(url + query).json()
        pages.append([item["id"] for item in body["items"]])
        assert body["has_more"] is (body["next_cursor"] is not None)
        if not body["has_more"]:
            return pages
        cursor = body["next_cursor"]


ENDPOINTS = {
    "/api/v1/client/projects": "client_user",
    "/api/v1/contractor/projects": "contractor_user",
    "/api/v1/expert/projects": "expert_user",
    "/api/v1/admin/projects": "admin_user",
}


@pytest.mark.parametrize("url", list(ENDPOINTS))
@pytest.mark.parametrize(
    "user", [None, "admin_user", "client_user", "contractor_user", "expert_user", "outsider_client"]
)
def test_permission_matrix(api, request, url, user):
    response = api(request.getfixturevalue(user) if user else None).get(url)
    allowed = {ENDPOINTS[url]} | ({"outsider_client"} if ENDPOINTS[url] == "client_user" else set())
    if user is None:
        assert (response.status_code, response.json()) == (401, {"detail": "Truksta Bearer zetono"})
    elif user in allowed:
        assert response.status_code == 200
    else:
        assert (response.status_code, response.json()) == (403, {"detail": "Draudžiama"})


class TestSelection:
    def test_client_sees_own_projects_as_project_out(self, api, client_user, outsider_client):
        mine = make_project("PAID", client=client_user, internal_cost=50)
        make_project("PAID", client=outsider_client)
        body = api(client_user).get("/api/v1/client/projects").json()

        assert [item["id"] for item in body["items"]] == [str(mine.pk)]
        assert body["items"][0]["internal_cost"] is None
        assert "client_info" in body["items"][0]
        assert (body["next_cursor"], body["has_more"]) == (None, False)

    @pytest.mark.parametrize(
        ("url", "user", "other", "field"),
        [
            ("/api/v1/contractor/projects", "contractor_user", "other_contractor", "contractor"),
            ("/api/v1/expert/projects", "expert_user", "other_expert", "expert"),
        ],
    )
    def test_assigned_lists(self, api, request, url, user, other, field):
        me, someone = request.getfixturevalue(user), request.getfixturevalue(other)
        draft = make_project("DRAFT", **{field: me})
        paid = make_project("PAID", **{field: me})
        make_project("PAID", **{field: someone})
        make_project("PAID")

        body = api(me).get(url).json()
        assert {item["id"] for item in body["items"]} == {str(draft.pk), str(paid.pk)}
        assert set(body["items"][0]) == ADMIN_PROJECT_OUT
        filtered = api(me).get(url + "?status=PAID").json()
        assert [item["id"] for item in filtered["items"]] == [str(paid.pk)]

    def test_admin_filters(self, api, admin_user, contractor_user, expert_user):
        a = make_project("DRAFT", contractor=contractor_user)
        b = make_project("PAID", expert=expert_user)
        c = make_project("PAID", contractor=contractor_user, expert=expert_user)
        client = api(admin_user)

        assert len(client.get("/api/v1/admin/projects").json()["items"]) == 3
        ids = lambda query: {item["id"] for item in client.get("/api/v1/admin/projects?" + query).json()["items"]}  # noqa: E731
        assert ids(f"assigned_contractor_id={contractor_user.pk}") == {str(a.pk), str(c.pk)}
        assert ids(f"assigned_expert_id={expert_user.pk}") == {str(b.pk), str(c.pk)}
        assert ids(f"status=PAID&assigned_contractor_id={contractor_user.pk}") == {str(c.pk)}
        assert ids("assigned_contractor_id=") == {str(a.pk), str(b.pk), str(c.pk)}

    @pytest.mark.parametrize("field", ["assigned_contractor_id", "assigned_expert_id"])
    def test_admin_filter_must_be_a_uuid(self, api, admin_user, field):
        response = api(admin_user).get(f"/api/v1/admin/projects?{field}=12")
        assert (response.status_code, response.json()) == (400, {"detail": f"Invalid {field}"})


class TestLimitsAndCursors:
    @pytest.mark.parametrize(
        ("url", "user", "bad_limit"),
        [
            ("/api/v1/client/projects", "client_user", 101),
            ("/api/v1/contractor/projects", "contractor_user", 201),
            ("/api/v1/expert/projects", "expert_user", 201),
            ("/api/v1/admin/projects", "admin_user", 201),
        ],
    )
    @pytest.mark.parametrize("variant", ["too-big", "zero", "negative", "text", "float"])
    def test_limit_out_of_range_is_422(self, api, request, url, user, bad_limit, variant):
        value = {"too-big": bad_limit, "zero": 0, "negative": -1, "text": "ten", "float": "1.5"}[variant]
        response = api(request.getfixturevalue(user)).get(f"{url}?limit={value}")
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "limit"]

    @pytest.mark.parametrize("url", ["/api/v1/contractor/projects", "/api/v1/admin/projects"])
    def test_bad_status_filter_is_422(self, api, admin_user, contractor_user, url):
        user = admin_user if "admin" in url else contractor_user
        response = api(user).get(url + "?status=paid")
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", "status"]

    def test_default_limits(self, api, client_user, admin_user):
        for _ in range(55):
            make_project("DRAFT", client=client_user)
        client_page = api(client_user).get("/api/v1/client/projects").json()
        admin_page = api(admin_user).get("/api/v1/admin/projects").json()
        assert (len(client_page["items"]), client_page["has_more"]) == (20, True)
        assert (len(admin_page["items"]), admin_page["has_more"]) == (50, True)
        assert len(api(client_user).get("/api/v1/client/projects?limit=100").json()["items"]) == 55

    def test_pagination_over_equal_created_at(self, api, admin_user, client_user):
        projects = [make_project("DRAFT", client=client_user) for _ in range(7)]
        same = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
        Project.objects.update(created_at=same)
        newest = make_project("DRAFT", client=client_user)

        for url, user in [("/api/v1/admin/projects", admin_user), ("/api/v1/client/projects", client_user)]:
            pages = walk(api(user), url, 3)
            flat = [item for page in pages for item in page]
            assert [len(page) for page in pages] == [3, 3, 2]
            expected_ties = sorted((str(p.pk) for p in projects), key=lambda pk: pk, reverse=True)
            assert flat == [str(newest.pk), *expected_ties]

    def test_cursor_encodes_created_at_and_id(self, api, admin_user):
        make_project("DRAFT")
        second = make_project("DRAFT")
        body = api(admin_user).get("/api/v1/admin/projects?limit=1").json()
        second.refresh_from_db()
        decoded = base64.urlsafe_b64decode(body["next_cursor"]).decode()
        assert decoded == f"{second.created_at.isoformat()}|{second.pk}"

    @pytest.mark.parametrize(
        "cursor",
        ["!!!", b64("garbage"), b64("2026-03-01T08:00:00+00:00|not-a-uuid"), b64("2026-03-01T08:00:00|" + "0" * 32),
         b64("yesterday|00000000-0000-0000-0000-000000000000"), b64("a|b|c"), "%FF%FE", b64("\u0000"),
         # valid ISO text whose UTC value leaves the datetime range (the database would raise OverflowError)
         b64("9999-12-31T23:59:59-23:59|00000000-0000-0000-0000-000000000000"),
         b64("0001-01-01T00:00:00+23:59|00000000-0000-0000-0000-000000000000")],
    )  # fmt: skip
    @pytest.mark.parametrize("url", list(ENDPOINTS))
    def test_bad_cursor_is_400(self, api, request, url, cursor):
        response = api(request.getfixturevalue(ENDPOINTS[url])).get(f"{url}?cursor={cursor}")
        assert (response.status_code, response.json()) == (400, {"detail": "Neteisingas žymeklis"})


@pytest.mark.parametrize("url", list(ENDPOINTS))
def test_query_count_does_not_grow_with_rows(api, request, url, client_user, contractor_user, expert_user):
    client = api(request.getfixturevalue(ENDPOINTS[url]))

    def count_for(total: int) -> int:
        while Project.objects.count() < total:
            make_project("DRAFT", client=client_user, contractor=contractor_user, expert=expert_user)
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url + "?limit=100").json()
        assert len(body["items"]) == total
        return len(queries)

    assert count_for(3) == count_for(30)
