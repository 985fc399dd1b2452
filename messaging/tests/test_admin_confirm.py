"""POST /api/v1/admin/projects/{id}/admin-confirm (api.md §9.1, workflow.md §6.6)."""

import uuid

import pytest

from messaging.models import ClientConfirmation
from payments.tests.factories import add_payment
from projects.models import ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.tests.audit import audit_actions, audit_rows

pytestmark = pytest.mark.django_db

REASON = "Klientas patvirtino telefonu"


def url(project_id) -> str:
    return f"/api/v1/admin/projects/{project_id}/admin-confirm"


@pytest.fixture
def certified():
    project = make_project(ProjectStatus.CERTIFIED)
    add_payment(project, "FINAL", "500.00")
    return project


def test_anonymous_is_401(api, certified):
    response = api().post_json(url(certified.pk), {"reason": REASON})

    assert response.status_code == 401
    assert response.json() == {"detail": "Truksta Bearer zetono"}


def test_other_roles_are_403(api, non_admin, certified):
    response = api(non_admin).post_json(url(certified.pk), {"reason": REASON})

    assert response.status_code == 403
    assert response.json() == {"detail": "Draudžiama"}
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.CERTIFIED


@pytest.mark.parametrize("project_id", [uuid.uuid4(), "not-a-uuid"])
def test_unknown_project_is_404(api, admin_user, project_id):
    response = api(admin_user).post_json(url(project_id), {"reason": REASON})

    assert response.status_code == 404
    assert response.json() == {"detail": "Projektas nerastas"}


def test_the_admin_activates_with_a_reason(api, admin_user, certified):
    response = api(admin_user).post_json(url(certified.pk), {"reason": REASON})

    assert response.status_code == 200
    assert response.json() == {"success": True, "project_id": str(certified.pk), "new_status": "ACTIVE"}
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.ACTIVE
    row = ClientConfirmation.objects.get()
    assert (row.channel, row.status, row.token_hash) == ("admin", "CONFIRMED", "admin-confirmed")
    assert row.confirmed_at is not None
    assert row.expires_at is not None
    assert audit_actions() == ["STATUS_CHANGE", "ADMIN_CONFIRMED"]
    change, confirmed = audit_rows()
    assert (change.actor_type, change.actor_id) == ("ADMIN", str(admin_user.pk))
    assert change.metadata == {"channel": "admin", "confirmed_by": str(admin_user.pk), "reason": REASON}
    assert confirmed.new_value == {"status": "ACTIVE", "confirmed_by": str(admin_user.pk), "reason": REASON}


@pytest.mark.parametrize("body", [{}, {"reason": "ab"}, {"reason": "x" * 501}, {"reason": 5}])
def test_reason_validation_is_422(api, admin_user, certified, body):
    response = api(admin_user).post_json(url(certified.pk), body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "reason"]


def test_a_reason_of_spaces_is_400(api, admin_user, certified):
    response = api(admin_user).post_json(url(certified.pk), {"reason": "     "})

    assert response.status_code == 400
    assert response.json() == {"detail": "Priezastis privaloma"}


@pytest.mark.parametrize("status", [ProjectStatus.PENDING_EXPERT, ProjectStatus.ACTIVE])
def test_the_project_must_be_certified(api, admin_user, status):
    project = make_project(status)
    add_payment(project, "FINAL", "500.00")

    response = api(admin_user).post_json(url(project.pk), {"reason": REASON})

    assert response.status_code == 400
    assert response.json() == {"detail": f"Projektas turi būti CERTIFIED būsenoje. Dabartinė: {status}"}
    assert ClientConfirmation.objects.count() == 0


def test_the_final_payment_must_exist(api, admin_user):
    project = make_project(ProjectStatus.CERTIFIED)

    response = api(admin_user).post_json(url(project.pk), {"reason": REASON})

    assert response.status_code == 400
    assert response.json() == {"detail": "Galutinis mokėjimas nerastas"}
    assert audit_rows() == []


def test_a_second_call_is_refused_because_the_project_is_active(api, admin_user, certified):
    api(admin_user).post_json(url(certified.pk), {"reason": REASON})

    response = api(admin_user).post_json(url(certified.pk), {"reason": REASON})

    assert response.status_code == 400
    assert ClientConfirmation.objects.count() == 1
