"""Messaging endpoints: the public confirmation links, the Twilio SMS webhook, the admin API of confirmations,
notifications and client access, the leads and the calendar (api.md §9, §10, §13.2, §5.5, §11).

Confirmation links. Public confirmation links opened from e-mails (api.md §1.7, §9.2, §9.3; ui.md §4.5).

Only a POST acts (api.md §1.7). GET and HEAD never change anything, whatever their ``Accept``: a GET that prefers
HTML shows the page, any other GET answers a JSON preview with the status the action would have, and HEAD answers
that status with no body, because mail gateways and link checkers fetch links with ``*/*`` or no ``Accept`` at all.
The page's form POST confirms and shows the result; a JSON (or empty) POST gets the JSON contract of its endpoint.

Twilio. POST /webhook/twilio: SMS replies ``TAIP <KODAS>`` (messaging.md §5, api.md §13.2). Every answer is 200 TwiML
(empty, or a reply to the client) except the 500 of a missing ``TWILIO_AUTH_TOKEN`` outside insecure mode.
"""

import base64
import hmac
import json
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext, override
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from messaging.models import AppointmentStatus, CallRequestSource, CallRequestStatus, VisitType
from messaging.selectors import (
    appointment_holds_pending,
    appointment_list,
    call_request_list,
    project_confirmations_list,
    project_notifications_list,
    schedule_resource_get,
)
from messaging.services import (
    ConfirmResult,
    Outcome,
    appointment_confirm_hold,
    appointment_create,
    appointment_update,
    call_request_create,
    call_request_delete,
    call_request_update,
    client_access_send,
    confirmation_admin_confirm,
    confirmation_confirm_link,
    confirmation_confirm_sms,
    confirmation_preview,
    confirmation_resend,
    conversation_turn,
    inbound_email_process,
    notification_retry,
)
from messaging.transports import sms
from projects.models import ProjectStatus
from projects.selectors import project_get
from projects.serializers import LimitQuerySerializer, UtcDateTimeField, page_response
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record_standalone
from vejapro.core.http.api import ApiView
from vejapro.core.http.csp import html_page
from vejapro.core.http.errors import ApiError
from vejapro.core.http.ratelimit import TOO_MANY_REQUESTS_TEXT, rate_limit_blocked_record, rate_limited
from vejapro.core.models import ActorType, Role
from vejapro.core.redaction import mask_email, mask_phone
from vejapro.core.settings_helpers import public_url
from vejapro.core.timestamps import utc_iso

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
        """``{"token_valid", "action", "project_id"?}`` with the status a POST would have (api.md §1.7), plus the
        ``detail`` a POST would give when that status is an error."""
        preview = confirmation_preview(token=token)
        status, answer = (200, {}) if preview.outcome == Outcome.PENDING else self._answer(preview)
        body = {"token_valid": preview.outcome == Outcome.PENDING, "action": PREVIEW_ACTION}
        if preview.project_id:
            body["project_id"] = str(preview.project_id)
        if status >= 400:
            # An error status carries the error envelope's text like every other API answer (api.md §1.2).
            body["detail"] = answer["detail"]
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


# --- Call requests (api.md §11.1-§11.4) ---

CALL_REQUEST_IP_LIMIT = 10
PHONE_PATTERN = r"^[0-9 +\-()]+$"
PHONE_INVALID_TEXT = "Telefono numeryje gali būti tik skaitmenys, tarpai, +, -, ( ir )"
HONEYPOT_FILLED_TEXT = "Šis laukas turi likti tuščias"


class CallRequestOutSerializer(serializers.Serializer):
    """``CallRequestOut`` (api.md §3.8); ``masked`` in the context masks the contacts of list items."""

    id = serializers.CharField()
    name = serializers.CharField()
    phone = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    preferred_time = UtcDateTimeField(allow_null=True)
    notes = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    source = serializers.CharField()
    converted_project_id = serializers.CharField(allow_null=True)
    preferred_channel = serializers.CharField()
    intake_state = serializers.JSONField()
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone) if self.context.get("masked") and obj.phone else obj.phone

    def get_email(self, obj) -> str | None:
        return mask_email(obj.email) if self.context.get("masked") and obj.email else obj.email


class PhoneField(serializers.RegexField):
    def __init__(self, **kwargs):
        super().__init__(
            PHONE_PATTERN, min_length=4, max_length=32, error_messages={"invalid": PHONE_INVALID_TEXT}, **kwargs
        )


