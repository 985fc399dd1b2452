"""GET /admin/call-requests, PATCH and DELETE /admin/call-requests/{id} (api.md §11.2-§11.4)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.models import CallRequest
from messaging.tests.factories import add_call_request
from vejapro.core.tests.audit import assert_audited

LIST_URL = "/api/v1/admin/call-requests"


def item_url(call_request_id) -> str:
    return f"/api/v1/admin/call-requests/{call_request_id}"


@pytest.fixture(autouse=True)
def _call_assistant_on(settings):
    settings.ENABLE_CALL_ASSISTANT = True


@pytest.mark.django_db
def test_list_masks_contacts_and_counts_new_leads(api, admin_user):
    older = add_call_request("Ona", phone="+37061234567", email="ona@gmail.com")
    newer = add_call_request("Jonas", phone="", email=None, status="CLOSED", source="email")
    CallRequest.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=1))

    response = api(admin_user).get(LIST_URL)

    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["items"]] == [str(newer.pk), str(older.pk)]
    assert (body["items"][1]["phone"], body["items"][1]["email"]) == ("+370******67", "o***@g***.com")
    assert (body["items"][0]["phone"], body["items"][0]["email"]) == ("", None)
    assert (body["next_cursor"], body["has_more"], body["stats"]) == (None, False, {"new_count": 1})


@pytest.mark.django_db
def test_list_filters_and_pages(api, admin_user):
    leads = [add_call_request(f"Klientas {number}", source="voice") for number in range(3)]
    add_call_request("Svetainės", source="public")
    for age, lead in enumerate(leads):
        CallRequest.objects.filter(pk=lead.pk).update(created_at=timezone.now() - timedelta(minutes=age + 1))
    client = api(admin_user)

    first = client.get(LIST_URL, {"source": "voice", "limit": 2}).json()
    second = client.get(LIST_URL, {"source": "voice", "limit": 2, "cursor": first["next_cursor"]}).json()

    assert [item["name"] for item in first["items"]] == ["Klientas 0", "Klientas 1"]
    assert first["has_more"] is True
    assert [item["name"] for item in second["items"]] == ["Klientas 2"]
    assert (second["has_more"], second["next_cursor"]) == (False, None)
    closed = client.get(LIST_URL, {"status": "CLOSED"}).json()
    assert closed["items"] == []
    assert closed["stats"] == {"new_count": 4}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status", "detail"),
    [
        ({"status": "OPEN"}, 422, None),
        ({"source": "fax"}, 422, None),
        ({"limit": 0}, 422, None),
        ({"cursor": "%%%"}, 400, "Neteisingas žymeklis"),
    ],
)
def test_bad_list_queries(api, admin_user, query, status, detail):
    response = api(admin_user).get(LIST_URL, query)

    assert response.status_code == status
    if detail:
        assert response.json() == {"detail": detail}
    else:
        assert response.json()["detail"][0]["loc"] == ["query", next(iter(query))]


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow_with_rows(api, admin_user, django_assert_num_queries, rows):
    for number in range(rows):
        add_call_request(f"Klientas {number}")
    client = api(admin_user)

    # The admin user, the page and the NEW count.
    with django_assert_num_queries(3):
        response = client.get(LIST_URL)

    assert len(response.json()["items"]) == rows


@pytest.mark.django_db
def test_patch_changes_only_the_sent_fields_and_is_audited_once(api, admin_user):
    lead = add_call_request("Ona", notes="Pirma")
    client = api(admin_user)
    body = {"status": "CONTACTED", "notes": "Paskambinta", "email": "nauja@example.com"}

    response = client.patch_json(item_url(lead.pk), body)
    repeat = client.patch_json(item_url(lead.pk), body)

    assert response.status_code == repeat.status_code == 200
    assert response.json()["status"] == "CONTACTED"
    assert response.json()["email"] == "nauja@example.com"
    assert response.json()["phone"] == "+37061234567"
    lead.refresh_from_db()
    assert (lead.status, lead.notes, lead.email, lead.name) == ("CONTACTED", "Paskambinta", "nauja@example.com", "Ona")
    [row] = assert_audited(
        "CALL_REQUEST_UPDATED",
        entity_id=lead.pk,
        entity_type="call_request",
        actor_type="ADMIN",
        actor_id=str(admin_user.pk),
        old_value={"status": "NEW", "notes": "Pirma"},
        new_value={"status": "CONTACTED", "notes": "Paskambinta"},
    )
    # Contacts never reach the audit log.
    assert row.new_value["email"] == "[REDACTED]"


@pytest.mark.django_db
def test_patch_validates_and_answers_404(api, admin_user):
    lead = add_call_request()
    client = api(admin_user)

    bad = client.patch_json(item_url(lead.pk), {"status": "DONE", "notes": "x" * 5001})
    missing = client.patch_json(item_url(uuid.uuid4()), {"status": "CLOSED"})
    not_uuid = client.patch_json(item_url("nera"), {"status": "CLOSED"})

    assert bad.status_code == 422
    assert sorted(error["loc"][1] for error in bad.json()["detail"]) == ["notes", "status"]
    assert missing.status_code == not_uuid.status_code == 404
    assert missing.json() == not_uuid.json() == {"detail": "Užklausa nerasta"}
    assert_audited("CALL_REQUEST_UPDATED", count=0)


@pytest.mark.django_db
def test_delete_removes_the_lead_once(api, admin_user):
    lead = add_call_request(status="CLOSED")
    client = api(admin_user)

    response = client.delete(item_url(lead.pk))
    repeat = client.delete(item_url(lead.pk))

    assert response.status_code == 204
    assert response.content == b""
    assert repeat.status_code == 404
    assert repeat.json() == {"detail": "Užklausa nerasta"}
    assert not CallRequest.objects.exists()
    assert_audited(
        "CALL_REQUEST_DELETED",
        entity_id=lead.pk,
        actor_type="ADMIN",
        old_value={"status": "CLOSED", "source": "public"},
        exact=True,
    )


@pytest.mark.django_db
def test_disabled_assistant_hides_the_admin_api(api, admin_user, settings):
    settings.ENABLE_CALL_ASSISTANT = False
    lead = add_call_request()
    client = api(admin_user)

    responses = [client.get(LIST_URL), client.patch_json(item_url(lead.pk), {}), client.delete(item_url(lead.pk))]

    assert [response.status_code for response in responses] == [404, 404, 404]
    assert CallRequest.objects.filter(pk=lead.pk).exists()
