"""«Sukurti projektą»: a lead becomes a DRAFT project once (messaging.md §8.1)."""

import pytest

from messaging.services import call_request_convert
from messaging.tests.factories import add_call_request
from projects.models import Project
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.tests.audit import assert_audited


@pytest.mark.django_db
def test_convert_creates_a_draft_project_from_the_lead_and_its_card(admin_user):
    lead = add_call_request(
        "Ona Onaitė",
        phone="+37061234567",
        email=None,
        intake_state={"questionnaire": {"email": {"value": "ona@example.com"}, "address": {"value": "Kauno g. 2"}}},
    )
    actor = Actor.for_user(admin_user)

    project = call_request_convert(call_request_id=lead.pk, actor=actor)

    lead.refresh_from_db()
    assert lead.converted_project_id == project.pk
    assert project.status == "DRAFT"
    assert {key: project.client_info.get(key) for key in ("name", "email", "phone", "address")} == {
        "name": "Ona Onaitė",
        "email": "ona@example.com",
        "phone": "+37061234567",
        "address": "Kauno g. 2",
    }
    assert_audited("PROJECT_CREATED", entity_id=project.pk, actor_type="ADMIN", metadata={"source": "call_request"})
    assert_audited(
        "CALL_REQUEST_UPDATED",
        entity_id=lead.pk,
        old_value={"converted_project_id": None},
        new_value={"converted_project_id": str(project.pk)},
        exact=True,
    )


@pytest.mark.django_db
def test_a_lead_converts_only_once(admin_user):
    lead = add_call_request(phone="unknown", email=None)
    actor = Actor.for_user(admin_user)
    call_request_convert(call_request_id=lead.pk, actor=actor)

    with pytest.raises(ApiError) as refused:
        call_request_convert(call_request_id=lead.pk, actor=actor)

    assert (refused.value.status, refused.value.detail) == (409, "Užklausa jau konvertuota")
    assert Project.objects.count() == 1
    assert "phone" not in Project.objects.get().client_info
    assert_audited("PROJECT_CREATED", count=1)
    assert_audited("CALL_REQUEST_UPDATED", count=1)


@pytest.mark.django_db
def test_unknown_lead_is_404(admin_user):
    with pytest.raises(ApiError) as refused:
        call_request_convert(call_request_id="nera", actor=Actor.for_user(admin_user))

    assert (refused.value.status, refused.value.detail) == (404, "Užklausa nerasta")