class CallRequestCreateView(ApiView):
    """POST /call-requests: the public lead form (api.md §11.1); anyone, 10 per minute per IP."""

    feature_flag = "ENABLE_CALL_ASSISTANT"
    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(min_length=1, max_length=128)
        phone = PhoneField()
        email = serializers.EmailField(max_length=255, required=False, allow_null=True, allow_blank=True)
        preferred_time = UtcDateTimeField(required=False, allow_null=True)
        notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
        # Hidden on the landing form: people leave it empty, form-filling robots do not.
        website = serializers.CharField(
            required=False, allow_blank=True, max_length=0, error_messages={"max_length": HONEYPOT_FILLED_TEXT}
        )

    def post(self, request):
        # Counted before validation, so junk is limited too.
        if rate_limited(request._request, group="call_request:ip", limit=CALL_REQUEST_IP_LIMIT):
            raise ApiError(429, TOO_MANY_REQUESTS_TEXT)
        data = self.parse_body(self.InputSerializer)
        call_request = call_request_create(
            name=data["name"],
            phone=data["phone"].strip(),
            email=data.get("email"),
            preferred_time=data.get("preferred_time"),
            notes=data["notes"],
            actor=self.actor(),
        )
        return Response(CallRequestOutSerializer(call_request).data, status=201)


class AdminCallRequestListView(AdminApiView):
    """GET /admin/call-requests (api.md §11.2): masked contacts and the count of NEW leads."""

    feature_flag = "ENABLE_CALL_ASSISTANT"

    class QuerySerializer(LimitQuerySerializer):
        status = serializers.ChoiceField(choices=CallRequestStatus.values, required=False)
        source = serializers.ChoiceField(choices=CallRequestSource.values, required=False)

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        result = call_request_list(
            limit=query["limit"], cursor=query.get("cursor"), status=query.get("status"), source=query.get("source")
        )
        new_count = result.pop("new_count")
        body = page_response(result, CallRequestOutSerializer, masked=True)
        return Response({**body, "stats": {"new_count": new_count}})


class AdminCallRequestView(AdminApiView):
    """PATCH and DELETE /admin/call-requests/{id} (api.md §11.3, §11.4)."""

    feature_flag = "ENABLE_CALL_ASSISTANT"

    class PatchSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=CallRequestStatus.values, required=False)
        preferred_time = UtcDateTimeField(required=False, allow_null=True)
        notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, allow_null=True)
        name = serializers.CharField(min_length=1, max_length=128, required=False)
        phone = PhoneField(required=False)
        email = serializers.EmailField(max_length=255, required=False, allow_null=True, allow_blank=True)

    def patch(self, request, call_request_id: str):
        changes = self.parse_body(self.PatchSerializer)
        call_request, _changed = call_request_update(
            call_request_id=call_request_id, actor=self.actor(), changes=dict(changes)
        )
        return Response(CallRequestOutSerializer(call_request).data)

    def delete(self, request, call_request_id: str):
        call_request_delete(call_request_id=call_request_id, actor=self.actor())
        return Response(status=204)


# --- Appointments (api.md §11.5-§11.9) ---


class AppointmentOutSerializer(serializers.Serializer):
    """``AppointmentOut`` (api.md §3.9)."""

    id = serializers.CharField()
    project_id = serializers.CharField(allow_null=True)
    call_request_id = serializers.CharField(allow_null=True)
    resource_id = serializers.CharField(allow_null=True)
    visit_type = serializers.CharField()
    starts_at = UtcDateTimeField()
    ends_at = UtcDateTimeField()
    status = serializers.CharField()
    lock_level = serializers.IntegerField()
    locked_at = UtcDateTimeField(allow_null=True)
    locked_by = serializers.CharField(source="locked_by_id", allow_null=True)
    lock_reason = serializers.CharField(allow_null=True)
    hold_expires_at = UtcDateTimeField(allow_null=True)
    weather_class = serializers.CharField()
    route_date = serializers.DateField(allow_null=True)
    route_sequence = serializers.IntegerField(allow_null=True)
    row_version = serializers.IntegerField()
    superseded_by_id = serializers.CharField(allow_null=True)
    cancelled_at = UtcDateTimeField(allow_null=True)
    cancelled_by = serializers.CharField(source="cancelled_by_id", allow_null=True)
    cancel_reason = serializers.CharField(allow_null=True)
    notes = serializers.CharField(allow_null=True)
    created_at = UtcDateTimeField()
    updated_at = UtcDateTimeField()


