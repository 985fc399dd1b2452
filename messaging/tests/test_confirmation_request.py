"""confirmation_request_for_final_payment (messaging.md §2.3)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.models import ClientConfirmation, ConfirmationStatus, NotificationOutbox
from messaging.selectors import confirmation_find_by_token
from messaging.services import confirmation_request_for_final_payment
from projects.tests.factories import make_project
from vejapro.core.actors import Actor
from vejapro.core.models import ActorType
from vejapro.core.redaction import sha256_hex
from vejapro.core.tests.audit import assert_audited, audit_rows

pytestmark = pytest.mark.django_db

ADMIN = Actor(actor_type=ActorType.ADMIN, actor_id="admin-sub")


@pytest.fixture
def email_on(settings):
    settings.ENABLE_EMAIL_INTAKE = True
    settings.ENABLE_TWILIO = True
    settings.ENABLE_WHATSAPP_PING = False
    settings.CONFIRMATION_TTL_HOURS = 72
    settings.PUBLIC_BASE_URL = "https://vejapro.lt"


def test_email_confirmation_is_created_audited_and_queued(email_on):
    project = make_project("CERTIFIED")
    before = timezone.now()

    result = confirmation_request_for_final_payment(project=project, actor=ADMIN)

    assert result.email_queued is True
    assert result.channel == "email"
    confirmation = ClientConfirmation.objects.get()
    assert confirmation.pk == result.confirmation_id
    assert (confirmation.channel, confirmation.status, confirmation.attempts) == ("email", "PENDING", 0)
    assert before + timedelta(hours=72) <= confirmation.expires_at <= timezone.now() + timedelta(hours=72)
    [audit] = assert_audited(
        "EMAIL_CONFIRMATION_CREATED",
        entity_type="project",
        entity_id=project.pk,
        actor_type="ADMIN",
        actor_id="admin-sub",
        new_value={"confirmation_id": str(confirmation.pk), "channel": "email"},
        metadata={"trigger": "final_payment"},
        exact=True,
    )
    [row] = NotificationOutbox.objects.all()
    assert (row.channel, row.template_key, row.entity_type, row.entity_id) == (
        "email",
        "FINAL_PAYMENT_CONFIRMATION",
        "project",
        project.pk,
    )
    payload = row.payload_json
    assert payload["to"] == "jonas@gmail.com"
    token = payload["body_text"].split("Jūsų patvirtinimo kodas: ")[1].split("\n")[0]
    assert f"https://vejapro.lt/api/v1/public/confirm-payment/{token}\n" in payload["body_text"]
    assert payload["body_text"].startswith("Sveiki, Jonas Jonaitis,\n")
    assert confirmation.token_hash == sha256_hex(token)
    assert confirmation_find_by_token(token=token.lower()) == confirmation
    assert token not in str(audit.new_value) + str(audit.metadata)


def test_the_email_token_format(email_on):
    confirmation_request_for_final_payment(project=make_project("CERTIFIED"), actor=ADMIN)

    body = NotificationOutbox.objects.get().payload_json["body_text"]
    token = body.split("Jūsų patvirtinimo kodas: ")[1].split("\n")[0]
    assert 10 <= len(token) <= 12
    assert token == token.upper()
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


def test_whatsapp_ping_joins_the_email_when_enabled_and_consented(email_on, settings):
    settings.ENABLE_WHATSAPP_PING = True
    project = make_project("CERTIFIED", client_info={"email": "a@b.lt", "phone": "861234567", "whatsapp_consent": True})

    confirmation_request_for_final_payment(project=project, actor=ADMIN)

    ping = NotificationOutbox.objects.get(channel="whatsapp_ping")
    assert ping.template_key == "FINAL_PAYMENT_WHATSAPP_PING"
    assert ping.payload_json == {"to": "+37061234567", "message": "Gavome mokėjimą. Patikrinkite el. paštą."}


@pytest.mark.parametrize(
    ("ping_flag", "client_info"),
    [
        (False, {"email": "a@b.lt", "phone": "+37061234567", "whatsapp_consent": True}),
        (True, {"email": "a@b.lt", "phone": "+37061234567"}),
        (True, {"email": "a@b.lt", "whatsapp_consent": True}),
    ],
)
def test_no_whatsapp_ping_without_flag_consent_or_phone(email_on, settings, ping_flag, client_info):
    settings.ENABLE_WHATSAPP_PING = ping_flag

    confirmation_request_for_final_payment(project=make_project("CERTIFIED", client_info=client_info), actor=ADMIN)

    assert not NotificationOutbox.objects.filter(channel="whatsapp_ping").exists()


def test_sms_fallback_when_email_intake_is_off(settings):
    settings.ENABLE_EMAIL_INTAKE = False
    settings.ENABLE_TWILIO = True
    project = make_project("CERTIFIED")
    stripe = Actor.system(ActorType.SYSTEM_STRIPE)

    result = confirmation_request_for_final_payment(project=project, actor=stripe)

    assert result.email_queued is False
    assert result.channel == "sms"
    confirmation = ClientConfirmation.objects.get()
    assert confirmation.channel == "sms"
    assert_audited(
        "SMS_CONFIRMATION_CREATED",
        actor_type="SYSTEM_STRIPE",
        new_value={"confirmation_id": str(confirmation.pk), "channel": "sms"},
        metadata={"trigger": "final_payment"},
        exact=True,
    )
    row = NotificationOutbox.objects.get()
    assert (row.channel, row.template_key) == ("sms", "FINAL_PAYMENT_CONFIRMATION")
    code = row.payload_json["body"].split("TAIP ")[1]
    assert row.payload_json == {
        "to_number": "+37061234567",
        "body": f"VejaPRO patvirtinimo kodas: {code}. Atsakykite: TAIP {code}",
    }
    assert len(code) == 8
    assert set(code) <= set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    assert confirmation.token_hash == sha256_hex(code)


def test_sms_fallback_when_the_client_has_no_email(email_on):
    project = make_project("CERTIFIED", client_info={"phone": "8 612 34567"})

    result = confirmation_request_for_final_payment(project=project, actor=ADMIN)

    assert result.channel == "sms"
    assert NotificationOutbox.objects.get().payload_json["to_number"] == "+37061234567"


@pytest.mark.parametrize(
    ("email_intake", "client_info", "reason"),
    [
        (True, {"phone": "12"}, "no_email"),
        (False, {"phone": "12"}, "no_email"),
        (False, {"email": "a@b.lt"}, "email_intake_disabled"),
    ],
)
def test_no_channel_is_audited_and_nothing_is_queued(settings, email_intake, client_info, reason):
    settings.ENABLE_EMAIL_INTAKE = email_intake
    settings.ENABLE_TWILIO = True
    project = make_project("CERTIFIED", client_info=client_info)

    result = confirmation_request_for_final_payment(project=project, actor=ADMIN)

    assert result.channel is None
    assert result.email_queued is False
    assert_audited(
        "FIN_CHANNEL_UNAVAILABLE",
        entity_id=project.pk,
        actor_type="ADMIN",
        new_value={"reason": reason, "sms_fallback": False},
        exact=True,
    )
    assert ClientConfirmation.objects.count() == 0
    assert NotificationOutbox.objects.count() == 0


def test_no_sms_fallback_while_twilio_is_off(settings):
    settings.ENABLE_EMAIL_INTAKE = False
    settings.ENABLE_TWILIO = False

    result = confirmation_request_for_final_payment(project=make_project("CERTIFIED"), actor=ADMIN)

    assert result.channel is None
    assert audit_rows("FIN_CHANNEL_UNAVAILABLE")[0].new_value["reason"] == "email_intake_disabled"


def test_every_request_makes_a_new_confirmation_and_older_ones_stay_valid(email_on):
    project = make_project("CERTIFIED")

    confirmation_request_for_final_payment(project=project, actor=ADMIN)
    confirmation_request_for_final_payment(project=project, actor=ADMIN)

    assert ClientConfirmation.objects.filter(project=project, status=ConfirmationStatus.PENDING).count() == 2
    assert NotificationOutbox.objects.filter(channel="email").count() == 2
