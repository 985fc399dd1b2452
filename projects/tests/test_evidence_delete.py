"""``evidence_delete``: the ADMIN back-office deletion with a reason (workflow.md §8)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.evidence.services import evidence_delete, evidence_upload
from projects.models import Evidence, ProjectStatus
from projects.tests.factories import add_evidence, image_bytes
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.tests.audit import assert_audited

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_deletes_a_photo_and_its_stored_objects(settings, make_owned_project, admin_user):
    project = make_owned_project(ProjectStatus.SCHEDULED)
    admin = Actor.for_user(admin_user)
    upload = SimpleUploadedFile("a.jpg", image_bytes(), content_type="image/jpeg")
    evidence = evidence_upload(project=project, category="SITE_BEFORE", upload=upload, actor=admin)
    folder = Path(settings.MEDIA_ROOT) / "evidences" / str(project.pk)
    assert len(list(folder.iterdir())) == 3

    evidence_delete(evidence=evidence, actor=admin, reason="  Ne to sklypo nuotrauka ")

    assert not Evidence.objects.exists()
    assert list(folder.iterdir()) == []
    assert_audited(
        "EVIDENCE_DELETED",
        entity_type="evidence",
        entity_id=evidence.pk,
        actor_type="ADMIN",
        old_value={"file_url": evidence.file_url, "category": "SITE_BEFORE", "project_id": str(project.pk)},
        new_value=None,
        metadata={"reason": "Ne to sklypo nuotrauka"},
        exact=True,
    )


@pytest.mark.parametrize(
    ("status", "category", "reason", "detail"),
    [
        (
            ProjectStatus.CERTIFIED,
            "EXPERT_CERTIFICATION",
            "klaida",
            "Sertifikuoto projekto sertifikavimo nuotraukų ištrinti negalima",
        ),
        (
            ProjectStatus.ACTIVE,
            "EXPERT_CERTIFICATION",
            "klaida",
            "Sertifikuoto projekto sertifikavimo nuotraukų ištrinti negalima",
        ),
        (ProjectStatus.SCHEDULED, "SITE_BEFORE", "   ", "Priezastis privaloma"),
    ],
)
def test_refusals_change_nothing(make_owned_project, admin_user, status, category, reason, detail):
    evidence = add_evidence(make_owned_project(status), category)

    with pytest.raises(ApiError) as error:
        evidence_delete(evidence=evidence, actor=Actor.for_user(admin_user), reason=reason)

    assert (error.value.status, error.value.detail) == (400, detail)
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert_audited("EVIDENCE_DELETED", count=0)


def test_certification_photo_of_an_uncertified_project_can_be_deleted(make_owned_project, admin_user):
    evidence = add_evidence(make_owned_project(ProjectStatus.PENDING_EXPERT))
    evidence_delete(evidence=evidence.pk, actor=Actor.for_user(admin_user), reason="Dublikatas")
    assert not Evidence.objects.exists()


def test_only_an_admin_may_delete(make_owned_project, expert_user):
    evidence = add_evidence(make_owned_project())
    with pytest.raises(ApiError) as error:
        evidence_delete(evidence=evidence, actor=Actor.for_user(expert_user), reason="Dublikatas")
    assert error.value.status == 403
    assert Evidence.objects.exists()
