"""Public confirmation links opened from e-mails (api.md §1.7, §9.2, §9.3; ui.md §4.5).

A browser GET shows the page and changes nothing; the page's form POST confirms and shows the result; every
other request gets the JSON contract of its endpoint.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from messaging.services import ConfirmResult, Outcome, confirmation_confirm_link, confirmation_preview
from projects.models import ProjectStatus
from vejapro.core.api import ApiView
from vejapro.core.csp import html_page
from vejapro.core.errors import ApiError
from vejapro.core.ratelimit import rate_limited
from vejapro.core.settings_helpers import public_url

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


class ConfirmationLinkView(ApiView):
    authentication_classes: list = []
    content_negotiation_class = AnyAcceptNegotiation
    via = "public_endpoint"
    errors = CANONICAL_ERRORS

    def get(self, request, token: str):
        return self._handle(request, token)

    def post(self, request, token: str):
        return self._handle(request, token)

    def _wants_page(self, request) -> bool:
        if request.method == "GET":
            return request._request.get_preferred_type(["application/json", "text/html"]) == "text/html"
        return request.content_type.split(";")[0].strip().lower() in FORM_CONTENT_TYPES

    def _handle(self, request, token: str):
        django_request = request._request
        wants_page = self._wants_page(request)
        if rate_limited(django_request, group="confirm:ip", limit=CONFIRM_IP_LIMIT):
            if wants_page:
                return _message_page(django_request, _("Too many requests, please wait"), 429)
            raise ApiError(429, "Too Many Requests")
        if wants_page and request.method == "GET":
            return self._preview_page(django_request, token)
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
    """GET|POST /public/confirm-payment/{token} (api.md §9.2)."""

    feature_flag = "ENABLE_EMAIL_INTAKE"


class ActivationAliasView(ConfirmationLinkView):
    """GET|POST /public/activations/{token}/confirm, the legacy alias (api.md §9.3); no flag."""

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
