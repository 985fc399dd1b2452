"""POST /api/v1/evidences/{id}/approve-for-web (api.md §7.6, workflow.md §6.7) and ``evidence_hide_from_web``."""

import pytest

from projects.evidence.services import evidence_hide_from_web
from projects.models import ProjectStatus
from projects.tests.factories import add_evidence
from vejapro.core.actors import Actor
from vejapro.core.models import AuditLog
from vejapro.core.tests.audit import assert_audited

pytestmark = pytest.mark.django_db
CONSENTED = {"marketing_consent": True, "marketing_consent_at": "2026-01-01T00:00Z"}


@pytest.fixture(autouse=True)
def _marketing_on(settings):
    settings.ENABLE_MARKETING_MODULE = True


def url(evidence_id) -> str:
    return f"/api/v1/evidences/{evidence_id}/approve-for-web"


@pytest.fixture
def photo(make_owned_project):
    return add_evidence(make_owned_project(ProjectStatus.CERTIFIED, **CONSENTED))


def test_expert_publishes_a_photo_with_tag_and_featured(api, photo, expert_user):
    response = api(expert_user).post_json(url(photo.pk), {"location_tag": "Vilniaus raj.", "is_featured": True})

    assert (response.status_code, response.json()) == (200, {"success": True})
    photo.refresh_from_db()
    assert (photo.show_on_web, photo.location_tag, photo.is_featured) == (True, "Vilniaus raj.", True)
    assert_audited(
        "EVIDENCE_APPROVED_FOR_WEB",
        entity_type="evidence",
        entity_id=photo.pk,
        actor_type="EXPERT",
        old_value={"show_on_web": False, "location_tag": None, "is_featured": False},
        new_value={"show_on_web": True, "location_tag": "Vilniaus raj.", "is_featured": True},
        exact=True,
    )


def test_null_values_keep_what_is_stored_and_an_unchanged_replay_writes_no_audit(api, photo, admin_user):
    api(admin_user).post_json(url(photo.pk), {"location_tag": "Kauno raj.", "is_featured": True})

    again = api(admin_user).post_json(url(photo.pk), {"location_tag": None, "is_featured": None})
    empty = api(admin_user).post(url(photo.pk))

    assert again.status_code == empty.status_code == 200
    photo.refresh_from_db()
    assert (photo.show_on_web, photo.location_tag, photo.is_featured) == (True, "Kauno raj.", True)
    assert_audited("EVIDENCE_APPROVED_FOR_WEB", count=1)

    api(admin_user).post_json(url(photo.pk), {"is_featured": False})
    photo.refresh_from_db()
    assert (photo.show_on_web, photo.is_featured) == (True, False)
    assert_audited("EVIDENCE_APPROVED_FOR_WEB", count=2)


def test_site_before_photo_of_an_active_project_can_be_published(api, make_owned_project, admin_user):
    before = add_evidence(make_owned_project(ProjectStatus.ACTIVE, **CONSENTED), "SITE_BEFORE")
    assert api(admin_user).post(url(before.pk)).status_code == 200


@pytest.mark.parametrize(
    ("project_fields", "category", "detail"),
    [
        ({"status": ProjectStatus.CERTIFIED}, "EXPERT_CERTIFICATION", "Klientas nesutiko su nuotrauku naudojimu"),
        (
            {"status": ProjectStatus.PENDING_EXPERT, **CONSENTED},
            "EXPERT_CERTIFICATION",
            "Projektas dar nesertifikuotas",
        ),
        (
            {"status": ProjectStatus.CERTIFIED, **CONSENTED},
            "WORK_IN_PROGRESS",
            "Į galeriją galima teikti tik SITE_BEFORE ir EXPERT_CERTIFICATION nuotraukas",
        ),
        # consent is checked first, then the status, then the category
        ({"status": ProjectStatus.DRAFT}, "WORK_IN_PROGRESS", "Klientas nesutiko su nuotrauku naudojimu"),
        ({"status": ProjectStatus.DRAFT, **CONSENTED}, "WORK_IN_PROGRESS", "Projektas dar nesertifikuotas"),
    ],
)
def test_business_rules_answer_400(api, make_owned_project, admin_user, project_fields, category, detail):
    evidence = add_evidence(make_owned_project(**project_fields), category)

    response = api(admin_user).post_json(url(evidence.pk), {"is_featured": True})

    assert (response.status_code, response.json()) == (400, {"detail": detail})
    evidence.refresh_from_db()
    assert (evidence.show_on_web, evidence.is_featured) == (False, False)
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"location_tag": "x" * 129}, "location_tag"),
        ({"is_featured": "yes"}, "is_featured"),
        ({"location_tag": 5}, None),
    ],
)
def test_invalid_bodies_are_422(api, photo, admin_user, body, field):
    response = api(admin_user).post_json(url(photo.pk), body)
    if field is None:
        assert response.status_code == 200  # a number is accepted as text
        return
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


@pytest.mark.parametrize("evidence_id", ["nope", "00000000-0000-0000-0000-000000000000"])
def test_unknown_evidence_is_404(api, admin_user, evidence_id):
    response = api(admin_user).post(url(evidence_id))
    assert (response.status_code, response.json()) == (404, {"detail": "Evidence not found"})


def test_flag_off_is_404_for_everybody(api, settings, photo, admin_user):
    settings.ENABLE_MARKETING_MODULE = False
    for client in (api(), api(admin_user)):
        response = client.post(url(photo.pk))
        assert (response.status_code, response.json()) == (404, {"detail": "Nerastas"})


def test_permission_matrix(api, photo, admin_user, client_user, contractor_user, other_expert, expert_user):
    cases = [
        (None, 401, "Truksta Bearer zetono"),
        (client_user, 403, "Draudžiama"),
        (contractor_user, 403, "Draudžiama"),
        (other_expert, 403, "Prieiga uždrausta"),
    ]
    for user, status, detail in cases:
        response = api(user).post(url(photo.pk))
        assert (response.status_code, response.json()) == (status, {"detail": detail}), user
    photo.refresh_from_db()
    assert photo.show_on_web is False
    assert api(expert_user).post(url(photo.pk)).status_code == 200
    assert api(admin_user).post_json(url(photo.pk), {"is_featured": True}).status_code == 200


def test_hide_from_web_unpublishes_and_unfeatures(photo, admin_user):
    photo.show_on_web = True
    photo.is_featured = True
    photo.location_tag = "Vilniaus raj."
    photo.save()

    hidden = evidence_hide_from_web(evidence=photo, actor=Actor.for_user(admin_user))

    photo.refresh_from_db()
    assert (photo.show_on_web, photo.is_featured, photo.location_tag) == (False, False, "Vilniaus raj.")
    assert hidden.pk == photo.pk
    assert_audited(
        "EVIDENCE_HIDDEN_FROM_WEB",
        entity_type="evidence",
        entity_id=photo.pk,
        actor_type="ADMIN",
        old_value={"show_on_web": True, "is_featured": True},
        new_value={"show_on_web": False, "is_featured": False},
        exact=True,
    )

    evidence_hide_from_web(evidence=photo.pk, actor=Actor.for_user(admin_user))
    assert_audited("EVIDENCE_HIDDEN_FROM_WEB", count=1)
