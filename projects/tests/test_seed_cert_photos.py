"""POST /api/v1/admin/projects/{id}/seed-cert-photos (api.md §7.4): development helper."""

import pytest

from projects.models import Evidence
from vejapro.core.tests.audit import assert_audited

pytestmark = pytest.mark.django_db


def url(project_id) -> str:
    return f"/api/v1/admin/projects/{project_id}/seed-cert-photos"


def test_default_seeds_three_hidden_certification_photos(api, make_owned_project, admin_user):
    project = make_owned_project()

    response = api(admin_user).post(url(project.pk))

    assert (response.status_code, response.json()) == (200, {"success": True, "created": 3})
    photos = list(Evidence.objects.filter(project=project).order_by("file_url"))
    assert [photo.file_url for photo in photos] == [f"https://example.com/cert_photo_{n}.jpg" for n in (1, 2, 3)]
    assert {(p.category, p.show_on_web, p.is_featured, p.uploaded_by_id) for p in photos} == {
        ("EXPERT_CERTIFICATION", False, False, admin_user.pk)
    }
    assert_audited(
        "EVIDENCE_SEEDED",
        entity_type="project",
        entity_id=project.pk,
        actor_type="ADMIN",
        new_value={"count": 3, "category": "EXPERT_CERTIFICATION"},
        exact=True,
    )


def test_count_can_be_chosen(api, make_owned_project, admin_user):
    project = make_owned_project()
    response = api(admin_user).post_json(url(project.pk), {"count": 10})
    assert response.json() == {"success": True, "created": 10}
    assert Evidence.objects.count() == 10


@pytest.mark.parametrize("count", [0, 11, -1, "many", None, 2.5])
def test_count_out_of_range_is_422(api, make_owned_project, admin_user, count):
    response = api(admin_user).post_json(url(make_owned_project().pk), {"count": count})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "count"]
    assert not Evidence.objects.exists()


def test_production_hides_the_endpoint_from_everybody(api, settings, make_owned_project, admin_user):
    settings.ENVIRONMENT = "production"
    project = make_owned_project()
    for client in (api(), api(admin_user)):
        response = client.post(url(project.pk))
        assert (response.status_code, response.json()) == (404, {"detail": "Nerastas"})
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("project_id", ["bad", "00000000-0000-0000-0000-000000000000"])
def test_unknown_project_is_404(api, admin_user, project_id):
    response = api(admin_user).post(url(project_id))
    assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})


def test_permission_matrix(api, make_owned_project, client_user, contractor_user, expert_user):
    project = make_owned_project()
    assert api().post(url(project.pk)).status_code == 401
    for user in (client_user, contractor_user, expert_user):
        response = api(user).post(url(project.pk))
        assert (response.status_code, response.json()) == (403, {"detail": "Draudžiama"})
    assert not Evidence.objects.exists()
