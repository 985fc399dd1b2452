"""POST /webhook/twilio: SMS replies ``TAIP <KODAS>`` (messaging.md §5, api.md §13.2). Always TwiML after step 0."""

import logging

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.utils.translation import gettext, override

from messaging import sms
from messaging.services import Outcome, confirmation_confirm_sms
from messaging.views.public import AnyAcceptNegotiation
from vejapro.core.actors import Actor
from vejapro.core.api import ApiView
from vejapro.core.errors import ApiError
from vejapro.core.ratelimit import rate_limit_blocked_record, rate_limited
from vejapro.core.services import audit_record_standalone
from vejapro.core.settings_helpers import public_url

logger = logging.getLogger(__name__)

SENDER_RULE = "twilio:from"
SENDER_WINDOW = 60


def _reply_text(outcome: Outcome) -> str | None:
    """The fixed SMS replies of messaging.md §4.4 (plain ASCII)."""
    phone = settings.BUSINESS_PHONE
    with override("lt"):
        if outcome == Outcome.CONFIRMED:
            return gettext("VejaPRO: thank you! Confirmation received, the project is activated.")
        if outcome == Outcome.ALREADY_CONFIRMED:
            return gettext("VejaPRO: this code is already confirmed. Thank you!")
        if outcome in (Outcome.STATUS_EXPIRED, Outcome.TIME_EXPIRED):
            return gettext("VejaPRO: the code has expired. Call %(phone)s.") % {"phone": phone}
        if outcome in (Outcome.STATUS_FAILED, Outcome.ATTEMPTS_EXHAUSTED, Outcome.FINAL_MISSING):
            return gettext("VejaPRO: confirmation is no longer possible. Call %(phone)s.") % {"phone": phone}
    return None


def _twiml(message: str | None = None) -> HttpResponse:
    return HttpResponse(sms.twiml(message), content_type=sms.TWIML_CONTENT_TYPE)


class TwilioSmsWebhookView(ApiView):
    feature_flag = "ENABLE_TWILIO"
    authentication_classes: list = []
    content_negotiation_class = AnyAcceptNegotiation

    def post(self, request):
        django_request = request._request
        django_request.body  # noqa: B018 - the raw body is read before anything else (api.md §13)
        insecure = settings.ALLOW_INSECURE_WEBHOOKS
        if not settings.TWILIO_AUTH_TOKEN and not insecure:
            raise ApiError(500, "Nesukonfigūruotas Twilio")
        try:
            return self._answer(django_request, django_request.POST, insecure)
        except Exception:
            logger.exception("Twilio SMS webhook failed")
            return _twiml()

    def _answer(self, request, params: QueryDict, insecure: bool) -> HttpResponse:
        sender = params.get("From", "")
        if settings.RATE_LIMIT_WEBHOOK_ENABLED and rate_limited(
            request,
            group=SENDER_RULE,
            key=f"{SENDER_RULE}:{sender}",
            limit=settings.RATE_LIMIT_TWILIO_FROM_PER_MIN,
            window_seconds=SENDER_WINDOW,
        ):
            rate_limit_blocked_record(
                request, key=SENDER_RULE, limit=settings.RATE_LIMIT_TWILIO_FROM_PER_MIN, window_seconds=SENDER_WINDOW
            )
            return _twiml()
        if not insecure:
            url = settings.TWILIO_WEBHOOK_URL or public_url(request.get_full_path())
            signature = request.headers.get("X-Twilio-Signature", "")
            if not sms.twilio_signature_valid(url=url, params=params, signature=signature):
                audit_record_standalone(
                    entity_type="system",
                    entity_id=None,
                    action="TWILIO_SIGNATURE_INVALID",
                    actor=Actor.system(request=request),
                    metadata={"path": request.path, "phone": sender},
                )
                return _twiml()
        result = confirmation_confirm_sms(from_number=sender, body=params.get("Body", ""), request=request)
        return _twiml(_reply_text(result.outcome))
