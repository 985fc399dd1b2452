"""POST /api/v1/webhook/twilio: SMS replies ``TAIP <KODAS>`` (messaging.md §5, api.md §13.2)."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from twilio.request_validator import RequestValidator

from messaging import views as twilio_view
from messaging.models import ClientConfirmation, ConfirmationStatus
from messaging.tests.factories import add_confirmation
from payments.tests.factories import add_payment
from projects.models import ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited, audit_actions, audit_rows

pytestmark = pytest.mark.django_db

AUTH_TOKEN = "twilio-test-auth-token"
PUBLIC_URL = "https://vejapro.lt/api/v1/webhook/twilio"
PATH = "/api/v1/webhook/twilio"
CODE = "AB7KQ2XZ"
SENDER = "+37061234567"


@pytest.fixture(autouse=True)
def _twilio(settings):
    settings.ENABLE_TWILIO = True
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    settings.TWILIO_WEBHOOK_URL = PUBLIC_URL
    settings.ALLOW_INSECURE_WEBHOOKS = False
    settings.BUSINESS_PHONE = "+37065849514"


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)


def sign(params: dict, url: str = PUBLIC_URL, token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


def sms(client, body=f"TAIP {CODE}", sender=SENDER, signature=None, params=None, path=PATH, **extra):
    data = params or {"From": sender, "Body": body, "MessageSid": "SM123", "To": "+37060000000"}
    headers = {}
    if signature is not False:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature or sign(data)
    return client.post(path, data=urlencode(data), content_type="application/x-www-form-urlencoded", **headers, **extra)


def reply(response) -> str | None:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own TwiML
    assert root.tag == "Response"
    message = root.find("Message")
    return None if message is None else message.text


@pytest.fixture
def certified():
    project = make_project(ProjectStatus.CERTIFIED)
    add_payment(project, "FINAL", "500.00")
    return project


def test_the_flag_hides_the_webhook(settings, client):
    settings.ENABLE_TWILIO = False

    response = sms(client)

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}


def test_without_the_auth_token_the_webhook_is_not_configured(settings, client):
    settings.TWILIO_AUTH_TOKEN = ""

    response = sms(client, signature="x")

    assert response.status_code == 500
    assert response.json() == {"detail": "Įvyko vidinė klaida"}


def test_a_signed_taip_reply_confirms_and_activates(client, certified):
    confirmation = add_confirmation(certified, CODE, channel="sms")

    response = sms(client)

    assert reply(response) == "VejaPRO: aciu! Patvirtinimas gautas, projektas aktyvuotas."
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.ACTIVE
    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.confirmed_from_phone) == (ConfirmationStatus.CONFIRMED, SENDER)
    assert audit_actions() == ["STATUS_CHANGE", "SMS_CONFIRMED"]
    change, confirmed = audit_rows()
    assert change.actor_type == "SYSTEM_TWILIO"
    assert change.metadata == {"channel": "sms", "confirmation_id": str(confirmation.pk)}
    assert confirmed.actor_type == "SYSTEM_TWILIO"
    assert confirmed.new_value == {"status": "ACTIVE"}
    assert confirmed.metadata == {"phone": "[REDACTED]", "confirmation_id": str(confirmation.pk)}


def test_the_reply_is_normalised(client, certified):
    add_confirmation(certified, CODE, channel="sms")

    assert reply(sms(client, body=f"  taip \n  {CODE.lower()} ")) == (
        "VejaPRO: aciu! Patvirtinimas gautas, projektas aktyvuotas."
    )


def test_an_email_token_can_be_confirmed_by_sms(client, certified):
    add_confirmation(certified, "EMAIL-TOKEN_1", channel="email")

    assert reply(sms(client, body="TAIP EMAIL-TOKEN_1")).startswith("VejaPRO: aciu!")


def test_the_public_base_url_with_the_full_path_is_signed_when_no_webhook_url(settings, client, certified):
    settings.TWILIO_WEBHOOK_URL = ""
    settings.PUBLIC_BASE_URL = "https://example.vejapro.lt"
    add_confirmation(certified, CODE, channel="sms")
    data = {"From": SENDER, "Body": f"TAIP {CODE}"}

    response = sms(
        client, params=data, path=f"{PATH}?a=1", signature=sign(data, f"https://example.vejapro.lt{PATH}?a=1")
    )

    assert reply(response).startswith("VejaPRO: aciu!")


@pytest.mark.parametrize("signature", [False, "bm90LXRoZS1zaWduYXR1cmU="])
def test_a_missing_or_wrong_signature_is_audited_and_ignored(client, certified, signature):
    add_confirmation(certified, CODE, channel="sms")

    response = sms(client, signature=signature)

    assert reply(response) is None
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.CERTIFIED
    assert_audited(
        "TWILIO_SIGNATURE_INVALID",
        entity_type="system",
        actor_type="SYSTEM",
        metadata={"path": PATH, "phone": "[REDACTED]"},
        exact=True,
    )
    assert audit_actions() == ["TWILIO_SIGNATURE_INVALID"]


def test_a_tampered_body_fails_the_signature(client, certified):
    add_confirmation(certified, CODE, channel="sms")
    signed = {"From": SENDER, "Body": "TAIP XXXXXXXX"}
    sent = {"From": SENDER, "Body": f"TAIP {CODE}"}

    response = sms(client, params=sent, signature=sign(signed))

    assert reply(response) is None
    assert audit_actions() == ["TWILIO_SIGNATURE_INVALID"]


def test_a_signature_with_another_token_fails(client, certified):
    data = {"From": SENDER, "Body": f"TAIP {CODE}"}

    response = sms(client, params=data, signature=sign(data, token="another-token"))

    assert reply(response) is None
    assert audit_actions() == ["TWILIO_SIGNATURE_INVALID"]


def test_insecure_mode_skips_the_signature(settings, client, certified):
    settings.ALLOW_INSECURE_WEBHOOKS = True
    settings.TWILIO_AUTH_TOKEN = ""
    add_confirmation(certified, CODE, channel="sms")

    assert reply(sms(client, signature=False)).startswith("VejaPRO: aciu!")


@pytest.mark.parametrize("body", ["Labas", "TAIP", "TAIP AB", "NE AB7KQ2XZ", "TAIP AB7 KQ2XZ", ""])
def test_other_texts_get_an_empty_answer_without_audit(client, certified, body):
    add_confirmation(certified, CODE, channel="sms")

    assert reply(sms(client, body=body)) is None
    assert audit_rows() == []


def test_an_unknown_code_is_audited(client):
    response = sms(client, body="TAIP ZZZZ9999")

    assert reply(response) is None
    assert_audited(
        "SMS_CONFIRMATION_INVALID_TOKEN_ATTEMPT",
        entity_type="system",
        actor_type="SYSTEM_TWILIO",
        metadata={"phone": "[REDACTED]", "body_len": 13},
        exact=True,
    )


def test_a_confirmed_code_answers_already_confirmed(client, certified):
    add_confirmation(certified, CODE, channel="sms")
    sms(client)

    assert reply(sms(client)) == "VejaPRO: sis kodas jau patvirtintas. Aciu!"
    assert audit_actions() == ["STATUS_CHANGE", "SMS_CONFIRMED"]


@pytest.mark.parametrize(
    ("status", "text"),
    [
        ("FAILED", "VejaPRO: patvirtinti nebegalima. Paskambinkite +37065849514."),
        ("EXPIRED", "VejaPRO: kodo galiojimas pasibaige. Paskambinkite +37065849514."),
    ],
)
def test_terminal_codes(client, certified, status, text):
    add_confirmation(certified, CODE, channel="sms", status=status)

    assert reply(sms(client)) == text
    assert audit_rows() == []


def test_an_over_attempted_code_fails(client, certified):
    confirmation = add_confirmation(certified, CODE, channel="sms", attempts=3)

    assert reply(sms(client)) == "VejaPRO: patvirtinti nebegalima. Paskambinkite +37065849514."

    confirmation.refresh_from_db()
    assert confirmation.status == ConfirmationStatus.FAILED
    assert_audited(
        "SMS_CONFIRMATION_FAILED",
        actor_type="CLIENT",
        new_value={"phone": "[REDACTED]"},
        metadata={"confirmation_id": str(confirmation.pk), "reason": "max_attempts"},
        exact=True,
    )


def test_an_expired_code_expires(client, certified):
    confirmation = add_confirmation(certified, CODE, channel="sms", expires_in=-timedelta(minutes=5))

    assert reply(sms(client)) == "VejaPRO: kodo galiojimas pasibaige. Paskambinkite +37065849514."

    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.attempts) == (ConfirmationStatus.EXPIRED, 1)
    assert_audited("SMS_CONFIRMATION_EXPIRED", actor_type="CLIENT", new_value={"phone": "[REDACTED]"}, exact=True)


def test_a_project_in_the_wrong_status_gets_an_empty_answer(client):
    project = make_project(ProjectStatus.PENDING_EXPERT)
    confirmation = add_confirmation(project, CODE, channel="sms")

    assert reply(sms(client)) is None

    assert_audited(
        "SMS_CONFIRMATION_INVALID_PROJECT_STATUS",
        actor_type="SYSTEM_TWILIO",
        new_value={"status": "PENDING_EXPERT"},
        metadata={"phone": "[REDACTED]", "confirmation_id": str(confirmation.pk)},
        exact=True,
    )


def test_without_the_final_payment_the_attempt_is_counted(client):
    project = make_project(ProjectStatus.CERTIFIED)
    confirmation = add_confirmation(project, CODE, channel="sms")

    assert reply(sms(client)) == "VejaPRO: patvirtinti nebegalima. Paskambinkite +37065849514."

    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.attempts) == ("PENDING", 1)
    assert_audited(
        "SMS_CONFIRMATION_FINAL_PAYMENT_MISSING", actor_type="CLIENT", new_value={"phone": "[REDACTED]"}, exact=True
    )


def test_an_unexpected_error_still_answers_empty_twiml(client, certified, monkeypatch):
    add_confirmation(certified, CODE, channel="sms")

    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(twilio_view, "confirmation_confirm_sms", explode)

    assert reply(sms(client)) is None
    assert ClientConfirmation.objects.get().status == "PENDING"


def test_the_per_sender_limit(settings, client, certified):
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMIT_WEBHOOK_ENABLED = True
    settings.RATE_LIMIT_TWILIO_FROM_PER_MIN = 3
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "twl"}}
    from django.core.cache import cache

    cache.clear()
    add_confirmation(certified, CODE, channel="sms")

    for _ in range(3):
        sms(client, body="labas")
    blocked = sms(client)

    assert reply(blocked) is None
    assert_audited(
        "RATE_LIMIT_BLOCKED",
        metadata={"path": PATH, "key": "twilio:from", "limit": 3, "window_seconds": 60},
        exact=True,
    )
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.CERTIFIED
    assert reply(sms(client, body="labas", sender="+37069999999")) is None
    assert_audited("RATE_LIMIT_BLOCKED", count=1)


@pytest.mark.parametrize(
    "signed_url",
    [f"http://testserver{PATH}", f"https://testserver{PATH}", f"https://evil.example{PATH}"],
)
def test_the_signature_url_never_comes_from_the_request_headers(settings, client, certified, signed_url):
    """Signed for the URL the request's own Host / X-Forwarded-Host names: refused (security-ops.md §5)."""
    settings.TWILIO_WEBHOOK_URL = ""
    settings.PUBLIC_BASE_URL = "https://vejapro.lt"
    add_confirmation(certified, CODE, channel="sms")
    data = {"From": SENDER, "Body": f"TAIP {CODE}"}

    response = sms(
        client,
        params=data,
        signature=sign(data, signed_url),
        HTTP_X_FORWARDED_HOST="evil.example",
        HTTP_X_FORWARDED_PROTO="https",
    )

    assert reply(response) is None
    assert audit_actions() == ["TWILIO_SIGNATURE_INVALID"]
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.CERTIFIED


