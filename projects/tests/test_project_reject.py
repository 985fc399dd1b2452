"""The expert's veto ``project_reject`` (workflow.md §9.3): no endpoint, a service for the portal and the admin."""

import pytest
from django.utils import timezone

from projects.evidence.checklist import checklist_failed_items
from projects.evidence.selectors import project_latest_rejection
from projects.evidence.services import project_reject
from projects.models import ProjectStatus
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.models import AuditLog
from vejapro.core.tests.audit import audit_rows

pytestmark = pytest.mark.django_db


def test_rejection_keeps_the_status_and_writes_one_audit_row(make_owned_project, expert_user):
    project = make_owned_project(ProjectStatus.PENDING_EXPERT)
    failed = checklist_failed_items(has_robot=False, checklist={"ground": True, "seed": False})

    row = project_reject(
        project=project, actor=Actor.for_user(expert_user), reason="  Kraštai netvarkingi ", failed_items=failed
    )

    project.refresh_from_db()
    assert project.status == ProjectStatus.PENDING_EXPERT
    assert audit_rows("PROJECT_REJECTED") == [row]
    assert (row.entity_type, row.entity_id) == ("project", project.pk)
    assert (row.actor_type, row.actor_id) == ("EXPERT", str(expert_user.pk))
    assert row.new_value == {"reason": "Kraštai netvarkingi"}
    assert row.metadata == {"failed_items": ["seed", "edges", "cleanliness"]}
    assert project_latest_rejection(project=project) == row


def test_failed_items_of_a_robot_project_include_the_robot_keys():
    assert checklist_failed_items(has_robot=True, checklist={"ground": True, "seed": True, "edges": True}) == [
        "robot",
        "perimeter",
        "cleanliness",
    ]
    all_ticked = {"ground": True, "seed": True, "edges": True, "cleanliness": True}
    assert checklist_failed_items(has_robot=False, checklist=all_ticked) == []


@pytest.mark.parametrize("reason", ["", "   ", "ab", " a  ", "x" * 1001])
def test_reason_must_have_3_to_1000_characters(make_owned_project, expert_user, reason):
    project = make_owned_project(ProjectStatus.PENDING_EXPERT)

    with pytest.raises(ApiError) as error:
        project_reject(project=project, actor=Actor.for_user(expert_user), reason=reason, failed_items=[])

    assert (error.value.status, error.value.detail) == (400, "Nurodykite atmetimo priežastį")
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("status", [ProjectStatus.SCHEDULED, ProjectStatus.CERTIFIED])
def test_only_pending_expert_projects_can_be_rejected(make_owned_project, admin_user, status):
    project = make_owned_project(status)

    with pytest.raises(ApiError) as error:
        project_reject(project=project, actor=Actor.for_user(admin_user), reason="Netinka", failed_items=[])

    assert (error.value.status, error.value.detail) == (400, "Projektas dar neparuotas sertifikavimui")


def test_unknown_failed_items_are_dropped(make_owned_project, admin_user):
    project = make_owned_project(ProjectStatus.PENDING_EXPERT)

    row = project_reject(
        project=project.pk, actor=Actor.for_user(admin_user), reason="Netinka", failed_items=["edges", "nonsense"]
    )

    assert row.metadata == {"failed_items": ["edges"]}
    assert row.actor_type == "ADMIN"


def test_robot_items_count_only_for_a_project_with_a_robot(make_owned_project, admin_user):
    """``failed_items`` are the *required* keys left unticked (workflow.md §9.3)."""
    plain = make_owned_project(ProjectStatus.PENDING_EXPERT, has_robot=False)
    robot = make_owned_project(ProjectStatus.PENDING_EXPERT, has_robot=True)
    actor = Actor.for_user(admin_user)

    without = project_reject(project=plain, actor=actor, reason="Netinka", failed_items=["robot", "perimeter", "seed"])
    with_robot = project_reject(project=robot, actor=actor, reason="Netinka", failed_items=["perimeter", "seed"])

    assert without.metadata == {"failed_items": ["seed"]}
    assert with_robot.metadata == {"failed_items": ["seed", "perimeter"]}


def test_latest_rejection_ignores_rejections_before_the_last_status_change(make_owned_project, admin_user):
    project = make_owned_project(ProjectStatus.PENDING_EXPERT)
    project_reject(project=project, actor=Actor.for_user(admin_user), reason="Pirmas kartas", failed_items=[])
    project.status_changed_at = timezone.now()
    project.save(update_fields=["status_changed_at"])

    assert project_latest_rejection(project=project) is None
