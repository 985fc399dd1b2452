"""The contractor portal (ui.md §4.8) and the expert portal (§4.9): permission matrix, counters and tabs, the one
primary action per state, photo upload with its idempotency key, certification guards, rejection, gallery controls."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from payments.models import Payment
from projects.models import Evidence, EvidenceCategory, ProjectStatus
from projects.tests.factories import FULL_CHECKLIST, add_evidence, add_photos, image_bytes, make_project
from vejapro.core.audit.actions import AuditAction
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db
NOT_FOUND = "Nerasta arba nėra prieigos"


def _photo(name="a.jpg"):
    return SimpleUploadedFile(name, image_bytes(size=(400, 300)), content_type="image/jpeg")


@pytest.mark.parametrize(
    ("portal", "owner_fixture", "other_fixture", "field"),
    [
        ("contractor", "contractor_user", "other_contractor", "contractor"),
        ("expert", "expert_user", "other_expert", "expert"),
    ],
)
def test_permission_matrix(client, request, client_user, admin_user, portal, owner_fixture, other_fixture, field):
    owner = request.getfixturevalue(owner_fixture)
    other = request.getfixturevalue(other_fixture)
    project = make_project(ProjectStatus.ACTIVE, client=client_user, **{field: owner})
    pages = [f"/{portal}/", f"/{portal}/projektai/{project.pk}/", f"/{portal}/projektai/{project.pk}/sertifikatas/"]
    for path in pages:
        assert client.get(path)["Location"].startswith("/login?next="), path
        for someone in (client_user, admin_user):
            client.force_login(someone)
            response = client.get(path)
            assert response.status_code == 404, path
            assert NOT_FOUND in response.content.decode()
        client.logout()
    client.force_login(other)
    for path in pages[1:]:
        assert client.get(path).status_code == 404
    upload = client.post(f"/{portal}/projektai/{project.pk}/nuotraukos/", {"files": _photo()})
    assert upload.status_code == 404
    client.force_login(owner)
    for path in pages:
        assert client.get(path).status_code == 200, path


def test_contractor_counters_tabs_and_rows(client, contractor_user, django_assert_num_queries):
    moment = timezone.make_aware(timezone.datetime(2026, 6, 1, 9, 30))
    make_project(
        ProjectStatus.PAID,
        contractor=contractor_user,
        client_info={"name": "Jonas Jonaitis", "address": "Sodų g. 3, Trakai"},
    )
    make_project(ProjectStatus.SCHEDULED, contractor=contractor_user, scheduled_for=moment)
    make_project(ProjectStatus.CERTIFIED, contractor=contractor_user)
    make_project(ProjectStatus.ACTIVE, contractor=contractor_user)
    make_project(ProjectStatus.PAID)
    client.force_login(contractor_user)
    page = client.get("/contractor/").content.decode()
    assert "Valdykite savo priskirtus projektus" in page
    assert "<strong>1</strong>Apmokėti" in page
    assert "<strong>1</strong>Suplanuoti" in page
    assert "<strong>0</strong>Laukia eksperto" in page
    assert "<strong>2</strong>Baigti" in page
    assert "Jonas, Trakai" in page
    assert "Suplanuota: 2026-06-01 09:30" in page
    assert "Nėra duomenų" in page
    finished = client.get("/contractor/?skiltis=baigti").content.decode()
    assert finished.count('class="row-link"') == 2
    empty = client.get("/contractor/?skiltis=laukia-eksperto").content.decode()
    assert "Nėra projektų pagal pasirinktą filtrą" in empty


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_counts_are_fixed(client, contractor_user, expert_user, django_assert_num_queries, count):
    for _ in range(count):
        make_project(ProjectStatus.PENDING_EXPERT, contractor=contractor_user, expert=expert_user)
    for user, path in ((contractor_user, "/contractor/"), (expert_user, "/expert/")):
        client.force_login(user)
        # session, user, the annotated list, and the sliding session's save (select, update)
        with django_assert_num_queries(6):
            client.get(path)


def test_contractor_primary_actions(client, contractor_user):
    project = make_project(ProjectStatus.PAID, contractor=contractor_user)
    client.force_login(contractor_user)
    page = client.get(f"/contractor/projektai/{project.pk}/").content.decode()
    assert "Patvirtinti grafiką" in page
    assert page.count('class="btn"') >= 1
    client.post(f"/contractor/projektai/{project.pk}/busena/", {"target": "SCHEDULED"})
    project.refresh_from_db()
    assert project.status == ProjectStatus.SCHEDULED
    page = client.get(f"/contractor/projektai/{project.pk}/").content.decode()
    assert "Darbai baigti – perduoti ekspertui" in page  # noqa: RUF001
    assert "Įkelta nuotraukų: 0. Ar tikrai perduoti ekspertui?" in page
    repeat = client.post(f"/contractor/projektai/{project.pk}/busena/", {"target": "SCHEDULED"})
    assert repeat.status_code == 302
    assert AuditLog.objects.filter(action=AuditAction.STATUS_CHANGE, entity_id=project.pk).count() == 1


def test_contractor_sees_the_rejection_in_red(client, contractor_user, expert_user):
    project = make_project(ProjectStatus.PENDING_EXPERT, contractor=contractor_user, expert=expert_user)
    client.force_login(expert_user)
    client.post(f"/expert/projektai/{project.pk}/sertifikavimas/", {"decision": "reject", "notes": "Kraštai nebaigti"})
    client.force_login(contractor_user)
    page = client.get(f"/contractor/projektai/{project.pk}/").content.decode()
    assert '<p class="notice-red" role="alert">Ekspertas atmetė: Kraštai nebaigti</p>' in page


def test_contractor_uploads_several_photos(client, contractor_user):
    project = make_project(ProjectStatus.SCHEDULED, contractor=contractor_user)
    client.force_login(contractor_user)
    page = client.get(f"/contractor/projektai/{project.pk}/").content.decode()
    assert 'accept="image/*"' in page
    assert 'capture="environment"' in page
    assert "multiple" in page
    response = client.post(
        f"/contractor/projektai/{project.pk}/nuotraukos/",
        {"category": "WORK_IN_PROGRESS", "files": [_photo("a.jpg"), _photo("b.jpg")]},
        follow=True,
    )
    assert "Nuotraukos įkeltos (2)." in response.content.decode()
    assert Evidence.objects.filter(project=project, category=EvidenceCategory.WORK_IN_PROGRESS).count() == 2
    bad = client.post(
        f"/contractor/projektai/{project.pk}/nuotraukos/",
        {"category": "WORK_IN_PROGRESS", "files": SimpleUploadedFile("x.txt", b"nera", content_type="text/plain")},
        follow=True,
    )
    assert "Nepavyko įkelti nuotraukos." in bad.content.decode()


def test_offline_queue_upload_is_idempotent(client, contractor_user):
    project = make_project(ProjectStatus.SCHEDULED, contractor=contractor_user)
    client.force_login(contractor_user)
    url = f"/contractor/projektai/{project.pk}/nuotraukos/"
    data = {"category": "SITE_BEFORE", "client_upload_key": "5f0c8a9e-raktas"}
    first = client.post(url, {**data, "files": _photo()}, headers={"X-Upload-Queue": "1"})
    second = client.post(url, {**data, "files": _photo()}, headers={"X-Upload-Queue": "1"})
    assert first.json()["ok"] is True
    assert first.json()["created"] is True
    assert second.json() == {**first.json(), "created": False}
    assert Evidence.objects.filter(project=project).count() == 1
    assert AuditLog.objects.filter(action=AuditAction.UPLOAD_EVIDENCE).count() == 1


def test_api_upload_with_the_same_key_twice_gives_one_photo(api, contractor_user):
    project = make_project(ProjectStatus.SCHEDULED, contractor=contractor_user)
    caller = api(contractor_user)
    answers = [
        caller.post(
            "/api/v1/upload-evidence",
            {"project_id": str(project.pk), "category": "SITE_BEFORE", "file": _photo(), "client_upload_key": "k1"},
        )
        for _ in range(2)
    ]
    assert [answer.status_code for answer in answers] == [200, 200]
    assert answers[0].json() == answers[1].json()
    assert Evidence.objects.filter(project=project).count() == 1


def test_expert_certification_guards_and_success(client, expert_user):
    project = make_project(ProjectStatus.PENDING_EXPERT, expert=expert_user)
    add_photos(project, 2)
    client.force_login(expert_user)
    url = f"/expert/projektai/{project.pk}/"
    page = client.get(url).content.decode()
    assert "Sertifikavimo nuotraukos: 2 / 3" in page
    assert "Sertifikavimo kontrolinis sąrašas" in page
    assert "Reikia dar 1 sertifikavimo nuotraukų" in page
    assert 'placeholder="Įveskite pastabas..."' in page
    ticked = {f"item_{key}": "on" for key in FULL_CHECKLIST}
    missing = client.post(f"{url}sertifikavimas/", {"decision": "certify", **ticked}, follow=True).content.decode()
    assert "Klaida sertifikuojant projektą: Reikia mažiausiai 3 sertifikavimo nuotraukų. Rasta: 2." in missing
    add_evidence(project, EvidenceCategory.EXPERT_CERTIFICATION)
    partial = client.post(f"{url}sertifikavimas/", {"decision": "certify", "item_ground": "on"}, follow=True)
    assert "Prašome pažymėti visus kontrolinio sąrašo punktus" in partial.content.decode()
    done = client.post(f"{url}sertifikavimas/", {"decision": "certify", **ticked, "notes": "Gerai"}, follow=True)
    assert "Projektas sėkmingai sertifikuotas" in done.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.CERTIFIED
    client.post(f"{url}sertifikavimas/", {"decision": "certify", **ticked})
    assert AuditLog.objects.filter(action=AuditAction.CERTIFY_PROJECT).count() == 1


def test_expert_rejection_needs_a_reason(client, expert_user):
    project = make_project(ProjectStatus.PENDING_EXPERT, expert=expert_user)
    client.force_login(expert_user)
    url = f"/expert/projektai/{project.pk}/sertifikavimas/"
    page = client.post(url, {"decision": "reject"}, follow=True).content.decode()
    assert "Prašome įvesti atmetimo priežastį pastabose" in page
    page = client.post(url, {"decision": "reject", "notes": "Nelygu", "item_ground": "on"}, follow=True)
    assert "Atmetimas užregistruotas." in page.content.decode()
    audit = AuditLog.objects.get(action=AuditAction.PROJECT_REJECTED)
    assert audit.new_value == {"reason": "Nelygu"}
    assert audit.metadata == {"failed_items": ["seed", "edges", "cleanliness"]}


def test_expert_gallery_controls(client, expert_user, settings):
    settings.ENABLE_MARKETING_MODULE = True
    project = make_project(
        ProjectStatus.CERTIFIED, expert=expert_user, marketing_consent=True, marketing_consent_at=timezone.now()
    )
    photo = add_evidence(project, EvidenceCategory.EXPERT_CERTIFICATION)
    client.force_login(expert_user)
    page = client.get(f"/expert/projektai/{project.pk}/").content.decode()
    assert "Rodyti galerijoje" in page
    assert "Išskirtinis" in page
    prefix = str(photo.pk)
    client.post(
        f"/expert/projektai/{project.pk}/galerija/{photo.pk}/",
        {f"{prefix}-show_on_web": "on", f"{prefix}-is_featured": "on", f"{prefix}-location_tag": "Vilniaus raj."},
    )
    photo.refresh_from_db()
    assert (photo.show_on_web, photo.is_featured, photo.location_tag) == (True, True, "Vilniaus raj.")
    client.post(f"/expert/projektai/{project.pk}/galerija/{photo.pk}/", {})
    photo.refresh_from_db()
    assert photo.show_on_web is False


def test_expert_gallery_without_consent_says_so(client, expert_user, settings):
    settings.ENABLE_MARKETING_MODULE = True
    project = make_project(ProjectStatus.CERTIFIED, expert=expert_user)
    add_evidence(project, EvidenceCategory.SITE_BEFORE)
    client.force_login(expert_user)
    page = client.get(f"/expert/projektai/{project.pk}/").content.decode()
    assert "Klientas nesutiko, kad nuotraukos būtų viešinamos." in page


def test_payment_recording_follows_the_flags(client, contractor_user, expert_user, settings):
    settings.ENABLE_FINANCE_LEDGER = False
    project = make_project(ProjectStatus.CERTIFIED, contractor=contractor_user, expert=expert_user)
    client.force_login(contractor_user)
    assert "Įrašyti gautą mokėjimą" not in client.get(f"/contractor/projektai/{project.pk}/").content.decode()
    assert client.post(f"/contractor/projektai/{project.pk}/mokejimas/", {}).status_code == 404
    settings.ENABLE_FINANCE_LEDGER = True
    settings.ENABLE_MANUAL_PAYMENTS = True
    client.force_login(expert_user)
    page = client.get(f"/expert/projektai/{project.pk}/").content.decode()
    assert "Įrašyti gautą mokėjimą" in page
    assert '<option value="FINAL">Likutis</option>' in page
    assert 'value="DEPOSIT"' not in page
    data = {"payment_type": "FINAL", "amount": "400", "payment_method": "CASH", "key": "QP-vienas"}
    first = client.post(f"/expert/projektai/{project.pk}/mokejimas/", data, follow=True).content.decode()
    assert "Mokėjimas įrašytas." in first
    again = client.post(f"/expert/projektai/{project.pk}/mokejimas/", data, follow=True).content.decode()
    assert "Mokėjimas jau buvo įrašytas." in again
    assert Payment.objects.filter(project=project).count() == 1
    project.refresh_from_db()
    assert project.status == ProjectStatus.CERTIFIED
