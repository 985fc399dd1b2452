"""Messaging endpoints: the public confirmation links, the Twilio SMS webhook and the admin API of confirmations,
notifications and client access (api.md §9, §10, §13.2, §5.5).

Confirmation links. Public confirmation links opened from e-mails (api.md §1.7, §9.2, §9.3; ui.md §4.5).

Only a POST acts (api.md §1.7). GET and HEAD never change anything, whatever their ``Accept``: a GET that prefers
HTML shows the page, any other GET answers a JSON preview with the status the action would have, and HEAD answers
that status with no body, because mail gateways and link checkers fetch links with ``*/*`` or no ``Accept`` at all.
The page's form POST confirms and shows the result; a JSON (or empty) POST gets the JSON contract of its endpoint.

Twilio. POST /webhook/twilio: SMS replies ``TAIP <KODAS>`` (messaging.md §5, api.md §13.2). Every answer is 200 TwiML
(empty, or a reply to the client) except the 500 of a missing ``TWILIO_AUTH_TOKEN`` outside insecure mode.
"""

import logging

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext, override
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from messaging.selectors import project_confirmations_list, project_notifications_list
from messaging.services import (
    ConfirmResult,
    Outcome,
    client_access_send,
    confirmation_admin_confirm,
    confirmation_confirm_link,
    confirmation_confirm_sms,
    confirmation_preview,
    confirmation_resend,
    notification_retry,
)
from messaging.transports import sms
from projects.models import ProjectStatus
from projects.selectors import project_get
from projects.serializers import UtcDateTimeField
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record_standalone
from vejapro.core.http.api import ApiView
from vejapro.core.http.csp import html_page
from vejapro.core.http.errors import ApiError
from vejapro.core.http.ratelimit import rate_limit_blocked_record, rate_limited
from vejapro.core.models import Role
from vejapro.core.settings_helpers import public_url

# --- Public confirmation links ---

CONFIRM_IP_LIMIT = 20
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

# api.md §9.2
CANONICAL_ERRORS = {
    Outcome.UNKNOWN: (404, "Nerastas"),
    Outcome.PROJECT_MISSING: (404, "Projektas nerastas"),
    Outcome.STATUS_FAILED: (400, "Patvirtinimas nebegalimas"),
    Outcome.ATTEMPTS_EXHAUSTED: (400, "Patvirtinimas nebegalimas"),
    Outcome.STATUS_EXPIRED: (400, "Patvirtinimo laikas pasibaigė"),
    Outcome.TIME_EXPIRED: (400, "Patvirtinimo laikas pasibaigė"),
    Outcome.PROJECT_STATUS: (400, "Projekto būsena netinkama patvirtinimui"),
    Outcome.FINAL_MISSING: (400, "Galutinis mokėjimas nerastas"),
}

# api.md §9.3
ALIAS_ERRORS = {
    Outcome.UNKNOWN: (404, "Patvirtinimas nerastas"),
    Outcome.PROJECT_MISSING: (404, "Projektas nerastas"),
    Outcome.ALREADY_CONFIRMED: (400, "Patvirtinimas jau panaudotas"),
    Outcome.STATUS_FAILED: (400, "Patvirtinimas jau panaudotas"),
    Outcome.STATUS_EXPIRED: (400, "Patvirtinimas jau panaudotas"),
    Outcome.ATTEMPTS_EXHAUSTED: (400, "Patvirtinimas nebegalimas"),
    Outcome.TIME_EXPIRED: (400, "Patvirtinimo galiojimas pasibaiges"),
    Outcome.PROJECT_STATUS: (400, "Projektas nera CERTIFIED busenoje (dabartine: {status})"),
    Outcome.FINAL_MISSING: (400, "Final payment not recorded"),
}


def _page_message(outcome: Outcome) -> str:
    """The result texts of ui.md §4.5."""
    return {
        Outcome.CONFIRMED: _("Thank you! Confirmation received. Your project is activated."),
        Outcome.ALREADY_CONFIRMED: _("This confirmation has already been received. Thank you!"),
        Outcome.UNKNOWN: _("Link not found."),
        Outcome.PROJECT_MISSING: _("Link not found."),
        Outcome.STATUS_FAILED: _("Confirmation is no longer possible. Please contact us."),
        Outcome.ATTEMPTS_EXHAUSTED: _("Confirmation is no longer possible. Please contact us."),
        Outcome.STATUS_EXPIRED: _("The confirmation period has expired. Contact us and we will send you a new link."),
        Outcome.TIME_EXPIRED: _("The confirmation period has expired. Contact us and we will send you a new link."),
        Outcome.PROJECT_STATUS: _("The project status does not allow confirmation."),
        Outcome.FINAL_MISSING: _("The final payment has not been recorded yet. Please contact us."),
    }[outcome]


