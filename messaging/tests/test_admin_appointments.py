"""The calendar API: GET/POST /admin/appointments, mini-triage, confirm-hold, PATCH (api.md §11.5-§11.9)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.models import Appointment, ConversationLock
from messaging.tests.factories import add_appointment, add_call_request
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited

URL = "/api/v1/admin/appointments"


@pytest.fixture(autouse=True)
def _calendar_on(settings):
    settings.ENABLE_CALENDAR = True


def _slot(days: int = 2, hour: int = 9, minutes: int = 60) -> dict:
    start = (timezone.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return {"starts_at": start.isoformat(), "ends_at": (start + timedelta(minutes=minutes)).isoformat()}


@pytest.mark.django_db
def test_create_books_the_caller_and_syncs_scheduled_for(api, admin_user):
    project = make_project("PAID")
    body = {"project_id": str(project.pk), "notes": "Atvežti velėną", **_slot()}

    response = api(admin_user).post_json(URL, body)

    assert response.status_code == 201
    appointment = Appointment.objects.get()
    data = response.json()
    assert data["id"] == str(appointment.pk)
    assert (data["status"], data["visit_type"], data["resource_id"]) == ("CONFIRMED", "PRIMARY", str(admin_user.pk))
    assert (data["lock_level"], data["lock_reason"], data["locked_by"]) == (1, "ADMIN_CREATE", str(admin_user.pk))
    assert (data["hold_expires_at"], data["row_version"], data["notes"]) == (None, 1, "Atvežti velėną")
    project.refresh_from_db()
    assert project.scheduled_for == appointment.starts_at
    assert_audited(
        "APPOINTMENT_CREATED",
        entity_id=appointment.pk,
        entity_type="appointment",
        actor_type="ADMIN",
        new_value={"status": "CONFIRMED", "visit_type": "PRIMARY"},
    )


@pytest.mark.django_db
def test_create_for_a_lead_schedules_it(api, admin_user):
    lead = add_call_request()

    response = api(admin_user).post_json(URL, {"call_request_id": str(lead.pk), **_slot()})

    assert response.status_code == 201
    lead.refresh_from_db()
    assert lead.status == "SCHEDULED"
    assert_audited("CALL_REQUEST_UPDATED", entity_id=lead.pk, new_value={"status": "SCHEDULED"})


@pytest.mark.django_db
def test_overlap_and_second_visit_of_a_type_are_409(api, admin_user):
    project = make_project("PAID")
    other = make_project("PAID")
    client = api(admin_user)
    assert client.post_json(URL, {"project_id": str(project.pk), **_slot(hour=9)}).status_code == 201

    overlap = client.post_json(URL, {"project_id": str(other.pk), **_slot(hour=9, minutes=30)})
    touching = client.post_json(URL, {"project_id": str(other.pk), **_slot(hour=10)})
    second = client.post_json(URL, {"project_id": str(project.pk), **_slot(hour=14)})

    assert (overlap.status_code, overlap.json()) == (409, {"detail": "Laikas užimtas"})
    assert touching.status_code == 201
    assert (second.status_code, second.json()) == (409, {"detail": "Jau yra patvirtintas šio tipo vizitas"})
    assert Appointment.objects.count() == 2
    assert_audited("APPOINTMENT_CREATED", count=2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"project_id": "nera"}, 404, "Projektas nerastas"),
        ({"call_request_id": str(uuid.uuid4())}, 404, "Užklausa nerasta"),
        ({"resource_id": "x"}, 400, "Invalid resource_id"),
        ({"resource_id": str(uuid.uuid4())}, 404, "Vartotojas nerastas"),
        ({"status": "HELD"}, 400, "HELD vizitai kuriami tik per Hold API"),
    ],
)
def test_create_refusals(api, admin_user, body, status, detail):
    project = make_project("PAID")
    payload = {"project_id": str(project.pk), **_slot(), **body}

    response = api(admin_user).post_json(URL, payload)

    assert (response.status_code, response.json()) == (status, {"detail": detail})
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_create_needs_a_link_and_an_end_after_the_start(api, admin_user):
    project = make_project("PAID")
    slot = _slot()
    client = api(admin_user)

    unlinked = client.post_json(URL, slot)
    backwards = client.post_json(
        URL, {"project_id": str(project.pk), "starts_at": slot["ends_at"], "ends_at": slot["starts_at"]}
    )

    assert unlinked.status_code == 422
    assert unlinked.json()["detail"][0]["loc"] == ["body", "project_id"]
    assert (backwards.status_code, backwards.json()) == (400, {"detail": "Pabaiga turi būti vėlesnė nei pradžia"})


@pytest.mark.django_db
def test_list_filters_and_counts_holds(api, admin_user):
    project = make_project("PAID")
    held = add_appointment(project=project, status="HELD", starts_at=timezone.now() + timedelta(days=3))
    confirmed = add_appointment(project=project, starts_at=timezone.now() + timedelta(days=1))
    client = api(admin_user)

    everything = client.get(URL).json()
    holds = client.get(URL, {"status": "HELD"}).json()
    bad = client.get(URL, {"from_ts": "2027-02-01T00:00:00Z", "to_ts": "2027-01-01T00:00:00Z"})

    assert [item["id"] for item in everything["items"]] == [str(held.pk), str(confirmed.pk)]
    assert everything["stats"] == {"pending_schedule_count": 1}
    assert [item["id"] for item in holds["items"]] == [str(held.pk)]
    assert (bad.status_code, bad.json()) == (400, {"detail": "from_ts must be <= to_ts"})


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow_with_rows(api, admin_user, django_assert_num_queries, rows):
    project = make_project("PAID")
    for number in range(rows):
        add_appointment(
            project=project, resource=admin_user, status="HELD", starts_at=timezone.now() + timedelta(hours=2 * number)
        )
    client = api(admin_user)

    # The admin user, the page and the HELD count.
    with django_assert_num_queries(3):
        response = client.get(URL)

    assert len(response.json()["items"]) == rows


@pytest.mark.django_db
def test_mini_triage_lists_holds_earliest_first(api, admin_user):
    lead = add_call_request()
    later = add_appointment(call_request=lead, status="HELD", starts_at=timezone.now() + timedelta(days=2))
    overdue = add_appointment(call_request=lead, status="HELD", starts_at=timezone.now() - timedelta(hours=1))

    body = api(admin_user).get(f"{URL}/mini-triage").json()

    assert body["view_version"] == "1.0"
    assert [(item["appointment_id"], item["overdue"]) for item in body["items"]] == [
        (str(overdue.pk), True),
        (str(later.pk), False),
    ]
    assert body["items"][0]["primary_action"] == {
        "label": "Patvirtinti",
        "action_key": "confirm_hold",
        "payload": {"appointment_id": str(overdue.pk)},
    }


@pytest.mark.django_db
def test_confirm_hold_confirms_once(api, admin_user):
    lead = add_call_request()
    hold = add_appointment(call_request=lead, status="HELD")
    ConversationLock.objects.create(
        channel="VOICE", conversation_id="CA1", appointment=hold, hold_expires_at=hold.hold_expires_at
    )
    client = api(admin_user)

    response = client.post_json(f"{URL}/{hold.pk}/confirm-hold")
    repeat = client.post_json(f"{URL}/{hold.pk}/confirm-hold")

    assert response.json() == {"success": True, "appointment_id": str(hold.pk), "status": "CONFIRMED"}
    assert (repeat.status_code, repeat.json()) == (409, {"detail": "Vizitas nėra HELD būsenos"})
    hold.refresh_from_db()
    assert (hold.status, hold.hold_expires_at, hold.lock_reason, hold.row_version) == (
        "CONFIRMED",
        None,
        "ADMIN_CONFIRM_HOLD",
        2,
    )
    assert not ConversationLock.objects.exists()
    lead.refresh_from_db()
    assert lead.status == "SCHEDULED"
    assert_audited("APPOINTMENT_CONFIRMED", entity_id=hold.pk, old_value={"status": "HELD"})


@pytest.mark.django_db
def test_confirm_an_expired_hold_or_an_unknown_visit(api, admin_user):
    hold = add_appointment(call_request=add_call_request(), status="HELD", hold_expires_in=timedelta(minutes=-1))
    client = api(admin_user)

    expired = client.post_json(f"{URL}/{hold.pk}/confirm-hold")
    unknown = client.post_json(f"{URL}/{uuid.uuid4()}/confirm-hold")

    assert (expired.status_code, expired.json()) == (409, {"detail": "Rezervacijos laikas pasibaigė"})
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "Vizitas nerastas"})
    assert_audited("APPOINTMENT_CONFIRMED", count=0)


@pytest.mark.django_db
def test_patch_cancels_once_and_resyncs_scheduled_for(api, admin_user):
    project = make_project("PAID")
    visit = add_appointment(project=project)
    project.scheduled_for = visit.starts_at
    project.save(update_fields=["scheduled_for"])
    client = api(admin_user)

    response = client.patch_json(f"{URL}/{visit.pk}", {"status": "CANCELLED", "notes": "Klientas atšaukė"})
    repeat = client.patch_json(f"{URL}/{visit.pk}", {"status": "CANCELLED", "notes": "Klientas atšaukė"})

    assert response.status_code == repeat.status_code == 200
    data = response.json()
    assert (data["status"], data["cancel_reason"], data["cancelled_by"]) == (
        "CANCELLED",
        "ADMIN_CANCEL",
        str(admin_user.pk),
    )
    assert data["row_version"] == 2
    project.refresh_from_db()
    assert project.scheduled_for is None
    assert_audited("APPOINTMENT_UPDATED", entity_id=visit.pk, new_value={"status": "CANCELLED"})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            {"starts_at": "2027-01-01T10:00:00Z"},
            "Laiko keitimas draudžiamas. Naudokite RESCHEDULE (preview -> confirm).",
        ),
        ({"status": "CONFIRMED"}, "Leidžiama tik atšaukti (CANCELLED)"),
    ],
)
def test_patch_refusals(api, admin_user, body, detail):
    visit = add_appointment(project=make_project("PAID"))

    response = api(admin_user).patch_json(f"{URL}/{visit.pk}", body)

    assert (response.status_code, response.json()) == (400, {"detail": detail})
    assert_audited("APPOINTMENT_UPDATED", count=0)


@pytest.mark.django_db
def test_calendar_flag_off_hides_the_api(api, admin_user, settings):
    settings.ENABLE_CALENDAR = False

    assert api(admin_user).get(URL).status_code == 404


@pytest.mark.django_db
def test_a_lead_with_visits_cannot_be_deleted(api, admin_user, settings):
    settings.ENABLE_CALL_ASSISTANT = True
    lead = add_call_request()
    add_appointment(call_request=lead, status="CANCELLED")

    response = api(admin_user).delete(f"/api/v1/admin/call-requests/{lead.pk}")

    assert (response.status_code, response.json()) == (409, {"detail": "Užklausa turi susietų vizitų"})
    assert_audited("CALL_REQUEST_DELETED", count=0)
