"""GET /api/v1/admin/projects/{id}/client-token (api.md §5.4)."""

import time

import jwt
import pytest

from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited, audit_rows

pytestmark = pytest.mark.django_db


def url(project) -> str:
    return f"/api/v1/admin/projects/{project.pk if hasattr(project, 'pk') else project}/client-token"


@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 401), ("client_user", 403), ("contractor_user", 403), ("expert_user", 403), ("admin_user", 200)],
)
def test_permission_matrix(api, request, client_user, user, status):
    project = make_project("PAID", client=client_user)
    assert api(request.getfixturevalue(user) if user else None).get(url(project)).status_code == status


def test_token_for_the_owner(api, admin_user, client_user, settings):
    settings.CLIENT_TOKEN_TTL_HOURS = 0
    project = make_project("PAID", client=client_user)

    response = api(admin_user).get(url(project))

    assert response.status_code == 200
    body = response.json()
    claims = jwt.decode(
        body["token"], settings.SUPABASE_JWT_SECRET, algorithms=["HS256"], audience=settings.SUPABASE_JWT_AUDIENCE
    )
    assert claims["sub"] == str(client_user.pk)
    assert claims["email"] == "jonas@gmail.com"
    assert claims["app_metadata"] == {"role": "CLIENT"}
    assert claims["exp"] == body["expires_at"]
    assert abs(body["expires_at"] - (time.time() + 168 * 3600)) < 60
    assert body["client_id"] == str(client_user.pk)
    assert body["portal_url"] == f"{settings.PUBLIC_BASE_URL}/client?token={body['token']}&project={project.pk}"
    [row] = assert_audited(
        "CLIENT_TOKEN_ISSUED",
        entity_type="project",
        entity_id=project.pk,
        actor_type="ADMIN",
        new_value={"client_id": str(client_user.pk), "ttl_hours": 168},
        exact=True,
    )
    assert body["token"] not in str(row.new_value)


def test_token_is_accepted_by_the_api(api, admin_user, client_user):
    project = make_project("PAID", client=client_user)
    token = api(admin_user).get(url(project)).json()["token"]
    response = api().get(f"/api/v1/projects/{project.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_placeholder_email_and_configured_ttl(api, admin_user, settings):
    settings.CLIENT_TOKEN_TTL_HOURS = 2
    project = make_project("DRAFT", client_info={"client_id": "legacy-client-7"}, client_user_id="legacy-client-7")
    body = api(admin_user).get(url(project)).json()
    claims = jwt.decode(body["token"], options={"verify_signature": False})
    assert (claims["sub"], claims["email"]) == ("legacy-client-7", "client@vejapro.local")
    assert audit_rows("CLIENT_TOKEN_ISSUED")[0].new_value["ttl_hours"] == 2


def test_project_without_owner(api, admin_user):
    response = api(admin_user).get(url(make_project("DRAFT")))
    assert (response.status_code, response.json()) == (400, {"detail": "client_id missing in project.client_info"})
    assert audit_rows() == []


@pytest.mark.parametrize("project_id", ["00000000-0000-4000-8000-000000000000", "zzz"])
def test_unknown_project(api, admin_user, project_id):
    response = api(admin_user).get(url(project_id))
    assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})
