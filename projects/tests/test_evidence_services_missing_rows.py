"""A row that disappears between the caller's read and the service's lock answers the contract's 404, never a 500."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.evidence.services import (
    evidence_approve_for_web,
    evidence_delete,
    evidence_hide_from_web,
    evidence_seed_certification,
    evidence_upload,
    project_certify,
    project_marketing_consent_set,
    project_reject,
)
from projects.models import Evidence, Project, ProjectStatus
from projects.tests.factories import add_evidence, image_bytes
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _gone(project: Project) -> Project:
    """The caller still holds the instance; the row is gone (an admin deleted the spam DRAFT meanwhile)."""
    Project.objects.filter(pk=project.pk).delete()
    return project


@pytest.mark.parametrize(
    "call",
    [
        lambda project, actor: project_marketing_consent_set(project=project, consent=True, actor=actor),
        lambda project, actor: project_certify(project=project, actor=actor, checklist={"ground": True}),
        lambda project, actor: project_reject(project=project, actor=actor, reason="Netinka", failed_items=[]),
        lambda project, actor: evidence_seed_certification(project=project, count=3, actor=actor),
    ],
    ids=["consent", "certify", "reject", "seed"],
)
def test_project_services_answer_404(make_owned_project, admin_user, call):
    project = _gone(make_owned_project(ProjectStatus.DRAFT))

    with pytest.raises(ApiError) as error:
        call(project, Actor.for_user(admin_user))

    assert (error.value.status, error.value.detail) == (404, "Projektas nerastas")
    assert not AuditLog.objects.exists()


def test_upload_to_a_vanished_project_is_404_and_leaves_no_stored_object(settings, make_owned_project, admin_user):
    project = _gone(make_owned_project(ProjectStatus.DRAFT))
    upload = SimpleUploadedFile("a.jpg", image_bytes(), content_type="image/jpeg")

    with pytest.raises(ApiError) as error:
        evidence_upload(project=project, category="SITE_BEFORE", upload=upload, actor=Actor.for_user(admin_user))

    assert (error.value.status, error.value.detail) == (404, "Projektas nerastas")
    assert not Evidence.objects.exists()
    stored = Path(settings.MEDIA_ROOT) / "evidences" / str(project.pk)
    assert list(stored.iterdir()) == []


@pytest.mark.parametrize(
    "call",
    [
        lambda evidence, actor: evidence_approve_for_web(evidence=evidence, actor=actor),
        lambda evidence, actor: evidence_hide_from_web(evidence=evidence, actor=actor),
        lambda evidence, actor: evidence_delete(evidence=evidence, actor=actor, reason="Dublikatas"),
    ],
    ids=["approve", "hide", "delete"],
)
def test_evidence_services_answer_404(make_owned_project, admin_user, call):
    evidence = add_evidence(
        make_owned_project(ProjectStatus.CERTIFIED, marketing_consent=True, marketing_consent_at="2026-01-01T00:00:00Z")
    )
    Evidence.objects.filter(pk=evidence.pk).delete()

    with pytest.raises(ApiError) as error:
        call(evidence, Actor.for_user(admin_user))

    assert (error.value.status, error.value.detail) == (404, "Evidence not found")
    assert not AuditLog.objects.exists()
