"""Every bad input answers a clear 4xx and changes nothing: never a 500 (project endpoints)."""

import pytest

from projects.models import Project
from projects.tests.factories import make_project
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db

GARBAGE_BODIES = [
    "",
    "{",
    "null",
    "[]",
    "[1, 2]",
    '"text"',
    "12",
    "true",
    '{"a": NaN}',
    '{"a": Infinity}',
    '{"a": 1e999}',
    '{"project_id": 1e999, "new_status": 5}',
    '{"client_info": {"email": ["x"]}, "name": {"a": 1}}',
    '{"user_id": {"$ne": null}}',
    '{"area_m2": 99999999999999999999999999999999999999}',
    '{"new_status": "PAID", "project_id": "' + "9" * 5000 + '"}',
    '{"cursor": "\\u0000"}',
    '{"client_info": {"name": "a\\u0000b"}, "name": "x\\u0000"}',
    '{"client_info": {"n\\u0000": "a"}}',
    '{"project_id": "\\u0000", "entity_id": "x", "new_status": "PAID", "actor": "\\u0000"}',
    '{"user_id": "\\u0000"}',
    "\xff\xfe",
    # Nested past Python's recursion limit (json raises RecursionError, not ValueError), and merely absurdly deep.
    "[" * 5000 + "]" * 5000,
    '{"client_info": {"name": "J", "x": 1e999}, "amount": 1, "checklist": {"ground": 1e999}, "notes": [-1e999]}',
    # Lone surrogate escapes: valid JSON text, but no UTF-8 for the database (free-form JSON fields carry them there).
    '{"client_info": {"name": "J\\ud800"}, "checklist": {"x\\udc00": true}, "name": "J", "reason": "abc\\ud800"}',
    '{"client_info": ' + '{"a": ' * 200 + "1" + "}" * 200 + ', "name": "J", "user_id": "x", "new_status": "PAID"}',
]
POST_PATHS = [
    "/api/v1/projects",
    "/api/v1/transition-status",
    "/api/v1/admin/projects/{pk}/assign-contractor",
    "/api/v1/admin/projects/{pk}/assign-expert",
]
GET_PATHS = [
    "/api/v1/projects/{pk}",
    "/api/v1/client/projects",
    "/api/v1/contractor/projects",
    "/api/v1/expert/projects",
    "/api/v1/admin/projects",
    "/api/v1/admin/projects/view",
    "/api/v1/admin/projects/mini-triage",
    "/api/v1/admin/projects/{pk}/client-token",
]
GARBAGE_QUERIES = [
    "limit=99999999999999999999999",
    "limit=-0",
    "limit=1e3",
    "cursor=" + "A" * 3000,
    "cursor=%00",
    "cursor=====",
    "status=%F0%9F%98%80",
    "as_of=9999-99-99",
    "as_of=0001-01-01T00:00:00%2B14:00",
    "as_of=2026-01-01T00:00:00-23:59",
    "attention_only=%00",
    "assigned_contractor_id=%00",
    "limit=1&limit=x",
]
USERS = ["admin_user", "client_user", "contractor_user", "expert_user"]


@pytest.fixture
def project(client_user, contractor_user, expert_user):
    return make_project("DRAFT", client=client_user, contractor=contractor_user, expert=expert_user)


@pytest.mark.parametrize("path", POST_PATHS)
@pytest.mark.parametrize("user", USERS)
def test_garbage_bodies(api, request, project, path, user):
    client = api(request.getfixturevalue(user))
    before = (Project.objects.count(), AuditLog.objects.count())
    for raw in GARBAGE_BODIES:
        response = client.post(
            path.format(pk=project.pk), data=raw.encode("utf-8", "surrogateescape"), content_type="application/json"
        )
        assert 400 <= response.status_code < 500, (raw, response.status_code, response.content[:200])
        assert "detail" in response.json()
    assert (Project.objects.count(), AuditLog.objects.count()) == before
    project.refresh_from_db()
    assert (project.status, project.assigned_contractor_id) == ("DRAFT", project.assigned_contractor_id)


@pytest.mark.parametrize("path", GET_PATHS)
def test_garbage_queries(api, admin_user, client_user, contractor_user, expert_user, project, path):
    for user in (admin_user, client_user, contractor_user, expert_user):
        client = api(user)
        for query in GARBAGE_QUERIES:
            response = client.get(path.format(pk=project.pk) + "?" + query)
            assert response.status_code < 500, (path, query, response.status_code)


@pytest.mark.parametrize(
    "project_id", ["%00", "..", "null", "0", "-1", "ffffffff-ffff-ffff-ffff-fffffffffffff", "%F0%9F%98%80", "a" * 300]
)
def test_garbage_ids(api, admin_user, project_id):
    client = api(admin_user)
    for path in ["/api/v1/projects/{pk}", "/api/v1/admin/projects/{pk}/client-token"]:
        response = client.get(path.format(pk=project_id))
        assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})
    for kind in ["assign-contractor", "assign-expert"]:
        response = client.post_json(f"/api/v1/admin/projects/{project_id}/{kind}", {"user_id": "x"})
        assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})
    response = client.post_json("/api/v1/transition-status", {"project_id": project_id, "new_status": "PAID"})
    assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})


def test_form_encoded_body_is_validated_not_crashing(api, admin_user, project):
    response = api(admin_user).post(
        "/api/v1/transition-status", data={"project_id": str(project.pk), "new_status": "WRONG"}
    )
    assert response.status_code == 422
