"""messaging/sms.py: the backends selected by SMS_BACKEND at call time (messaging.md §3.4)."""

import logging

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator

from messaging.transports import sms


class FakeTwilio:
    """Stands in for ``twilio.rest.Client`` inside the adapter; records what would be sent."""

    created: list = []
    timeouts: list = []
    fail = False

    def __init__(self, sid, token, http_client=None):
        self.credentials = (sid, token)
        self.timeout = http_client.timeout if http_client is not None else None
        self.messages = self

    def create(self, **kwargs):
        if FakeTwilio.fail:
            raise TwilioRestException(400, "https://api.twilio.com", msg="The 'To' number +37061234567 is not valid")
        FakeTwilio.created.append((self.credentials, kwargs))
        FakeTwilio.timeouts.append(self.timeout)
        return type("Message", (), {"sid": "SM0123456789"})()


@pytest.fixture
def twilio_backend(settings, monkeypatch):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC123"
    settings.TWILIO_AUTH_TOKEN = "token"
    settings.TWILIO_FROM_NUMBER = "+37060000000"
    settings.TWILIO_WHATSAPP_FROM_NUMBER = "+37060000001"
    FakeTwilio.created, FakeTwilio.timeouts, FakeTwilio.fail = [], [], False
    monkeypatch.setattr(sms, "Client", FakeTwilio)
    return FakeTwilio


def test_locmem_keeps_the_message(sent_sms):
    sid = sms.sms_send(to_number="+37061234567", body="Labas")

    [message] = sent_sms
    assert (message.channel, message.to, message.body, message.sid) == ("sms", "+37061234567", "Labas", sid)


def test_console_logs_the_masked_recipient_and_the_text(settings, caplog):
    settings.SMS_BACKEND = "console"

    with caplog.at_level(logging.INFO, logger="messaging.transports.sms"):
        sid = sms.sms_send(to_number="+37061234567", body="VejaPRO patvirtinimo kodas: AB7KQ2XZ")

    assert sid.startswith("CONSOLE")
    assert "SMS to ***567: VejaPRO patvirtinimo kodas: AB7KQ2XZ" in caplog.text
    assert "+37061234567" not in caplog.text


def test_twilio_sends_through_the_rest_client(twilio_backend):
    assert sms.sms_send(to_number="+37061234567", body="Labas") == "SM0123456789"

    assert twilio_backend.created == [
        (("AC123", "token"), {"to": "+37061234567", "from_": "+37060000000", "body": "Labas"})
    ]


def test_twilio_whatsapp_adds_the_prefixes(twilio_backend):
    sms.whatsapp_send(to="+37061234567", message="Gavome mokėjimą.")

    [(_, sent)] = twilio_backend.created
    assert sent == {"to": "whatsapp:+37061234567", "from_": "whatsapp:+37060000001", "body": "Gavome mokėjimą."}


def test_twilio_errors_become_sms_errors(twilio_backend):
    twilio_backend.fail = True

    with pytest.raises(sms.SmsError, match="is not valid"):
        sms.sms_send(to_number="+37061234567", body="x")


@pytest.mark.parametrize("missing", ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER"])
def test_twilio_without_credentials_is_not_configured(twilio_backend, settings, missing):
    setattr(settings, missing, "")

    with pytest.raises(sms.SmsNotConfigured, match="Nesukonfigūruotas Twilio"):
        sms.sms_send(to_number="+37061234567", body="x")
    assert twilio_backend.created == []


def test_the_signature_check_uses_the_auth_token(settings):
    settings.TWILIO_AUTH_TOKEN = "token"
    params = {"From": "+37061234567", "Body": "TAIP AB7KQ2XZ"}
    url = "https://vejapro.lt/api/v1/webhook/twilio"
    signature = RequestValidator("token").compute_signature(url, params)

    assert sms.twilio_signature_valid(url=url, params=params, signature=signature) is True
    assert sms.twilio_signature_valid(url=url, params={**params, "Body": "TAIP X"}, signature=signature) is False
    assert sms.twilio_signature_valid(url=url, params=params, signature="") is False


def test_twiml_answers():
    assert sms.twiml() == '<?xml version="1.0" encoding="UTF-8"?><Response />'
    assert sms.twiml("Ačiū & iki") == (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Ačiū &amp; iki</Message></Response>'
    )


def test_twilio_sends_with_a_timeout_so_no_send_outlasts_the_outbox_lease(twilio_backend):
    sms.sms_send(to_number="+37061234567", body="Labas")

    assert twilio_backend.timeouts == [sms.TWILIO_TIMEOUT_SECONDS]
