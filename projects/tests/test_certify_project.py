"""POST /api/v1/certify-project (api.md §7.2, workflow.md §6.5, §9.1, §9.2)."""

import pytest

from projects.models import Project, ProjectStatus
from projects.tests.factories import add_evidence
from vejapro.core.models import AuditLog
from vejapro.core.tests.audit import assert_audited

URL = "/api/v1/certify-project"
FULL = {"ground": True, "seed": True, "edges": True, "cleanliness": True}
ROBOT = {**FULL, "robot": True, "perimeter": True}
pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(make_owned_project):
    """A PENDING_EXPERT project with three certification photos."""
    project = make_owned_project(ProjectStatus.PENDING_EXPERT)
    for _ in range(3):
        add_evidence(project)
    return project


def certify(client, project_id, checklist=None, notes=None):
    body = {"project_id": str(project_id)}
    if checklist is not None:
        body["checklist"] = checklist
    if notes is not None:
        body["notes"] = notes
    return client.post_json(URL, body)


def test_expert_certifies_with_checklist_and_notes(api, ready, expert_user):
    response = certify(api(expert_user), ready.pk, FULL, "Viskas tvarkinga")

    assert response.status_code == 200
    assert response.json() == {"success": True, "project_status": "CERTIFIED", "certificate_ready": True}
    ready.refresh_from_db()
    assert ready.status == ProjectStatus.CERTIFIED
    assert ready.is_certified is True
    assert ready.certified_at is not None
    assert_audited(
        "STATUS_CHANGE",
        actor_type="EXPERT",
        actor_id=str(expert_user.pk),
        old_value={"status": "PENDING_EXPERT"},
        new_value={"status": "CERTIFIED"},
        metadata={"checklist": FULL, "notes": "Viskas tvarkinga"},
        exact=True,
    )
    assert_audited(
        "CERTIFY_PROJECT",
        entity_type="project",
        entity_id=ready.pk,
        actor_type="EXPERT",
        old_value=None,
        new_value={"status": "CERTIFIED"},
        exact=True,
    )


def test_admin_certifies_a_robot_project(api, make_owned_project, admin_user):
    project = make_owned_project(ProjectStatus.PENDING_EXPERT, has_robot=True)
    for _ in range(4):
        add_evidence(project)

    response = certify(api(admin_user), project.pk, ROBOT)

    assert response.status_code == 200
    assert_audited("STATUS_CHANGE", actor_type="ADMIN", metadata={"checklist": ROBOT, "notes": ""}, exact=True)


def test_second_call_is_400_wrong_status(api, ready, expert_user):
    assert certify(api(expert_user), ready.pk, FULL).status_code == 200

    again = certify(api(expert_user), ready.pk, FULL)

    assert (again.status_code, again.json()) == (400, {"detail": "Projektas dar neparuotas sertifikavimui"})
    assert_audited("CERTIFY_PROJECT", count=1)


@pytest.mark.parametrize("status", [s for s in ProjectStatus.values if s != ProjectStatus.PENDING_EXPERT])
def test_other_statuses_are_not_ready(api, make_owned_project, admin_user, status):
    project = make_owned_project(status)
    for _ in range(3):
        add_evidence(project)

    response = certify(api(admin_user), project.pk, FULL)

    assert (response.status_code, response.json()) == (400, {"detail": "Projektas dar neparuotas sertifikavimui"})


@pytest.mark.parametrize(
    ("photos", "checklist", "detail"),
    [
        (0, FULL, "Reikia mažiausiai 3 sertifikavimo nuotraukų. Rasta: 0."),
        (2, FULL, "Reikia mažiausiai 3 sertifikavimo nuotraukų. Rasta: 2."),
        (3, None, "Reikalingas kontrolinis sąrašas"),
        (3, {}, "Reikalingas kontrolinis sąrašas"),
        (3, {"ground": True, "seed": True, "edges": True}, "Visi kontrolinio sąrašo punktai turi būti patvirtinti"),
        (3, {**FULL, "edges": False}, "Visi kontrolinio sąrašo punktai turi būti patvirtinti"),
        (3, {**FULL, "robot": False}, "Visi kontrolinio sąrašo punktai turi būti patvirtinti"),
        (3, {**FULL, "lawn": False}, "Visi kontrolinio sąrašo punktai turi būti patvirtinti"),
        (3, {"lawn": True}, "Visi kontrolinio sąrašo punktai turi būti patvirtinti"),
    ],
)
def test_guards_answer_400_and_change_nothing(api, make_owned_project, expert_user, photos, checklist, detail):
    project = make_owned_project(ProjectStatus.PENDING_EXPERT)
    for _ in range(photos):
        add_evidence(project)

    response = certify(api(expert_user), project.pk, checklist)

    assert (response.status_code, response.json()) == (400, {"detail": detail})
    project.refresh_from_db()
    assert project.status == ProjectStatus.PENDING_EXPERT
    assert not AuditLog.objects.exists()


