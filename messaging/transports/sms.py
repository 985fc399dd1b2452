"""Twilio transport: SMS and WhatsApp sending, webhook signatures and TwiML answers (messaging.md §3.4, §5).

The only module that imports the Twilio SDK. Sending goes through the backend named by ``SMS_BACKEND`` at call time:
``twilio`` (REST), ``console`` (logs the masked recipient and the text) or ``locmem`` (kept in ``sent_messages``).
"""

import logging
import threading
import uuid
from dataclasses import dataclass

from django.conf import settings
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import Gather, VoiceResponse

from vejapro.core.redaction import mask_phone_for_log

logger = logging.getLogger(__name__)

WHATSAPP_PREFIX = "whatsapp:"
TWIML_CONTENT_TYPE = "application/xml"


class SmsError(Exception):
    """The provider refused or could not be reached; the outbox retries later."""


class SmsNotConfigured(SmsError):
    pass


@dataclass(frozen=True)
class SentMessage:
    channel: str
    to: str
    from_: str
    body: str
    sid: str


# The ``locmem`` backend keeps every message here; tests read and clear it.
sent_messages: list[SentMessage] = []
_sent_lock = threading.Lock()


# Twilio's client waits forever by default; the outbox worker's lease (messaging/services/outbox.py) assumes a send
# ends well within it, as an SMTP send does with its own timeout.
TWILIO_TIMEOUT_SECONDS = 20


def _whatsapp_address(number: str) -> str:
    number = number.strip()
    return number if number.startswith(WHATSAPP_PREFIX) else WHATSAPP_PREFIX + number


def _deliver(*, channel: str, to: str, from_: str, body: str) -> str:
    backend = settings.SMS_BACKEND
    if backend == "locmem":
        message = SentMessage(channel=channel, to=to, from_=from_, body=body, sid=f"LM{uuid.uuid4().hex}")
        with _sent_lock:
            sent_messages.append(message)
        return message.sid
    if backend == "console":
        logger.info("%s to %s: %s", channel.upper(), mask_phone_for_log(to), body)
        return f"CONSOLE{uuid.uuid4().hex}"
    if backend != "twilio":
        raise SmsNotConfigured(f"Nežinomas SMS_BACKEND: {backend}")
    if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
        raise SmsNotConfigured("Nesukonfigūruotas Twilio")
    try:
        client = Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=TwilioHttpClient(timeout=TWILIO_TIMEOUT_SECONDS),
        )
        message = client.messages.create(to=to, from_=from_, body=body)
    except (TwilioException, OSError) as exc:
        raise SmsError(str(exc)) from exc
    return str(message.sid)


def sms_send(*, to_number: str, body: str) -> str:
    """Send one SMS; returns the provider's message id."""
    if settings.SMS_BACKEND == "twilio" and not settings.TWILIO_FROM_NUMBER:
        raise SmsNotConfigured("Nesukonfigūruotas Twilio")
    return _deliver(channel="sms", to=to_number, from_=settings.TWILIO_FROM_NUMBER, body=body)


def whatsapp_send(*, to: str, message: str) -> str:
    """Send one WhatsApp message (numbers get the ``whatsapp:`` prefix when missing)."""
    if settings.SMS_BACKEND == "twilio" and not settings.TWILIO_WHATSAPP_FROM_NUMBER:
        raise SmsNotConfigured("WHATSAPP_FROM_NUMBER_NOT_CONFIGURED")
    sender = _whatsapp_address(settings.TWILIO_WHATSAPP_FROM_NUMBER) if settings.TWILIO_WHATSAPP_FROM_NUMBER else ""
    return _deliver(channel="whatsapp", to=_whatsapp_address(to), from_=sender, body=message)


def twilio_signature_valid(*, url: str, params, signature: str) -> bool:
    """``X-Twilio-Signature`` over the public URL and the POST parameters."""
    if not signature or not settings.TWILIO_AUTH_TOKEN:
        return False
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, params, signature)


def twiml(message: str | None = None) -> str:
    """An empty ``<Response/>`` or one ``<Message>`` reply."""
    response = MessagingResponse()
    if message:
        response.message(message)
    return str(response)


# --- Voice TwiML (messaging.md §6.1) ---


def _say(response, text: str) -> None:
    response.say(text, language="lt-LT", voice=settings.TWILIO_VOICE_NAME)


def voice_prompt(*, question: str, no_answer: str, action_url: str, notice: str = "") -> str:
    """Ask about a slot: a ``Gather`` of one digit or speech, then a re-ask through ``Redirect``."""
    response = VoiceResponse()
    if notice:
        _say(response, notice)
    gather = Gather(
        input="speech dtmf",
        num_digits=1,
        timeout=6,
        speech_timeout="auto",
        language="lt-LT",
        hints="tinka, netinka, taip, ne",
        action=action_url,
        method="POST",
    )
    gather.say(question, language="lt-LT", voice=settings.TWILIO_VOICE_NAME)
    response.append(gather)
    _say(response, no_answer)
    response.redirect(action_url, method="POST")
    return str(response)


def voice_final(text: str) -> str:
    """A last sentence, then the call ends."""
    response = VoiceResponse()
    _say(response, text)
    response.hangup()
    return str(response)


def voice_hangup() -> str:
    response = VoiceResponse()
    response.hangup()
    return str(response)


def voice_empty() -> str:
    return str(VoiceResponse())
