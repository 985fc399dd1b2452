"""POST /api/v1/webhook/chat/events: the chat assistant's lead and hold, every reply state (api.md §13.4,
messaging.md §7)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from messaging.models import Appointment, CallRequest, ConversationLock
from messaging.tests.factories import add_appointment
from messaging.views import chat_intent
from vejapro.core.models import User
from vejapro.core.tests.audit import assert_audited

URL = "/api/v1/webhook/chat/events"
HELD_REPLY = "Galiu rezervuoti laiką {}. Jei tinka, parašykite „Tinka“. Jei netinka, parašykite „Netinka“."


@pytest.fixture(autouse=True)
def _assistant_on(settings):
    settings.ENABLE_CALL_ASSISTANT = True
    settings.ENABLE_SCHEDULE_ENGINE = True
    settings.CHAT_WEBHOOK_SECRET = "pokalbiu-paslaptis"


@pytest.fixture
def worker(db):
    return User.objects.create_user("darbuotojas@vejapro.lt", role="SUBCONTRACTOR")


def say(message: str, conversation: str = "conv-1", secret: str = "pokalbiu-paslaptis", **fields):
    body = {"conversation_id": conversation, "message": message, **fields}
    return Client(enforce_csrf_checks=True).post(URL, body, content_type="application/json", HTTP_X_CHAT_SECRET=secret)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("Tinka!", "confirm"),
        (" taip ", "confirm"),
        ("OK.", "confirm"),
        ("Ne", "cancel"),
        ("netinka?", "cancel"),
        ("tinka, bet vėliau", None),
        ("labas", None),
    ],
)
def test_intent_is_the_whole_message(message, intent):
    assert chat_intent(message) == intent


@pytest.mark.django_db
def test_first_message_creates_the_lead_and_holds_a_slot(worker):
    response = say("Sveiki, norėčiau vejos", name="Ona", from_phone="+37061234567")

    lead = CallRequest.objects.get()
    hold = Appointment.objects.get()
    assert response.status_code == 200
    assert response.json() == {
        "reply": HELD_REPLY.format(_local(hold.starts_at)),
        "state": {
            "status": "held",
            "starts_at": hold.starts_at.isoformat(),
            "ends_at": hold.ends_at.isoformat(),
            "hold_expires_at": hold.hold_expires_at.isoformat(),
        },
    }
    assert (lead.name, lead.phone, lead.source, lead.conversation_ref) == ("Ona", "+37061234567", "chat", "conv-1")
    assert (hold.status, hold.resource, hold.call_request) == ("HELD", worker, lead)
    assert hold.starts_at >= timezone.now() + timedelta(minutes=15)
    assert timezone.localtime(hold.starts_at).weekday() != 6
    assert ConversationLock.objects.get().appointment == hold
    assert_audited("CALL_REQUEST_CREATED", entity_id=lead.pk, actor_type="SYSTEM")


@pytest.mark.django_db
def test_a_repeat_without_intent_re_answers_the_same_slot(worker):
    first = say("Sveiki")
    again = say("Kiek kainuoja?")

    assert again.json() == first.json()
    assert Appointment.objects.count() == 1
    assert ConversationLock.objects.get().prompt_count == 1


@pytest.mark.django_db
def test_confirm_books_the_visit(worker):
    say("Sveiki")

    response = say("Tinka")

    hold = Appointment.objects.get()
    lead = CallRequest.objects.get()
    assert response.json()["reply"] == "Ačiū. Laikas patvirtintas."
    assert response.json()["state"]["status"] == "confirmed"
    assert (hold.status, hold.lock_reason, hold.hold_expires_at) == ("CONFIRMED", "HOLD_CONFIRM", None)
    assert (lead.status, lead.preferred_time) == ("SCHEDULED", hold.starts_at)
    assert not ConversationLock.objects.exists()
    assert_audited(
        "APPOINTMENT_CONFIRMED",
        entity_id=hold.pk,
        actor_type="SYSTEM",
        metadata={"reason": "HOLD_CONFIRM", "system_source": "chat_assistant", "conversation_id": "conv-1"},
    )


@pytest.mark.django_db
def test_cancel_then_the_next_message_offers_another_slot(worker):
    first = say("Sveiki").json()

    cancelled = say("Netinka")
    offered = say("Kitą laiką")

    assert cancelled.json() == {
        "reply": "Gerai. Laikas atšauktas. Parašykite, ir pasiūlysiu kitą laiką.",
        "state": {"status": "cancelled"},
    }
    assert offered.json()["state"]["starts_at"] != first["state"]["starts_at"]
    assert list(Appointment.objects.order_by("created_at").values_list("status", "cancel_reason")) == [
        ("CANCELLED", "HOLD_CANCELLED"),
        ("HELD", None),
    ]
    assert_audited("APPOINTMENT_CANCELLED", count=1)


@pytest.mark.django_db
def test_confirm_after_the_hold_expired(worker):
    say("Sveiki")
    ConversationLock.objects.update(hold_expires_at=timezone.now() - timedelta(seconds=1))

    response = say("Tinka")

    assert response.json() == {
        "reply": "Rezervacija nebegalioja. Parašykite, ir pasiūlysiu kitą laiką.",
        "state": {"status": "expired"},
    }
    assert Appointment.objects.get().status == "HELD"
    assert not ConversationLock.objects.exists()


@pytest.mark.django_db
def test_different_conversations_get_different_slots(worker):
    first = say("Sveiki", conversation="a").json()["state"]["starts_at"]
    second = say("Sveiki", conversation="b").json()["state"]["starts_at"]

    assert first != second
    assert CallRequest.objects.count() == 2


@pytest.mark.django_db
def test_engine_off_records_the_lead(settings, worker):
    settings.ENABLE_SCHEDULE_ENGINE = False

    response = say("Sveiki")

    assert response.json() == {
        "reply": "Ačiū. Užklausa užregistruota. Susisieksime artimiausiu metu.",
        "state": {"status": "recorded"},
    }
    assert CallRequest.objects.count() == 1
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_without_a_worker_the_lead_is_recorded_as_not_configured():
    response = say("Sveiki")

    assert response.json()["state"] == {"status": "not_configured"}
    assert response.json()["reply"] == "Sistema nesukonfigūruota planavimui. Užklausa užregistruota. Susisieksime."
    assert CallRequest.objects.count() == 1


@pytest.mark.django_db
def test_a_full_calendar_has_no_slots(worker):
    lead = CallRequest.objects.create(name="Užimtas", phone="", source="public")
    start = timezone.now() - timedelta(days=1)
    add_appointment(call_request=lead, resource=worker, status="HELD", starts_at=start, minutes=60 * 24 * 16)

    response = say("Sveiki")

    assert response.json()["state"] == {"status": "no_slots"}
    assert response.json()["reply"] == "Laisvų laikų neradau. Užklausa užregistruota. Susisieksime dėl laiko."


@pytest.mark.django_db
@pytest.mark.parametrize("secret", ["", "bloga"])
def test_a_wrong_secret_is_403_and_audited(worker, secret):
    response = say("Sveiki", secret=secret)

    assert (response.status_code, response.json()) == (403, {"detail": "Draudžiama"})
    assert not CallRequest.objects.exists()
    assert_audited("CHAT_WEBHOOK_AUTH_INVALID", actor_type="SYSTEM")


@pytest.mark.django_db
def test_bad_bodies_and_limits(worker, rate_limits):
    not_json = Client().post(URL, "x", content_type="application/json", HTTP_X_CHAT_SECRET="pokalbiu-paslaptis")
    missing = say("   ")
    statuses = [say("Sveiki", conversation="riba").status_code for _ in range(21)]

    assert (not_json.status_code, not_json.json()) == (400, {"detail": "Neteisingas JSON body"})
    assert (missing.status_code, missing.json()) == (400, {"detail": "Truksta conversation_id arba message"})
    assert statuses == [200] * 20 + [429]
    assert say("Sveiki", conversation="riba").json() == {"detail": "Per daug uzklausu"}
