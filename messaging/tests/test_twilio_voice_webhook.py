"""POST /api/v1/webhook/twilio/voice: every TwiML branch of the voice assistant, signed with Twilio's
``RequestValidator``, and the same request unsigned (api.md §13.3, messaging.md §6)."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone
from twilio.request_validator import RequestValidator

from messaging.models import Appointment, CallRequest, ConversationLock
from messaging.tests.factories import add_appointment
from messaging.views import spoken_slot, voice_intent
from vejapro.core.models import User
from vejapro.core.tests.audit import assert_audited

PATH = "/api/v1/webhook/twilio/voice"
VOICE_URL = "https://vejapro.lt/api/v1/webhook/twilio/voice"
TOKEN = "twilio-voice-token"
CALLER = "+37061234567"
SAY = '<Say language="lt-LT" voice="Google.lt-LT-Standard-A">'


@pytest.fixture(autouse=True)
def _voice_on(settings):
    settings.ENABLE_TWILIO = True
    settings.ENABLE_CALL_ASSISTANT = True
    settings.ENABLE_SCHEDULE_ENGINE = True
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.TWILIO_VOICE_WEBHOOK_URL = VOICE_URL
    settings.ALLOW_INSECURE_WEBHOOKS = False


@pytest.fixture
def worker(db):
    return User.objects.create_user("darbuotojas@vejapro.lt", role="SUBCONTRACTOR")


def call(*, signed: bool = True, call_sid: str = "CA1", sender: str = CALLER, **fields) -> str:
    params = {"From": sender, **fields}
    if call_sid:
        params["CallSid"] = call_sid
    headers = (
        {"HTTP_X_TWILIO_SIGNATURE": RequestValidator(TOKEN).compute_signature(VOICE_URL, params)} if signed else {}
    )
    response = Client(enforce_csrf_checks=True).post(
        PATH, data=urlencode(params), content_type="application/x-www-form-urlencoded", **headers
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return response.content.decode()


def final(text: str) -> str:
    return f"{SAY}{text}</Say><Hangup />"


@pytest.mark.parametrize(
    ("digits", "speech", "intent"),
    [
        ("1", "", "confirm"),
        ("2", "tinka", "cancel"),
        ("", "Taip, tinka", "confirm"),
        ("", "ne, netinka", "cancel"),
        ("", "ne tinka", "cancel"),
        ("", "tinkamas laikas", None),
        ("", "", None),
    ],
)
def test_intent_is_whole_words_with_cancel_first(digits, speech, intent):
    assert voice_intent(digits=digits, speech=speech) == intent


def test_spoken_slot_is_lithuanian():
    moment = timezone.make_aware(timezone.datetime(2027, 3, 4, 10, 0))

    assert spoken_slot(moment) == "ketvirtadienį, kovo 4 d., 10:00"


@pytest.mark.django_db
def test_first_call_creates_the_lead_and_prompts_a_held_slot(worker):
    xml = call()

    lead = CallRequest.objects.get()
    hold = Appointment.objects.get()
    assert (lead.name, lead.phone, lead.source, lead.conversation_ref) == ("Skambutis", CALLER, "voice", "CA1")
    assert hold.status == "HELD"
    assert f"Galiu rezervuoti laiką {spoken_slot(hold.starts_at)}." in xml
    assert '<Gather action="https://vejapro.lt/api/v1/webhook/twilio/voice"' in xml
    assert 'input="speech dtmf"' in xml
    assert f'{SAY}Negavau atsakymo. Pabandykime dar kartą.</Say><Redirect method="POST">{VOICE_URL}</Redirect>' in xml
    assert hold.starts_at >= timezone.now() + timedelta(minutes=30)
    assert_audited("CALL_REQUEST_CREATED", entity_id=lead.pk, actor_type="SYSTEM_TWILIO")


@pytest.mark.django_db
def test_a_retry_re_prompts_the_same_slot_and_gives_up_after_the_limit(worker, settings):
    settings.VOICE_MAX_REPROMPTS = 2
    first = call()

    assert call() == first
    assert call() == first
    goodbye = final("Negavau atsakymo. Užklausa užregistruota. Susisieksime.")
    assert call() == f'<?xml version="1.0" encoding="UTF-8"?><Response>{goodbye}</Response>'
    assert Appointment.objects.count() == 1
    assert CallRequest.objects.count() == 1


@pytest.mark.django_db
def test_press_one_confirms(worker):
    call()
    hold = Appointment.objects.get()

    xml = call(Digits="1")

    hold.refresh_from_db()
    assert final(f"Ačiū. Laikas patvirtintas: {spoken_slot(hold.starts_at)}. Iki pasimatymo.") in xml
    assert (hold.status, hold.lock_reason) == ("CONFIRMED", "HOLD_CONFIRM")
    assert CallRequest.objects.get().status == "SCHEDULED"
    assert not ConversationLock.objects.exists()
    assert_audited(
        "APPOINTMENT_CONFIRMED", entity_id=hold.pk, actor_type="SYSTEM_TWILIO", metadata={"channel": "VOICE"}
    )


@pytest.mark.django_db
def test_saying_netinka_cancels(worker):
    call()

    xml = call(SpeechResult="Ne, netinka")

    assert final("Gerai. Laikas atšauktas. Mūsų komanda su jumis susisieks. Ačiū už skambutį.") in xml
    assert Appointment.objects.get().cancel_reason == "HOLD_CANCELLED"
    assert_audited("APPOINTMENT_CANCELLED", count=1)


@pytest.mark.django_db
def test_confirming_an_expired_hold_offers_another_slot(worker):
    call()
    ConversationLock.objects.update(hold_expires_at=timezone.now() - timedelta(seconds=1))

    xml = call(Digits="1")

    assert f"{SAY}Rezervacija nebegalioja. Pasiūlysiu kitą laiką.</Say>" in xml
    assert "Galiu rezervuoti laiką" in xml
    assert Appointment.objects.filter(status="HELD").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "text"),
    [
        ("engine_off", "Ačiū už skambutį. Užklausa užregistruota. Mes susisieksime artimiausiu metu."),
        ("no_worker", "Sistema nesukonfigūruota planavimui. Užklausa užregistruota. Susisieksime."),
        ("full", "Artimiausiu metu laisvų laikų neradau. Užklausa užregistruota. Susisieksime dėl laiko."),
    ],
)
def test_final_messages_when_no_slot_can_be_held(db, settings, setup, text):
    if setup == "engine_off":
        settings.ENABLE_SCHEDULE_ENGINE = False
    if setup == "full":
        resource = User.objects.create_user("darbuotojas@vejapro.lt", role="SUBCONTRACTOR")
        other = CallRequest.objects.create(name="Kitas", phone="", source="public")
        add_appointment(
            call_request=other, resource=resource, status="HELD",
            starts_at=timezone.now() - timedelta(days=1), minutes=60 * 24 * 16,
        )  # fmt: skip

    xml = call()

    assert final(text) in xml
    assert CallRequest.objects.filter(source="voice").count() == 1


@pytest.mark.django_db
def test_missing_call_sid_hangs_up(worker):
    assert call(call_sid="").endswith("<Response><Hangup /></Response>")
    assert not CallRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [{}, {"Digits": "1"}, {"SpeechResult": "netinka"}, {"CallSid": ""}])
def test_every_branch_unsigned_is_an_empty_response_and_audited(worker, fields):
    xml = call(signed=False, **fields)

    assert xml.endswith("<Response />")
    assert not CallRequest.objects.exists()
    assert not Appointment.objects.exists()
    assert_audited("TWILIO_SIGNATURE_INVALID", actor_type="SYSTEM")


@pytest.mark.django_db
def test_too_many_calls_from_one_number(worker, rate_limits):
    rate_limits.RATE_LIMIT_WEBHOOK_ENABLED = True
    rate_limits.RATE_LIMIT_TWILIO_FROM_PER_MIN = 2

    answers = [call(call_sid=f"CA{number}") for number in range(3)]

    assert final("Per daug užklausų. Pabandykite vėliau.") in answers[2]
    assert CallRequest.objects.count() == 2
    assert_audited("RATE_LIMIT_BLOCKED", count=1)


@pytest.mark.django_db
def test_missing_token_is_500(settings):
    settings.TWILIO_AUTH_TOKEN = ""

    response = Client().post(PATH, data="CallSid=CA1", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 500