@pytest.mark.parametrize("body", [f"TAIP\u00a0{CODE}", f"\tTaIp\r\n{CODE.lower()}\t"])
def test_unicode_whitespace_is_collapsed(client, certified, body):
    add_confirmation(certified, CODE, channel="sms")

    assert reply(sms(client, body=body)).startswith("VejaPRO: aciu!")


FULLWIDTH_TAIP = "\uff34\uff21\uff29\uff30"


@pytest.mark.parametrize("body", [f"{FULLWIDTH_TAIP} {CODE}", f"TAIP {CODE}\x00", "TAIP ĄB7KQ2XZ", f"TAIP {CODE} AČIŪ"])
def test_look_alike_texts_do_not_match(client, certified, body):
    add_confirmation(certified, CODE, channel="sms")

    assert reply(sms(client, body=body)) is None
    assert audit_rows() == []


@pytest.mark.parametrize(
    ("sender", "stored"),
    [
        ("", None),
        ("whatsapp:+370612345670000000", "whatsapp:+3706123456"),
        ("8 612 34567", "8 612 34567"),
        ("+3706\x001234567", "+37061234567"),  # PostgreSQL text cannot hold NUL
    ],
)
def test_odd_sender_numbers_still_confirm_and_are_kept_short(client, certified, sender, stored):
    confirmation = add_confirmation(certified, CODE, channel="sms")

    assert reply(sms(client, sender=sender)).startswith("VejaPRO: aciu!")

    confirmation.refresh_from_db()
    assert confirmation.confirmed_from_phone == stored