@html_page(family="token")
def _page(request, template: str, context: dict, status: int):
    context = {"business_phone": settings.BUSINESS_PHONE, "business_email": settings.BUSINESS_EMAIL, **context}
    return render(request, template, context, status=status)


def _short_id(result: ConfirmResult) -> str:
    return str(result.project_id)[:8] if result.project_id else ""


def _result_page(request, result: ConfirmResult, status: int):
    success = result.outcome in (Outcome.CONFIRMED, Outcome.ALREADY_CONFIRMED)
    context = {
        "message": _page_message(result.outcome),
        "project_short_id": _short_id(result),
        "portal_url": public_url("/client/") if result.outcome == Outcome.CONFIRMED else "",
        "show_contacts": not success,
    }
    return _page(request, "messaging/confirm_payment_result.html", context, status)


def _message_page(request, message: str, status: int):
    context = {"message": message, "project_short_id": "", "portal_url": "", "show_contacts": True}
    return _page(request, "messaging/confirm_payment_result.html", context, status)


class AnyAcceptNegotiation(DefaultContentNegotiation):
    """These endpoints negotiate HTML themselves; DRF must never answer 406 to a browser."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


PREVIEW_ACTION = "POST this URL to confirm"


class ConfirmationLinkView(ApiView):
    authentication_classes: list = []
    content_negotiation_class = AnyAcceptNegotiation
    via = "public_endpoint"
    errors = CANONICAL_ERRORS

    def get(self, request, token: str):
        """GET and HEAD (Django answers HEAD with this handler and drops the body): a preview, never an action."""
        django_request = request._request
        wants_page = django_request.get_preferred_type(["application/json", "text/html"]) == "text/html"
        limited = self._limited(django_request, wants_page)
        if limited is not None:
            return limited
        if wants_page:
            return self._preview_page(django_request, token)
        return self._preview_json(token)

    def post(self, request, token: str):
        django_request = request._request
        wants_page = request.content_type.split(";")[0].strip().lower() in FORM_CONTENT_TYPES
        limited = self._limited(django_request, wants_page)
        if limited is not None:
            return limited
        try:
            result = confirmation_confirm_link(token=token, via=self.via, request=django_request)
        except ApiError as exc:
            if not wants_page:
                raise
            return _message_page(django_request, _("Server error. Please try later."), exc.status)
        status, body = self._answer(result)
        if wants_page:
            return _result_page(django_request, result, status)
        return Response(body, status=status)

    def _limited(self, request, wants_page: bool):
        if not rate_limited(request, group="confirm:ip", limit=CONFIRM_IP_LIMIT):
            return None
        if wants_page:
            return _message_page(request, _("Too many requests, please wait"), 429)
        raise ApiError(429, "Too Many Requests")

    def _preview_json(self, token: str) -> Response:
        """``{"token_valid", "action", "project_id"?}`` with the status a POST would have (api.md §1.7)."""
        preview = confirmation_preview(token=token)
        status = 200 if preview.outcome == Outcome.PENDING else self._answer(preview)[0]
        body = {"token_valid": preview.outcome == Outcome.PENDING, "action": PREVIEW_ACTION}
        if preview.project_id:
            body["project_id"] = str(preview.project_id)
        return Response(body, status=status)

    def _preview_page(self, request, token: str):
        preview = confirmation_preview(token=token)
        if preview.outcome != Outcome.PENDING:
            status, _body = self._answer(preview)
            return _result_page(request, preview, status)
        context = {"project_short_id": _short_id(preview), "action_url": request.path}
        return _page(request, "messaging/confirm_payment.html", context, 200)

    def _answer(self, result: ConfirmResult) -> tuple[int, dict]:
        if result.outcome == Outcome.CONFIRMED:
            return 200, {"success": True, "project_id": str(result.project_id), "new_status": ProjectStatus.ACTIVE}
        if result.outcome == Outcome.ALREADY_CONFIRMED:
            return 200, {"success": True, "already_confirmed": True, "project_id": str(result.project_id)}
        status, detail = self.errors[result.outcome]
        return status, {"detail": detail}


class ConfirmPaymentView(ConfirmationLinkView):
    """GET|HEAD (preview) and POST (confirm) /public/confirm-payment/{token} (api.md §9.2)."""

    feature_flag = "ENABLE_EMAIL_INTAKE"


class ActivationAliasView(ConfirmationLinkView):
    """GET|HEAD (preview) and POST (confirm) /public/activations/{token}/confirm, the legacy alias (api.md §9.3);
    no flag."""

    via = "activation_alias"
    errors = ALIAS_ERRORS

    def _answer(self, result: ConfirmResult) -> tuple[int, dict]:
        if result.outcome == Outcome.CONFIRMED:
            return 200, {
                "project_id": str(result.project_id),
                "new_status": ProjectStatus.ACTIVE,
                "message": "Projektas sekmingai aktyvuotas.",
            }
        status, detail = self.errors[result.outcome]
        return status, {"detail": detail.format(status=result.project_status)}


# --- Twilio SMS webhook ---

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
        # The signature first: only requests Twilio signed count towards a sender's limit, so unsigned requests
        # naming a client's number cannot use up that client's quota (the per-IP limit stays in the middleware).
        if not insecure:
            url = settings.TWILIO_WEBHOOK_URL or public_url(request.get_full_path())
            signature = request.headers.get("X-Twilio-Signature", "")
            if not sms.twilio_signature_valid(url=url, params=params, signature=signature):
                audit_record_standalone(
                    entity_type="system",
                    entity_id=None,
                    action=AuditAction.TWILIO_SIGNATURE_INVALID,
                    actor=Actor.system(request=request),
                    metadata={"path": request.path, "phone": sender},
                )
                return _twiml()
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
        result = confirmation_confirm_sms(from_number=sender, body=params.get("Body", ""), request=request)
        return _twiml(_reply_text(result.outcome))


# --- Admin API ---


class AdminApiView(ApiView):
    allowed_roles = {Role.ADMIN}


class AdminConfirmView(AdminApiView):
    """POST /admin/projects/{id}/admin-confirm (api.md §9.1)."""

    class InputSerializer(serializers.Serializer):
        # Not trimmed here: a reason made only of spaces is the service's 400, not a 422 (workflow.md §6.6).
        reason = serializers.CharField(min_length=3, max_length=500, trim_whitespace=False)

    def post(self, request, project_id: str):
        data = self.parse_body(self.InputSerializer)
        project = confirmation_admin_confirm(project_id=project_id, reason=data["reason"], actor=self.actor())
        return Response({"success": True, "project_id": str(project.pk), "new_status": project.status})


class ConfirmationListView(AdminApiView):
    """GET /admin/projects/{id}/confirmations (api.md §9.4)."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.CharField()
        channel = serializers.CharField()
        status = serializers.CharField()
        attempts = serializers.IntegerField()
        created_at = UtcDateTimeField()
        expires_at = UtcDateTimeField()
        confirmed_at = UtcDateTimeField(allow_null=True)
        can_resend = serializers.BooleanField()
        resends_remaining = serializers.IntegerField()
        reset_at = UtcDateTimeField(allow_null=True)

    def get(self, request, project_id: str):
        project = project_get(project_id=project_id)
        items = project_confirmations_list(project=project)
        return Response({"items": self.OutputSerializer(items, many=True).data})


