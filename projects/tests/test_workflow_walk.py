"""A project walked from DRAFT to PENDING_EXPERT through the API only (the evidence branch continues to ACTIVE)."""

import pytest

from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _flags(settings):
    settings.ENABLE_MANUAL_PAYMENTS = True
    settings.ENABLE_FINANCE_LEDGER = True


def _statuses(admin, project_id: str) -> list[str]:
    logs = admin.get(f"/api/v1/projects/{project_id}").json()["audit_logs"]
    return [row["new_value"]["status"] for row in reversed(logs) if row["action"] == "STATUS_CHANGE"]


def test_walk_as_admin(api, admin_user, contractor_user):
    admin = api(admin_user)
    project_id = api().post_json("/api/v1/projects", {"name": "Jonas", "area_m2": 300}).json()["id"]

    assert admin.post_json(
        f"/api/v1/admin/projects/{project_id}/assign-contractor", {"user_id": str(contractor_user.pk)}
    ).json() == {
        "success": True,
        "no_change": False,
    }
    payment = admin.post_json(
        f"/api/v1/projects/{project_id}/payments/manual",
        {"payment_type": "DEPOSIT", "amount": 150, "payment_method": "BANK_TRANSFER", "provider_event_id": "WALK-1"},
    )
    assert payment.status_code == 201
    for status in ["PAID", "SCHEDULED", "PENDING_EXPERT"]:
        response = admin.post_json("/api/v1/transition-status", {"project_id": project_id, "new_status": status})
        assert (response.status_code, response.json()["status"]) == (200, status)

    assert _statuses(admin, project_id) == ["PAID", "SCHEDULED", "PENDING_EXPERT"]
    project = admin.get(f"/api/v1/projects/{project_id}").json()["project"]
    assert project["status_changed_at"] is not None
    assert project["is_certified"] is False
    assert [item["status"] for item in admin.get("/api/v1/admin/projects").json()["items"]] == ["PENDING_EXPERT"]
    actions = list(AuditLog.objects.order_by("timestamp").values_list("action", flat=True))
    assert actions == [
        "PROJECT_CREATED",
        "ASSIGN_CONTRACTOR",
        "PAYMENT_RECORDED_MANUAL",
        "STATUS_CHANGE",
        "STATUS_CHANGE",
        "STATUS_CHANGE",
    ]


def test_walk_as_contractor(api, admin_user, client_user, contractor_user, expert_user):
    admin, contractor = api(admin_user), api(contractor_user)
    project_id = api(client_user).post_json("/api/v1/projects", {"client_info": {"name": "Jonas"}}).json()["id"]
    admin.post_json(f"/api/v1/admin/projects/{project_id}/assign-contractor", {"user_id": str(contractor_user.pk)})
    admin.post_json(f"/api/v1/admin/projects/{project_id}/assign-expert", {"user_id": str(expert_user.pk)})

    quick = contractor.post_json(
        f"/api/v1/projects/{project_id}/quick-payment-and-transition",
        {"payment_type": "DEPOSIT", "amount": 100, "provider_event_id": "QP-walk", "transition_to": "PAID"},
    ).json()
    assert (quick["status_changed"], quick["new_status"]) == (True, "PAID")
    for status in ["SCHEDULED", "PENDING_EXPERT"]:
        response = contractor.post_json("/api/v1/transition-status", {"project_id": project_id, "new_status": status})
        assert (response.status_code, response.json()["status"]) == (200, status)

    assert [item["status"] for item in contractor.get("/api/v1/contractor/projects").json()["items"]] == [
        "PENDING_EXPERT"
    ]
    assert [item["status"] for item in api(expert_user).get("/api/v1/expert/projects").json()["items"]] == [
        "PENDING_EXPERT"
    ]
    client_view = api(client_user).get(f"/api/v1/projects/{project_id}").json()
    assert [row["new_value"]["status"] for row in client_view["audit_logs"]] == ["PENDING_EXPERT", "SCHEDULED", "PAID"]
    assert {row["actor_type"] for row in client_view["audit_logs"]} == {"SUBCONTRACTOR"}
    # The client cannot move it on, and the contractor cannot certify.
    refused = api(client_user).post_json(
        "/api/v1/transition-status", {"project_id": project_id, "new_status": "CERTIFIED"}
    )
    assert (refused.status_code, refused.json()) == (403, {"detail": "Draudžiama"})
    refused = contractor.post_json("/api/v1/transition-status", {"project_id": project_id, "new_status": "CERTIFIED"})
    assert (refused.status_code, refused.json()) == (403, {"detail": "Prieiga uždrausta"})
