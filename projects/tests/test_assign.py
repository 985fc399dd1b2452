"""POST /admin/projects/{id}/assign-contractor and /assign-expert (api.md §6.8, workflow.md §6.3)."""

import uuid

import pytest

from projects.tests.factories import make_project
from vejapro.core.models import Role, User
from vejapro.core.tests.audit import audit_rows

pytestmark = pytest.mark.django_db
KINDS = {
    "assign-contractor": ("contractor_user", "other_contractor", "assigned_contractor_id", "ASSIGN_CONTRACTOR",
                          "SUBCONTRACTOR"),
    "assign-expert": ("expert_user", "other_expert", "assigned_expert_id", "ASSIGN_EXPERT", "EXPERT"),
}  # fmt: skip


def url(project, kind: str) -> str:
    return f"/api/v1/admin/projects/{project.pk if hasattr(project, 'pk') else project}/{kind}"


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 401), ("client_user", 403), ("contractor_user", 403), ("expert_user", 403), ("admin_user", 200)],
)
def test_permission_matrix(api, request, kind, user, status):
    project = make_project("DRAFT")
    target = request.getfixturevalue(KINDS[kind][0])
    response = api(request.getfixturevalue(user) if user else None).post_json(
        url(project, kind), {"user_id": str(target.pk)}
    )
    assert response.status_code == status
    if status == 403:
        assert response.json() == {"detail": "Draudžiama"}


@pytest.mark.parametrize("kind", list(KINDS))
def test_assign_then_reassign_then_same_user(api, admin_user, request, kind):
    first_fixture, second_fixture, column, action, _role = KINDS[kind]
    first, second = request.getfixturevalue(first_fixture), request.getfixturevalue(second_fixture)
    project = make_project("SCHEDULED")
    client = api(admin_user)

    response = client.post_json(url(project, kind), {"user_id": str(first.pk)})
    assert (response.status_code, response.json()) == (200, {"success": True, "no_change": False})
    response = client.post_json(url(project, kind), {"user_id": str(second.pk)})
    assert response.json() == {"success": True, "no_change": False}
    response = client.post_json(url(project, kind), {"user_id": str(second.pk).upper()})
    assert (response.status_code, response.json()) == (200, {"success": True, "no_change": True})

    project.refresh_from_db()
    assert str(getattr(project, column)) == str(second.pk)
    assert project.status == "SCHEDULED"
    rows = audit_rows(action)
    assert [(row.old_value, row.new_value) for row in rows] == [
        ({column: None}, {column: str(first.pk)}),
        ({column: str(first.pk)}, {column: str(second.pk)}),
    ]
    assert {(row.actor_type, row.actor_id, row.entity_id) for row in rows} == {
        ("ADMIN", str(admin_user.pk), project.pk)
    }


@pytest.mark.parametrize("kind", list(KINDS))
def test_any_status_is_allowed(api, admin_user, request, kind):
    project = make_project("ACTIVE")
    target = request.getfixturevalue(KINDS[kind][0])
    assert api(admin_user).post_json(url(project, kind), {"user_id": str(target.pk)}).status_code == 200


@pytest.mark.parametrize("kind", list(KINDS))
class TestErrors:
    def _post(self, api, admin_user, project, kind, user_id):
        response = api(admin_user).post_json(url(project, kind), {"user_id": user_id})
        assert audit_rows() == []
        return response.status_code, response.json()

    def test_unknown_project(self, api, admin_user, kind, contractor_user):
        for project_id in [uuid.uuid4(), "x"]:
            assert self._post(api, admin_user, project_id, kind, str(contractor_user.pk)) == (
                404,
                {"detail": "Projektas nerastas"},
            )

    def test_user_id_not_a_uuid(self, api, admin_user, kind):
        assert self._post(api, admin_user, make_project(), kind, "abc") == (400, {"detail": "Invalid user_id"})
        assert self._post(api, admin_user, make_project(), kind, 12) == (400, {"detail": "Invalid user_id"})

    def test_user_missing(self, api, admin_user, kind):
        assert self._post(api, admin_user, make_project(), kind, str(uuid.uuid4())) == (
            404,
            {"detail": "Vartotojas nerastas"},
        )

    def test_wrong_role(self, api, admin_user, kind, client_user):
        role = KINDS[kind][4]
        assert self._post(api, admin_user, make_project(), kind, str(client_user.pk)) == (
            400,
            {"detail": f"User role must be {role}"},
        )

    def test_inactive_user(self, api, admin_user, kind):
        role = Role.SUBCONTRACTOR if kind == "assign-contractor" else Role.EXPERT
        user = User.objects.create_user("off@vejapro.test", role=role, is_active=False)
        project = make_project()
        assert self._post(api, admin_user, project, kind, str(user.pk)) == (400, {"detail": "Vartotojas neaktyvus"})
        project.refresh_from_db()
        assert (project.assigned_contractor_id, project.assigned_expert_id) == (None, None)

    @pytest.mark.parametrize("body", [{}, {"user_id": ""}, {"user_id": None}, {"user_id": ["x"]}])
    def test_body_validation(self, api, admin_user, kind, body):
        response = api(admin_user).post_json(url(make_project(), kind), body)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["body", "user_id"]
