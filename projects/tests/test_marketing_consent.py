"""POST /api/v1/projects/{id}/marketing-consent (api.md §7.5, workflow.md §11)."""

import pytest

from projects.models import Evidence, ProjectStatus
from projects.tests.factories import add_evidence
from vejapro.core.models import AuditLog
from vejapro.core.tests.audit import assert_audited

pytestmark = pytest.mark.django_db


def url(project_id) -> str:
    return f"/api/v1/projects/{project_id}/marketing-consent"


def test_owner_gives_consent_with_an_empty_body(api, make_owned_project, client_user):
    project = make_owned_project(ProjectStatus.CERTIFIED)

    response = api(client_user).post(url(project.pk))

    assert response.status_code == 200
    project.refresh_from_db()
    assert project.marketing_consent is True
    assert project.marketing_consent_at is not None
    assert response.json() == {
        "success": True,
        "marketing_consent": True,
        "marketing_consent_at": project.marketing_consent_at.isoformat().replace("Z", "+00:00"),
    }
    assert response.json()["marketing_consent_at"].endswith("+00:00")
    assert_audited(
        "MARKETING_CONSENT_UPDATE",
        entity_type="project",
        entity_id=project.pk,
        actor_type="CLIENT",
        old_value={"marketing_consent": False},
        new_value={"marketing_consent": True},
        exact=True,
    )


def test_same_value_again_writes_no_audit(api, make_owned_project, client_user):
    project = make_owned_project()
    api(client_user).post_json(url(project.pk), {"consent": True})

    again = api(client_user).post_json(url(project.pk), {"consent": True})

    assert again.status_code == 200
    assert again.json()["marketing_consent"] is True
    assert_audited("MARKETING_CONSENT_UPDATE", count=1)


def test_revoking_hides_every_published_photo(api, make_owned_project, admin_user):
    project = make_owned_project(ProjectStatus.ACTIVE, marketing_consent=True, marketing_consent_at="2026-01-01T00:00Z")
    featured = add_evidence(project, show_on_web=True, is_featured=True)
    published = add_evidence(project, "SITE_BEFORE", show_on_web=True)
    hidden = add_evidence(project)
    other = make_owned_project(ProjectStatus.ACTIVE, marketing_consent=True, marketing_consent_at="2026-01-01T00:00Z")
    elsewhere = add_evidence(other, show_on_web=True)

    response = api(admin_user).post_json(url(project.pk), {"consent": False})

    assert response.json() == {"success": True, "marketing_consent": False, "marketing_consent_at": None}
    for photo in (featured, published, hidden):
        photo.refresh_from_db()
        assert (photo.show_on_web, photo.is_featured) == (False, False)
    elsewhere.refresh_from_db()
    assert elsewhere.show_on_web is True
    assert_audited(
        "MARKETING_CONSENT_UPDATE",
        actor_type="ADMIN",
        old_value={"marketing_consent": True},
        new_value={"marketing_consent": False},
        exact=True,
    )
    assert_audited(
        "MARKETING_CONSENT_REVOKE",
        entity_type="project",
        entity_id=project.pk,
        old_value={"show_on_web": True},
        new_value={"show_on_web": False},
        metadata={"affected_evidences": 2},
        exact=True,
    )


def test_revoking_without_published_photos_writes_only_the_update(api, make_owned_project, client_user):
    project = make_owned_project(marketing_consent=True, marketing_consent_at="2026-01-01T00:00Z")

    api(client_user).post_json(url(project.pk), {"consent": False})

    assert_audited("MARKETING_CONSENT_UPDATE", count=1)
    assert_audited("MARKETING_CONSENT_REVOKE", count=0)


@pytest.mark.parametrize("consent", ["yes", 1, None, "true"])
def test_consent_must_be_a_boolean(api, make_owned_project, client_user, consent):
    project = make_owned_project()
    response = api(client_user).post_json(url(project.pk), {"consent": consent})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "consent"]
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("project_id", ["x", "00000000-0000-0000-0000-000000000000"])
def test_unknown_project_is_404(api, client_user, project_id):
    response = api(client_user).post_json(url(project_id), {"consent": True})
    assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})


def test_permission_matrix(
    api, make_owned_project, admin_user, client_user, outsider_client, contractor_user, expert_user
):
    project = make_owned_project()
    cases = [
        (None, 401, "Truksta Bearer zetono"),
        (contractor_user, 403, "Draudžiama"),
        (expert_user, 403, "Draudžiama"),
        (outsider_client, 403, "Prieiga uždrausta"),
    ]
    for user, status, detail in cases:
        response = api(user).post_json(url(project.pk), {"consent": True})
        assert (response.status_code, response.json()) == (status, {"detail": detail}), user
    project.refresh_from_db()
    assert project.marketing_consent is False
    assert not AuditLog.objects.exists()

    assert api(client_user).post_json(url(project.pk), {"consent": True}).status_code == 200
    assert api(admin_user).post_json(url(project.pk), {"consent": False}).status_code == 200
    assert_audited("MARKETING_CONSENT_UPDATE", count=2)
    assert not Evidence.objects.exists()
