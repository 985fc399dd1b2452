"""GET /api/v1/projects/{id} (api.md §6.2, §3.5)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from payments.tests.factories import add_payment
from projects.models import Evidence
from projects.services import project_transition
from projects.tests.factories import add_evidence, make_project
from vejapro.core.actors import Actor
from vejapro.core.audit.services import audit_record
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(client_user, contractor_user, expert_user):
    project = make_project(
        "DRAFT", client=client_user, contractor=contractor_user, expert=expert_user, internal_cost=Decimal("300.00")
    )
    add_payment(project)
    admin = Actor(actor_type="ADMIN", actor_id="admin-sub", ip_address="10.1.1.1", user_agent="browser")
    audit_record(entity_type="project", entity_id=project.pk, action="ASSIGN_EXPERT", actor=admin, new_value={"x": 1})
    project_transition(project=project, new_status="PAID", actor=admin, metadata={"source": "admin"})
    return project


def url(project) -> str:
    return f"/api/v1/projects/{project.pk if hasattr(project, 'pk') else project}"


@pytest.mark.parametrize(
    ("user", "status"),
    [
        (None, 401),
        ("admin_user", 200),
        ("client_user", 200),
        ("outsider_client", 403),
        ("contractor_user", 200),
        ("other_contractor", 403),
        ("expert_user", 200),
        ("other_expert", 403),
    ],
)
def test_permission_matrix(api, project, request, user, status):
    response = api(request.getfixturevalue(user) if user else None).get(url(project))
    assert response.status_code == status
    if status == 403:
        assert response.json() == {"detail": "Prieiga uždrausta"}


@pytest.mark.parametrize("project_id", ["00000000-0000-4000-8000-000000000000", "abc", "%20", "1e3"])
def test_unknown_or_malformed_id_is_404(api, admin_user, project_id):
    response = api(admin_user).get(url(project_id))
    assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})


def test_admin_sees_complete_audit_rows_and_internal_cost(api, admin_user, project):
    body = api(admin_user).get(url(project)).json()

    assert body["project"]["internal_cost"] == 300.0
    assert [row["action"] for row in body["audit_logs"]] == ["STATUS_CHANGE", "ASSIGN_EXPERT"]
    newest = body["audit_logs"][0]
    assert newest == {
        "id": newest["id"],
        "entity_type": "project",
        "entity_id": str(project.pk),
        "action": "STATUS_CHANGE",
        "old_value": {"status": "DRAFT"},
        "new_value": {"status": "PAID"},
        "actor_type": "ADMIN",
        "actor_id": "admin-sub",
        "ip_address": "10.1.1.1",
        "user_agent": "browser",
        "metadata": {"source": "admin"},
        "timestamp": newest["timestamp"],
    }
    assert newest["timestamp"].endswith("+00:00")


@pytest.mark.parametrize(("user", "cost"), [("contractor_user", 300.0), ("expert_user", None)])
def test_staff_see_no_network_data(api, project, request, user, cost):
    body = api(request.getfixturevalue(user)).get(url(project)).json()

    assert body["project"]["internal_cost"] == cost
    assert len(body["audit_logs"]) == 2
    assert {(row["ip_address"], row["user_agent"]) for row in body["audit_logs"]} == {(None, None)}
    assert body["audit_logs"][0]["actor_id"] == "admin-sub"


def test_client_sees_only_status_changes_without_actor_or_metadata(api, client_user, project):
    body = api(client_user).get(url(project)).json()

    assert body["project"]["internal_cost"] is None
    (row,) = body["audit_logs"]
    assert (row["action"], row["new_value"]) == ("STATUS_CHANGE", {"status": "PAID"})
    assert (row["actor_id"], row["ip_address"], row["user_agent"], row["metadata"]) == (None, None, None, None)
    # Nothing was written back to the audit table.
    assert AuditLog.objects.get(pk=row["id"]).ip_address == "10.1.1.1"


def test_audit_rows_are_capped_at_500(api, admin_user, project):
    AuditLog.objects.bulk_create(
        AuditLog(entity_type="project", entity_id=project.pk, action="NOTE", actor_type="SYSTEM") for _ in range(510)
    )
    assert len(api(admin_user).get(url(project)).json()["audit_logs"]) == 500


def test_evidences_newest_first(api, admin_user, project, contractor_user):
    now = timezone.now()
    old = add_evidence(project, "SITE_BEFORE", file_url="/a.jpg", uploaded_at=now - dt.timedelta(days=1))
    new = add_evidence(
        project,
        "WORK_IN_PROGRESS",
        file_url="/b.jpg",
        thumbnail_url="/b_thumb.webp",
        uploaded_at=now,
        uploaded_by=contractor_user,
    )
    evidences = api(admin_user).get(url(project)).json()["evidences"]

    assert [item["id"] for item in evidences] == [str(new.pk), str(old.pk)]
    assert evidences[0] == {
        "id": str(new.pk),
        "project_id": str(project.pk),
        "file_url": "/b.jpg",
        "thumbnail_url": "/b_thumb.webp",
        "medium_url": None,
        "category": "WORK_IN_PROGRESS",
        "uploaded_by": str(contractor_user.pk),
        "uploaded_at": now.astimezone(dt.UTC).isoformat(),
        "created_at": evidences[0]["created_at"],
        "show_on_web": False,
        "is_featured": False,
        "location_tag": None,
    }


def test_project_out_shape(api, admin_user, project, contractor_user, expert_user, client_user):
    body = api(admin_user).get(url(project)).json()["project"]
    assert set(body) == {
        "id", "client_info", "status", "area_m2", "total_price_client", "internal_cost", "vision_analysis",
        "has_robot", "is_certified", "certified_at", "marketing_consent", "marketing_consent_at",
        "status_changed_at", "created_at", "updated_at", "assigned_contractor_id", "assigned_expert_id",
        "scheduled_for",
    }  # fmt: skip
    assert (body["assigned_contractor_id"], body["assigned_expert_id"]) == (
        str(contractor_user.pk),
        str(expert_user.pk),
    )
    assert body["client_info"]["client_id"] == str(client_user.pk)


def test_query_count_does_not_grow_with_rows(api, admin_user, project):
    client = api(admin_user)

    def count_for(total: int) -> int:
        while Evidence.objects.filter(project=project).count() < total:
            add_evidence(project, "SITE_BEFORE", file_url="/x.jpg")
            AuditLog.objects.create(entity_type="project", entity_id=project.pk, action="NOTE", actor_type="SYSTEM")
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(url(project)).json()["evidences"]) == total
        return len(queries)

    assert count_for(3) == count_for(30)