def test_a_transition_the_engine_refuses_rolls_back_and_answers_empty_twiml(client, certified, monkeypatch):
    from vejapro.core.http.errors import BadRequest

    confirmation = add_confirmation(certified, CODE, channel="sms")

    def refuse(**kwargs):
        raise BadRequest("Client confirmation not received")

    monkeypatch.setattr("messaging.services.confirmations.project_transition", refuse)

    assert reply(sms(client)) is None
    confirmation.refresh_from_db()
    assert (confirmation.status, confirmation.confirmed_at) == ("PENDING", None)
    assert audit_rows() == []


def test_unsigned_requests_do_not_use_up_a_clients_sender_quota(settings, client, certified):
    """Issue 14 §4: the signature is checked before the per-sender limit, so only signed requests count."""
    settings.RATELIMIT_ENABLE = True
    settings.RATE_LIMIT_WEBHOOK_ENABLED = True
    settings.RATE_LIMIT_TWILIO_FROM_PER_MIN = 10
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "twl2"}}
    from django.core.cache import cache

    cache.clear()
    add_confirmation(certified, CODE, channel="sms")

    for _ in range(10):
        assert reply(sms(client, body=f"TAIP {CODE}", signature=False)) is None
    for _ in range(10):
        assert reply(sms(client, body=f"TAIP {CODE}", signature="forged")) is None

    assert reply(sms(client)) == "VejaPRO: aciu! Patvirtinimas gautas, projektas aktyvuotas."
    certified.refresh_from_db()
    assert certified.status == ProjectStatus.ACTIVE
    assert audit_rows("RATE_LIMIT_BLOCKED") == []
    assert len(audit_rows("TWILIO_SIGNATURE_INVALID")) == 20
