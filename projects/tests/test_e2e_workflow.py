"""One project from DRAFT to ACTIVE through HTTP only, as the admin, the contractor, the expert and the client would
do it (README §3): deposit, planning, photos, certification, certificate, final payment, admin activation, gallery."""

import io
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db
CHECKLIST = {"ground": True, "seed": True, "edges": True, "cleanliness": True}


def photo(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40, 140, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


class Journey:
    """The people of one project, each with their own bearer client."""

    def __init__(self, api, admin_user, client_user, contractor_user, expert_user):
        self.admin, self.contractor, self.expert = api(admin_user), api(contractor_user), api(expert_user)
        self.client, self.public = api(client_user), api()
        self.users = {"client": client_user, "contractor": contractor_user, "expert": expert_user}
        self.project_id = ""

    def status(self) -> str:
        return self.admin.get(f"/api/v1/projects/{self.project_id}").json()["project"]["status"]

    def transition(self, caller, new_status: str) -> None:
        response = caller.post_json(
            "/api/v1/transition-status", {"project_id": self.project_id, "new_status": new_status}
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == new_status

    def upload(self, caller, category: str, name: str) -> None:
        response = caller.post(
            "/api/v1/upload-evidence", {"project_id": self.project_id, "category": category, "file": photo(name)}
        )
        assert response.status_code == 200, response.content

    def manual_payment(self, payment_type: str, amount: int, method: str, key: str) -> None:
        response = self.admin.post_json(
            f"/api/v1/projects/{self.project_id}/payments/manual",
            {"payment_type": payment_type, "amount": amount, "payment_method": method, "provider_event_id": key},
        )
        assert response.status_code == 201, response.content

    def to_certified(self) -> None:
        # The admin creates the project for the client and assigns the crew.
        client_id = str(self.users["client"].pk)
        created = self.admin.post_json(
            "/api/v1/projects", {"client_info": {"client_id": client_id, "name": "Jonas Klientas"}, "area_m2": 150}
        )
        assert created.status_code == 201, created.content
        assert created.json()["status"] == "DRAFT"
        self.project_id = created.json()["id"]
        for role in ("contractor", "expert"):
            response = self.admin.post_json(
                f"/api/v1/admin/projects/{self.project_id}/assign-{role}", {"user_id": str(self.users[role].pk)}
            )
            assert response.json() == {"success": True, "no_change": False}

        # DRAFT → PAID needs a deposit fact: the contractor cannot move it before the admin records the deposit.
        refused = self.contractor.post_json(
            "/api/v1/transition-status", {"project_id": self.project_id, "new_status": "PAID"}
        )
        assert (refused.status_code, refused.json()) == (400, {"detail": "Deposit payment not recorded"})
        self.manual_payment("DEPOSIT", 300, "CASH", "dep-1")
        self.transition(self.contractor, "PAID")
        self.transition(self.contractor, "SCHEDULED")

        # The contractor documents the work and hands over to the expert.
        self.upload(self.contractor, "SITE_BEFORE", "pries.jpg")
        self.upload(self.contractor, "WORK_IN_PROGRESS", "eiga.jpg")
        self.transition(self.contractor, "PENDING_EXPERT")

        # The expert needs three certification photos and the full checklist.
        early = self.expert.post_json(
            "/api/v1/certify-project", {"project_id": self.project_id, "checklist": CHECKLIST}
        )
        assert early.json() == {"detail": "Reikia mažiausiai 3 sertifikavimo nuotraukų. Rasta: 0."}
        for number in range(3):
            self.upload(self.expert, "EXPERT_CERTIFICATION", f"sert{number}.jpg")
        certified = self.expert.post_json(
            "/api/v1/certify-project", {"project_id": self.project_id, "checklist": CHECKLIST, "notes": "Tvarkinga"}
        )
        assert certified.json() == {"success": True, "project_status": "CERTIFIED", "certificate_ready": True}
        assert self.status() == "CERTIFIED"

    def status_changes(self) -> list[tuple[str, str, str]]:
        rows = AuditLog.objects.filter(action="STATUS_CHANGE", entity_id=self.project_id).order_by("timestamp")
        return [(row.old_value["status"], row.new_value["status"], row.actor_type) for row in rows]


@pytest.fixture
def journey(api, settings, admin_user, client_user, contractor_user, expert_user):
    settings.ENABLE_MARKETING_MODULE = True
    return Journey(api, admin_user, client_user, contractor_user, expert_user)


def test_project_goes_from_draft_to_certified_and_the_client_reads_the_certificate(journey):
    journey.to_certified()

    certificate = journey.client.get(f"/api/v1/projects/{journey.project_id}/certificate")
    assert certificate.status_code == 200
    assert certificate.content.startswith(b"%PDF-")
    assert journey.status_changes() == [
        ("DRAFT", "PAID", "SUBCONTRACTOR"),
        ("PAID", "SCHEDULED", "SUBCONTRACTOR"),
        ("SCHEDULED", "PENDING_EXPERT", "SUBCONTRACTOR"),
        ("PENDING_EXPERT", "CERTIFIED", "EXPERT"),
    ]
    actions = Counter(AuditLog.objects.values_list("action", flat=True))
    assert (actions["UPLOAD_EVIDENCE"], actions["CERTIFY_PROJECT"], actions["PAYMENT_RECORDED_MANUAL"]) == (5, 1, 1)


def test_certified_project_is_paid_activated_and_published(journey):
    journey.to_certified()
    project_id = journey.project_id

    # Final payment, then the admin activates with a written reason.
    journey.manual_payment("FINAL", 900, "BANK_TRANSFER", "fin-1")
    assert journey.status() == "CERTIFIED"
    activated = journey.admin.post_json(
        f"/api/v1/admin/projects/{project_id}/admin-confirm", {"reason": "Klientas patvirtino telefonu"}
    )
    assert activated.json() == {"success": True, "project_id": project_id, "new_status": "ACTIVE"}
    assert journey.status() == "ACTIVE"
    assert journey.status_changes()[-1] == ("CERTIFIED", "ACTIVE", "ADMIN")

    # With the client's consent the expert publishes the before and after photos in the gallery.
    consent = journey.client.post_json(f"/api/v1/projects/{project_id}/marketing-consent", {"consent": True})
    assert consent.status_code == 200
    evidences = journey.admin.get(f"/api/v1/projects/{project_id}").json()["evidences"]
    photos = {evidence["category"]: evidence["id"] for evidence in evidences}
    for category in ("SITE_BEFORE", "EXPERT_CERTIFICATION"):
        response = journey.expert.post_json(
            f"/api/v1/evidences/{photos[category]}/approve-for-web", {"location_tag": "Vilnius"}
        )
        assert response.json() == {"success": True}
    [item] = journey.public.get("/api/v1/gallery").json()["items"]
    assert (item["project_id"], item["id"], item["location_tag"]) == (
        project_id,
        photos["EXPERT_CERTIFICATION"],
        "Vilnius",
    )
    actions = Counter(AuditLog.objects.values_list("action", flat=True))
    assert (actions["ADMIN_CONFIRMED"], actions["PAYMENT_RECORDED_MANUAL"], actions["EVIDENCE_APPROVED_FOR_WEB"]) == (
        1,
        2,
        2,
    )