class ConfirmationResendView(AdminApiView):
    """POST /admin/projects/{id}/confirmations/resend (api.md §9.5)."""

    def post(self, request, project_id: str):
        body = request.data if hasattr(request.data, "get") else {}
        channel = body.get("channel", "email")
        state = confirmation_resend(project_id=project_id, channel=channel, actor=self.actor())
        return Response(state.as_json())


class NotificationListView(AdminApiView):
    """GET /admin/projects/{id}/notifications (api.md §10.1)."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.CharField()
        channel = serializers.CharField()
        template_key = serializers.CharField()
        status = serializers.CharField()
        attempt_count = serializers.IntegerField()
        last_error = serializers.CharField(allow_null=True)
        sent_at = UtcDateTimeField(allow_null=True)
        created_at = UtcDateTimeField()
        can_retry = serializers.BooleanField()
        retries_remaining = serializers.IntegerField()
        reset_at = UtcDateTimeField(allow_null=True)

    def get(self, request, project_id: str):
        project = project_get(project_id=project_id)
        items = project_notifications_list(project=project)
        return Response({"items": self.OutputSerializer(items, many=True).data})


class NotificationRetryView(AdminApiView):
    """POST /admin/notifications/{id}/retry (api.md §10.2)."""

    def post(self, request, notification_id: str):
        state = notification_retry(notification_id=notification_id, actor=self.actor())
        return Response(state.as_json())


class SendClientAccessView(AdminApiView):
    """POST /admin/projects/{id}/send-client-access (api.md §5.5)."""

    def post(self, request, project_id: str):
        sent = client_access_send(project_id=project_id, actor=self.actor())
        return Response({"sent_to": sent.sent_to, "expires_at": sent.expires_at, "project_id": str(sent.project_id)})