def test_other_keys_are_accepted_when_true(api, ready, expert_user):
    """workflow.md §9.1: "any other supplied key must also be true" — an extra key is not a validation error."""
    checklist = {**FULL, "robot": True, "photos_taken": True}

    response = certify(api(expert_user), ready.pk, checklist)

    assert response.status_code == 200
    assert_audited("STATUS_CHANGE", metadata={"checklist": checklist, "notes": ""}, exact=True)


def test_robot_project_needs_the_robot_items(api, make_owned_project, expert_user):
    project = make_owned_project(ProjectStatus.PENDING_EXPERT, has_robot=True)
    for _ in range(3):
        add_evidence(project)

    response = certify(api(expert_user), project.pk, FULL)

    assert response.json() == {"detail": "Visi kontrolinio sąrašo punktai turi būti patvirtinti"}


def test_only_certification_photos_count(api, make_owned_project, expert_user):
    project = make_owned_project(ProjectStatus.PENDING_EXPERT)
    add_evidence(project, "SITE_BEFORE")
    add_evidence(project, "WORK_IN_PROGRESS")
    add_evidence(project)

    response = certify(api(expert_user), project.pk, FULL)

    assert response.json() == {"detail": "Reikia mažiausiai 3 sertifikavimo nuotraukų. Rasta: 1."}


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({}, ["body", "project_id"]),
        ({"project_id": ""}, ["body", "project_id"]),
        ({"project_id": None}, ["body", "project_id"]),
        ({"project_id": "x", "checklist": ["ground"]}, ["body", "checklist"]),
        ({"project_id": "x", "checklist": {"ground": "yes"}}, ["body", "checklist", "ground"]),
        ({"project_id": "x", "checklist": {"ground": 1}}, ["body", "checklist", "ground"]),
        ({"project_id": "x", "notes": "n" * 2001}, ["body", "notes"]),
        ({"project_id": "x", "notes": "a\x00b"}, ["body", "notes"]),
        ({"project_id": "x", "checklist": {"ground\x00": True}}, ["body", "checklist", "ground\x00"]),
    ],
)
def test_invalid_bodies_are_422(api, expert_user, body, loc):
    response = api(expert_user).post_json(URL, body)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [loc]


def test_malformed_json_is_422(api, expert_user):
    response = api(expert_user).post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 422


@pytest.mark.parametrize("project_id", ["nope", "123", "00000000-0000-0000-0000-000000000000"])
def test_unknown_project_is_404(api, expert_user, project_id):
    response = certify(api(expert_user), project_id, FULL)
    assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})


def test_permission_matrix(api, ready, client_user, contractor_user, other_expert, expert_user, admin_user):
    cases = [
        (None, 401, "Truksta Bearer zetono"),
        (client_user, 403, "Draudžiama"),
        (contractor_user, 403, "Draudžiama"),
        (other_expert, 403, "Prieiga uždrausta"),
    ]
    for user, status, detail in cases:
        response = certify(api(user), ready.pk, FULL)
        assert (response.status_code, response.json()) == (status, {"detail": detail}), user
    assert Project.objects.get().status == ProjectStatus.PENDING_EXPERT
    assert not AuditLog.objects.exists()

    assert certify(api(expert_user), ready.pk, FULL).status_code == 200


def test_admin_passes_access_even_when_no_expert_is_assigned(api, make_owned_project, admin_user):
    project = make_owned_project(ProjectStatus.PENDING_EXPERT, assigned_expert=None)
    for _ in range(3):
        add_evidence(project)
    assert certify(api(admin_user), project.pk, FULL).status_code == 200