class CalendarApiView(AdminApiView):
    feature_flag = "ENABLE_CALENDAR"


class AdminAppointmentListView(CalendarApiView):
    """GET and POST /admin/appointments (api.md §11.5, §11.7)."""

    class QuerySerializer(LimitQuerySerializer):
        status = serializers.ChoiceField(choices=AppointmentStatus.values, required=False)
        resource_id = serializers.UUIDField(required=False)
        from_ts = UtcDateTimeField(required=False)
        to_ts = UtcDateTimeField(required=False)

    class InputSerializer(serializers.Serializer):
        project_id = serializers.CharField(required=False)
        call_request_id = serializers.CharField(required=False)
        resource_id = serializers.CharField(required=False)
        starts_at = UtcDateTimeField()
        ends_at = UtcDateTimeField()
        status = serializers.ChoiceField(choices=AppointmentStatus.values, required=False)
        visit_type = serializers.ChoiceField(choices=VisitType.values, required=False)
        notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, allow_null=True)

        def validate(self, attrs):
            if not attrs.get("project_id") and not attrs.get("call_request_id"):
                raise serializers.ValidationError({"project_id": "Nurodykite project_id arba call_request_id"})
            return attrs

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        result = appointment_list(
            limit=query["limit"],
            cursor=query.get("cursor"),
            status=query.get("status"),
            resource_id=query.get("resource_id"),
            from_ts=query.get("from_ts"),
            to_ts=query.get("to_ts"),
        )
        held = result.pop("held_count")
        return Response({**page_response(result, AppointmentOutSerializer), "stats": {"pending_schedule_count": held}})

    def post(self, request):
        data = self.parse_body(self.InputSerializer)
        resource = schedule_resource_get(resource_id=data["resource_id"]) if "resource_id" in data else None
        appointment = appointment_create(
            actor=self.actor(),
            project_id=data.get("project_id"),
            call_request_id=data.get("call_request_id"),
            resource=resource,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            status=data.get("status", AppointmentStatus.CONFIRMED),
            visit_type=data.get("visit_type", VisitType.PRIMARY),
            notes=data.get("notes"),
        )
        return Response(AppointmentOutSerializer(appointment).data, status=201)


class AdminAppointmentMiniTriageView(CalendarApiView):
    """GET /admin/appointments/mini-triage (api.md §11.6): the holds waiting for the admin."""

    class QuerySerializer(serializers.Serializer):
        limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=20)

    def get(self, request):
        query = self.parse_query(self.QuerySerializer)
        now = timezone.now()
        items = [
            {
                "appointment_id": str(hold.pk),
                "starts_at": utc_iso(hold.starts_at),
                "ends_at": utc_iso(hold.ends_at),
                "hold_expires_at": utc_iso(hold.hold_expires_at),
                "project_id": str(hold.project_id) if hold.project_id else None,
                "call_request_id": str(hold.call_request_id) if hold.call_request_id else None,
                "overdue": hold.starts_at < now,
                "primary_action": {
                    "label": "Patvirtinti",
                    "action_key": "confirm_hold",
                    "payload": {"appointment_id": str(hold.pk)},
                },
            }
            for hold in appointment_holds_pending(limit=query["limit"])
        ]
        return Response({"items": items, "view_version": "1.0"})


class AdminAppointmentConfirmHoldView(CalendarApiView):
    """POST /admin/appointments/{id}/confirm-hold (api.md §11.8)."""

    def post(self, request, appointment_id: str):
        appointment = appointment_confirm_hold(appointment_id=appointment_id, actor=self.actor())
        return Response({"success": True, "appointment_id": str(appointment.pk), "status": appointment.status})


class AdminAppointmentView(CalendarApiView):
    """PATCH /admin/appointments/{id} (api.md §11.9): cancel or annotate; times never change."""

    class PatchSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=AppointmentStatus.values, required=False)
        notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, allow_null=True)

    def patch(self, request, appointment_id: str):
        body = request.data if hasattr(request.data, "get") else {}
        if "starts_at" in body or "ends_at" in body:
            raise ApiError(400, "Laiko keitimas draudžiamas. Naudokite RESCHEDULE (preview -> confirm).")
        changes = self.parse_body(self.PatchSerializer)
        if changes.get("status", AppointmentStatus.CANCELLED) != AppointmentStatus.CANCELLED:
            raise ApiError(400, "Leidžiama tik atšaukti (CANCELLED)")
        appointment, _changed = appointment_update(
            appointment_id=appointment_id, actor=self.actor(), changes=dict(changes)
        )
        return Response(AppointmentOutSerializer(appointment).data)


