"""Whether a photo may be published or deleted is decided once (``projects.evidence.selectors``): the service
guards refuse exactly what the back office's photo buttons hide (api.md §7.6, workflow.md §8)."""

from itertools import product

import pytest
from django.utils import timezone

from projects.evidence.selectors import evidence_can_delete, evidence_can_publish, evidence_publish_refusal
from projects.evidence.services import evidence_approve_for_web, evidence_delete
from projects.models import Evidence, EvidenceCategory, ProjectStatus
from projects.tests.factories import add_evidence
from vejapro.core.actors import Actor
from vejapro.core.http.errors import BadRequest

pytestmark = pytest.mark.django_db

CASES = list(product(ProjectStatus.values, EvidenceCategory.values, (False, True)))


@pytest.fixture
def admin(admin_user):
    return Actor.for_user(admin_user)


def _photo(make_project, status, category, consent):
    consent_fields = {"marketing_consent": True, "marketing_consent_at": timezone.now()} if consent else {}
    return add_evidence(make_project(status, **consent_fields), category)


@pytest.mark.parametrize(("status", "category", "consent"), CASES)
def test_publishing_is_refused_exactly_when_the_predicate_says_no(make_owned_project, admin, status, category, consent):
    photo = _photo(make_owned_project, status, category, consent)
    publishable = evidence_can_publish(evidence=photo, project=photo.project)
    assert publishable == (consent and status in ("CERTIFIED", "ACTIVE") and category != "WORK_IN_PROGRESS")

    if publishable:
        assert evidence_approve_for_web(evidence=photo, actor=admin).show_on_web is True
    else:
        refusal = evidence_publish_refusal(evidence=photo, project=photo.project)
        with pytest.raises(BadRequest) as caught:
            evidence_approve_for_web(evidence=photo, actor=admin)
        assert caught.value.detail == refusal


@pytest.mark.parametrize(("status", "category"), list(product(ProjectStatus.values, EvidenceCategory.values)))
def test_deleting_is_refused_exactly_when_the_predicate_says_no(make_owned_project, admin, status, category):
    photo = _photo(make_owned_project, status, category, consent=False)
    deletable = evidence_can_delete(evidence=photo, project=photo.project)
    assert deletable == (not (category == "EXPERT_CERTIFICATION" and status in ("CERTIFIED", "ACTIVE")))

    if deletable:
        evidence_delete(evidence=photo, actor=admin, reason="Dublikatas")
    else:
        with pytest.raises(BadRequest):
            evidence_delete(evidence=photo, actor=admin, reason="Dublikatas")
    assert Evidence.objects.filter(pk=photo.pk).exists() is not deletable
