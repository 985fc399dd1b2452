"""POST /api/v1/transition-status (api.md §6.9, workflow.md §6.1)."""

from decimal import Decimal

import pytest

from payments.tests.factories import add_payment
from projects.tests.factories import add_photos, make_project
from vejapro.core.tests.audit import assert_audited, audit_rows

URL = "/api/v1/transition-status"
pytestmark = pytest.mark.django_db


def _post(api, user, project, new_status="PAID", **extra):
    body = {"project_id": str(project.pk) if hasattr(project, "pk") else project, "new_status": new_status, **extra}
    return api(user).post_json(URL, body)


@pytest.fixture
def draft(client_user, contractor_user, expert_user):
    project = make_project(
        "DRAFT", client=client_user, contractor=contractor_user, expert=expert_user, internal_cost=Decimal("80.00")
    )
    add_payment(project)
    return project


class TestPermissions:
    def test_no_token(self, api, draft):
        response = _post(api, None, draft)
        assert (response.status_code, response.json()) == (401, {"detail": "Truksta Bearer zetono"})
        assert response["WWW-Authenticate"] == "Bearer"

    def test_client_owner_gets_role_403(self, api, draft, client_user):
        response = _post(api, client_user, draft)
        assert (response.status_code, response.json()) == (403, {"detail": "Draudžiama"})
        draft.refresh_from_db()
        assert draft.status == "DRAFT"

    @pytest.mark.parametrize("user", ["other_contractor", "other_expert"])
    def test_unassigned_contractor_or_expert(self, api, draft, user, request):
        response = _post(api, request.getfixturevalue(user), draft)
        assert (response.status_code, response.json()) == (403, {"detail": "Prieiga uždrausta"})
        draft.refresh_from_db()
        assert draft.status == "DRAFT"
        assert_audited("STATUS_CHANGE", count=0)

    def test_unknown_project_is_404_before_access(self, api, other_contractor):
        for project_id in ["00000000-0000-4000-8000-00000000dead", "nope", "1; DROP TABLE projects"]:
            response = _post(api, other_contractor, project_id)
            assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})

    def test_assigned_contractor_moves_the_project(self, api, draft, contractor_user):
        response = _post(api, contractor_user, draft)
        assert response.status_code == 200
        body = response.json()
        assert (body["id"], body["status"], body["internal_cost"]) == (str(draft.pk), "PAID", 80.0)
        assert_audited(
            "STATUS_CHANGE", actor_type="SUBCONTRACTOR", actor_id=str(contractor_user.pk), metadata=None, exact=True
        )

    def test_assigned_expert_passes_access_but_not_the_engine(self, api, draft, expert_user):
        response = _post(api, expert_user, draft)
        assert (response.status_code, response.json()) == (403, {"detail": "Prieiga uždrausta"})

    def test_admin(self, api, draft, admin_user):
        response = _post(api, admin_user, draft)
        assert response.status_code == 200
        assert response.json()["status"] == "PAID"


class TestActorOverride:
    def test_non_admin_may_not_send_actor(self, api, draft, contractor_user):
        response = _post(api, contractor_user, draft, actor="SUBCONTRACTOR")
        assert (response.status_code, response.json()) == (403, {"detail": "Prieiga uždrausta"})
        assert_audited("STATUS_CHANGE", count=0)

    def test_non_admin_garbage_actor_is_403_not_400(self, api, draft, contractor_user):
        response = _post(api, contractor_user, draft, actor="whatever")
        assert (response.status_code, response.json()) == (403, {"detail": "Prieiga uždrausta"})

    @pytest.mark.parametrize("value", ["SYSTEM", "SYSTEM_EMAIL", "ROBOT", "admin!"])
    def test_admin_invalid_actor(self, api, draft, admin_user, value):
        response = _post(api, admin_user, draft, actor=value)
        assert (response.status_code, response.json()) == (400, {"detail": "Invalid actor"})

    def test_admin_override_is_trimmed_and_upper_cased(self, api, draft, admin_user):
        response = _post(api, admin_user, draft, actor="  system_stripe ")
        assert response.status_code == 200
        assert_audited(
            "STATUS_CHANGE",
            actor_type="SYSTEM_STRIPE",
            actor_id=str(admin_user.pk),
            metadata={"actor_override": True},
            exact=True,
        )

    def test_admin_override_as_client_is_refused_by_the_engine(self, api, draft, admin_user):
        response = _post(api, admin_user, draft, actor="CLIENT")
        assert (response.status_code, response.json()) == (403, {"detail": "Prieiga uždrausta"})
        draft.refresh_from_db()
        assert draft.status == "DRAFT"


class TestBody:
    def test_entity_id_when_project_id_is_absent(self, api, draft, admin_user):
        response = api(admin_user).post_json(
            URL, {"entity_id": str(draft.pk), "entity_type": "project", "new_status": "PAID"}
        )
        assert response.status_code == 200
        assert response.json()["status"] == "PAID"

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"new_status": "PAID"}, "project_id"),
            ({"project_id": "", "entity_id": None, "new_status": "PAID"}, "project_id"),
            ({"project_id": "{pk}", "new_status": "paid"}, "new_status"),
            ({"project_id": "{pk}", "new_status": "DONE"}, "new_status"),
            ({"project_id": "{pk}"}, "new_status"),
            ({"project_id": "{pk}", "new_status": None}, "new_status"),
            ({"project_id": "{pk}", "new_status": "PAID", "entity_type": "evidence"}, "entity_type"),
            ({"project_id": {"a": 1}, "new_status": "PAID"}, "project_id"),
        ],
    )
    def test_validation_is_422(self, api, draft, admin_user, body, field):
        body = {key: value.format(pk=draft.pk) if isinstance(value, str) else value for key, value in body.items()}
        response = api(admin_user).post_json(URL, body)
        assert response.status_code == 422
        assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]
        draft.refresh_from_db()
        assert draft.status == "DRAFT"

    def test_same_status_is_a_noop(self, api, draft, admin_user):
        response = _post(api, admin_user, draft, new_status="DRAFT")
        assert response.status_code == 200
        assert response.json()["status"] == "DRAFT"
        assert audit_rows() == []

    def test_skipping_a_step_is_400(self, api, draft, admin_user):
        response = _post(api, admin_user, draft, new_status="SCHEDULED")
        assert (response.status_code, response.json()) == (400, {"detail": "Negalimas perejimas: DRAFT -> SCHEDULED"})

    def test_moving_back_is_400(self, api, admin_user):
        project = make_project("SCHEDULED")
        response = _post(api, admin_user, project, new_status="PAID")
        assert (response.status_code, response.json()) == (400, {"detail": "Negalimas perejimas: SCHEDULED -> PAID"})

    def test_certification_needs_the_certify_endpoint(self, api, admin_user):
        project = make_project("PENDING_EXPERT")
        add_photos(project, 5)
        response = _post(api, admin_user, project, new_status="CERTIFIED")
        assert (response.status_code, response.json()) == (400, {"detail": "Reikalingas kontrolinis sąrašas"})

    def test_expert_sees_no_internal_cost(self, api, expert_user):
        project = make_project("SCHEDULED", expert=expert_user, internal_cost=Decimal("10.00"))
        response = _post(api, expert_user, project, new_status="SCHEDULED")
        assert response.status_code == 200
        assert response.json()["internal_cost"] is None