# --- Inbound e-mail (api.md §13.5) ---


class EmailInboundWebhookView(ApiView):
    """POST /webhook/email/inbound: CloudMailin's normalized JSON, HTTP Basic when configured (the IP limit is the
    webhook middleware's)."""

    feature_flag = "ENABLE_EMAIL_WEBHOOK"
    authentication_classes: list = []

    def post(self, request):
        django_request = request._request
        if not self._authorized(django_request):
            audit_record_standalone(
                entity_type="system",
                entity_id=None,
                action=AuditAction.EMAIL_WEBHOOK_AUTH_INVALID,
                actor=Actor.system(ActorType.SYSTEM_EMAIL, request=django_request),
                metadata={"path": django_request.path},
            )
            raise ApiError(403, "Draudžiama")
        try:
            payload = json.loads(django_request.body or b"")
        except ValueError:
            raise ApiError(400, "Neteisingas JSON body") from None
        if not isinstance(payload, dict):
            raise ApiError(400, "Neteisingas JSON body")
        envelope = payload.get("envelope") if isinstance(payload.get("envelope"), dict) else {}
        mail_sender = str(envelope.get("from") or "").strip().lower()
        if rate_limited(
            django_request,
            group="email_webhook:sender",
            key=f"email_webhook:sender:{mail_sender}",
            limit=settings.RATE_LIMIT_EMAIL_WEBHOOK_SENDER_PER_MIN,
        ):
            raise ApiError(429, TOO_MANY_REQUESTS_TEXT)
        result = inbound_email_process(payload=payload, request=django_request)
        return Response({"status": result.status, "call_request_id": str(result.call_request_id or "")})

    def _authorized(self, request) -> bool:
        username, password = settings.CLOUDMAILIN_USERNAME, settings.CLOUDMAILIN_PASSWORD
        if not (username and password):
            return True
        header = request.headers.get("Authorization", "")
        scheme, _space, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            given = base64.b64decode(encoded, validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            return False
        return hmac.compare_digest(given.encode(), f"{username}:{password}".encode())


# --- Chat webhook (api.md §13.4, messaging.md §7) ---

CHAT_CONFIRM_WORDS = frozenset({"tinka", "taip", "gerai", "ok", "sutinku"})
CHAT_CANCEL_WORDS = frozenset({"netinka", "ne", "atsisakau"})
CHAT_IP_LIMIT = 30
CHAT_CONVERSATION_LIMIT = 20
CHAT_EARLIEST = timedelta(minutes=15)
CHAT_REPLIES = {
    "held": "Galiu rezervuoti laiką {slot}. Jei tinka, parašykite „Tinka“. Jei netinka, parašykite „Netinka“.",
    "confirmed": "Ačiū. Laikas patvirtintas.",
    "cancelled": "Gerai. Laikas atšauktas. Parašykite, ir pasiūlysiu kitą laiką.",
    "expired": "Rezervacija nebegalioja. Parašykite, ir pasiūlysiu kitą laiką.",
    "conflict_confirm": "Nepavyko patvirtinti laiko dėl konflikto. Parašykite, ir pasiūlysiu kitą variantą.",
    "conflict_hold": "Laikas ką tik tapo neprieinamas. Užklausa užregistruota. Susisieksime.",
    "recorded": "Ačiū. Užklausa užregistruota. Susisieksime artimiausiu metu.",
    "not_configured": "Sistema nesukonfigūruota planavimui. Užklausa užregistruota. Susisieksime.",
    "no_slots": "Laisvų laikų neradau. Užklausa užregistruota. Susisieksime dėl laiko.",
}


def chat_intent(message: str) -> str | None:
    """The whole message must be one of the words (cancel checked first), ignoring case and trailing punctuation."""
    word = message.strip().lower().rstrip(".!?,;: ")
    if word in CHAT_CANCEL_WORDS:
        return "cancel"
    if word in CHAT_CONFIRM_WORDS:
        return "confirm"
    return None


class ChatEventsWebhookView(ApiView):
    """POST /webhook/chat/events: the web chat assistant, one turn of the booking conversation per message."""

    feature_flag = "ENABLE_CALL_ASSISTANT"
    authentication_classes: list = []

    def post(self, request):
        django_request = request._request
        secret = settings.CHAT_WEBHOOK_SECRET
        given = django_request.headers.get("X-Chat-Secret", "")
        if secret and not hmac.compare_digest(given.encode(), secret.encode()):
            audit_record_standalone(
                entity_type="system",
                entity_id=None,
                action=AuditAction.CHAT_WEBHOOK_AUTH_INVALID,
                actor=Actor.system(request=django_request),
                metadata={"path": django_request.path},
            )
            raise ApiError(403, "Draudžiama")
        try:
            body = json.loads(django_request.body or b"")
        except ValueError:
            raise ApiError(400, "Neteisingas JSON body") from None
        body = body if isinstance(body, dict) else {}
        conversation_id = str(body.get("conversation_id") or "").strip()[:128]
        message = str(body.get("message") or "").strip()[:2000]
        if not conversation_id or not message:
            raise ApiError(400, "Truksta conversation_id arba message")
        if rate_limited(django_request, group="chat:ip", limit=CHAT_IP_LIMIT) or rate_limited(
            django_request, group="chat:conv", key=f"chat:conv:{conversation_id}", limit=CHAT_CONVERSATION_LIMIT
        ):
            raise ApiError(429, "Per daug uzklausu")
        turn = conversation_turn(
            source=CallRequestSource.CHAT,
            channel="CHAT",
            conversation_id=conversation_id,
            intent=chat_intent(message),
            name=str(body.get("name") or "").strip()[:128] or "Pokalbis",
            phone=str(body.get("from_phone") or "").strip()[:32] or "unknown",
            earliest_after=CHAT_EARLIEST,
            actor=Actor.system(request=django_request),
            metadata={"system_source": "chat_assistant", "conversation_id": conversation_id},
        )
        return Response(self._answer(turn))

    def _answer(self, turn) -> dict:
        status = "conflict" if turn.status.startswith("conflict") else turn.status
        state: dict = {"status": status}
        slot = ""
        if turn.appointment is not None and status in ("held", "confirmed"):
            slot = timezone.localtime(turn.appointment.starts_at).strftime("%Y-%m-%d %H:%M")
            state["starts_at"] = utc_iso(turn.appointment.starts_at)
            state["ends_at"] = utc_iso(turn.appointment.ends_at)
            if status == "held":
                state["hold_expires_at"] = utc_iso(turn.appointment.hold_expires_at)
        return {"reply": CHAT_REPLIES[turn.status].format(slot=slot), "state": state}


# --- Twilio voice assistant (api.md §13.3, messaging.md §6) ---

VOICE_CONFIRM_WORDS = frozenset({"tinka", "taip", "gerai", "sutinku", "ok", "okei"})
VOICE_CANCEL_WORDS = frozenset({"netinka", "ne", "atsisakau", "nenoriu"})
VOICE_EARLIEST = timedelta(minutes=30)
VOICE_WEEKDAYS = ("pirmadienį", "antradienį", "trečiadienį", "ketvirtadienį", "penktadienį", "šeštadienį", "sekmadienį")
VOICE_MONTHS = (
    "sausio", "vasario", "kovo", "balandžio", "gegužės", "birželio",
    "liepos", "rugpjūčio", "rugsėjo", "spalio", "lapkričio", "gruodžio",
)  # fmt: skip
VOICE_NOTICES = {
    "expired": "Rezervacija nebegalioja. Pasiūlysiu kitą laiką.",
    "conflict_confirm": "Nepavyko patvirtinti laiko dėl konflikto. Pasiūlysiu kitą variantą.",
}
VOICE_FINAL = {
    "cancelled": "Gerai. Laikas atšauktas. Mūsų komanda su jumis susisieks. Ačiū už skambutį.",
    "no_answer": "Negavau atsakymo. Užklausa užregistruota. Susisieksime.",
    "recorded": "Ačiū už skambutį. Užklausa užregistruota. Mes susisieksime artimiausiu metu.",
    "not_configured": "Sistema nesukonfigūruota planavimui. Užklausa užregistruota. Susisieksime.",
    "no_slots": "Artimiausiu metu laisvų laikų neradau. Užklausa užregistruota. Susisieksime dėl laiko.",
    "conflict_hold": "Laikas ką tik tapo neprieinamas. Užklausa užregistruota. Susisieksime.",
}
VOICE_RATE_LIMITED = "Per daug užklausų. Pabandykite vėliau."
VOICE_NO_ANSWER = "Negavau atsakymo. Pabandykime dar kartą."


def voice_intent(*, digits: str, speech: str) -> str | None:
    """Keys 1/2, else whole words of the speech with cancel checked first («ne tinka» is a no)."""
    if digits == "1":
        return "confirm"
    if digits == "2":
        return "cancel"
    words = set(re.findall(r"[^\W\d_]+", speech.lower()))
    if words & VOICE_CANCEL_WORDS:
        return "cancel"
    if words & VOICE_CONFIRM_WORDS:
        return "confirm"
    return None


def spoken_slot(moment) -> str:
    """«ketvirtadienį, kovo 5 d., 10:00» in Europe/Vilnius time."""
    local = timezone.localtime(moment)
    return f"{VOICE_WEEKDAYS[local.weekday()]}, {VOICE_MONTHS[local.month - 1]} {local.day} d., {local:%H:%M}"


def _voice(xml: str) -> HttpResponse:
    return HttpResponse(xml, content_type=sms.TWIML_CONTENT_TYPE)


class TwilioVoiceWebhookView(ApiView):
    """POST /webhook/twilio/voice: always 200 TwiML in Lithuanian (the 500 of a missing token aside)."""

    feature_flag = ("ENABLE_TWILIO", "ENABLE_CALL_ASSISTANT")
    authentication_classes: list = []
    content_negotiation_class = AnyAcceptNegotiation

    def post(self, request):
        django_request = request._request
        django_request.body  # noqa: B018 - the raw body is read before anything else (api.md §13)
        insecure = settings.ALLOW_INSECURE_WEBHOOKS
        if not settings.TWILIO_AUTH_TOKEN and not insecure:
            raise ApiError(500, "Nesukonfigūruotas Twilio")
        params = django_request.POST
        sender = params.get("From", "")
        if settings.RATE_LIMIT_WEBHOOK_ENABLED and rate_limited(
            django_request,
            group=SENDER_RULE,
            key=f"{SENDER_RULE}:{sender}",
            limit=settings.RATE_LIMIT_TWILIO_FROM_PER_MIN,
            window_seconds=SENDER_WINDOW,
        ):
            rate_limit_blocked_record(
                django_request,
                key=SENDER_RULE,
                limit=settings.RATE_LIMIT_TWILIO_FROM_PER_MIN,
                window_seconds=SENDER_WINDOW,
            )
            return _voice(sms.voice_final(VOICE_RATE_LIMITED))
        url = self._voice_url(django_request)
        signature = django_request.headers.get("X-Twilio-Signature", "")
        if not insecure and not sms.twilio_signature_valid(url=url, params=params, signature=signature):
            audit_record_standalone(
                entity_type="system",
                entity_id=None,
                action=AuditAction.TWILIO_SIGNATURE_INVALID,
                actor=Actor.system(request=django_request),
                metadata={"path": django_request.path, "phone": sender},
            )
            return _voice(sms.voice_empty())
        call_sid = params.get("CallSid", "").strip()
        if not call_sid:
            return _voice(sms.voice_hangup())
        turn = conversation_turn(
            source=CallRequestSource.VOICE,
            channel="VOICE",
            conversation_id=call_sid[:128],
            intent=voice_intent(digits=params.get("Digits", "").strip(), speech=params.get("SpeechResult", "")),
            name="Skambutis",
            phone=sender.strip()[:32] or "unknown",
            earliest_after=VOICE_EARLIEST,
            actor=Actor.system(ActorType.SYSTEM_TWILIO, request=django_request),
            metadata={"channel": "VOICE", "conversation_id": call_sid[:128]},
            reoffer=True,
            max_reprompts=settings.VOICE_MAX_REPROMPTS,
        )
        return _voice(self._twiml(turn, url))

    def _voice_url(self, request) -> str:
        return settings.TWILIO_VOICE_WEBHOOK_URL or public_url(request.path)

    def _twiml(self, turn, url: str) -> str:
        if turn.status == "held":
            slot = spoken_slot(turn.appointment.starts_at)
            question = (
                f"Galiu rezervuoti laiką {slot}. Jei tinka, spauskite 1 arba sakykite „tinka“. "
                "Jei netinka, spauskite 2 arba sakykite „netinka“."
            )
            notice = VOICE_NOTICES.get(turn.notice, "")
            return sms.voice_prompt(question=question, no_answer=VOICE_NO_ANSWER, action_url=url, notice=notice)
        if turn.status == "confirmed":
            slot = spoken_slot(turn.appointment.starts_at)
            return sms.voice_final(f"Ačiū. Laikas patvirtintas: {slot}. Iki pasimatymo.")
        return sms.voice_final(VOICE_FINAL[turn.status])
