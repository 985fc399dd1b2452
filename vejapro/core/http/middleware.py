"""Request gates and response headers for every path (security-ops.md §4-§7, api.md §1.2, §1.4).

Order in ``MIDDLEWARE`` (outermost first): ``SecurityHeadersMiddleware`` so that every response, including the
404/429/5xx answers of the gates below, carries the §4.1 headers; Django's ``SecurityMiddleware``; the CSP
middlewares; ``IPAllowListMiddleware`` (staging list, then admin list); ``RateLimitMiddleware``;
``ApiErrorMiddleware`` (the JSON envelope for failures outside DRF under ``/api/``); then Django's own.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed

from vejapro.core.http.csp import apply_page_policy, no_store, page_directives
from vejapro.core.http.error_pages import page_not_found
from vejapro.core.http.errors import (
    NOT_FOUND_TEXT,
    REQUEST_TOO_LARGE_TEXT,
    error_response,
    error_response_for_exception,
    is_api_path,
)
from vejapro.core.http.net import client_ip, ip_in_networks
from vejapro.core.http.ratelimit import TOO_MANY_REQUESTS_TEXT, rate_limit_blocked_record, rate_limited

logger = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "geolocation=(), microphone=(), camera=()",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


class SecurityHeadersMiddleware:
    """§4.1: each header is added only when the view (or an inner middleware) has not set it. The sixth header of the
    table, ``Content-Security-Policy``, comes from the CSP middleware (its default policy is the §4.1 one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.SECURITY_HEADERS_ENABLED:
            for name, value in SECURITY_HEADERS.items():
                if name not in response:
                    response[name] = value
        return response


def is_admin_page(path: str) -> bool:
    return path == "/admin" or path.startswith("/admin/")


def is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


class AdminCSPMiddleware:
    """The Django admin's views cannot be decorated: the admin page family is applied by path (§4.2) to its HTML
    pages and redirects; CSV, JSON and PDF answers under ``/admin/`` keep the strict default policy (§4.1).
    Every admin answer is ``no-store``. Must sit inside (after) the CSP middleware, which writes the header on the
    way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_admin_page(request.path_info):
            own_policy = any(getattr(response, name, None) is not None for name in ("_csp_replace", "_csp_config"))
            if is_html(response) and not own_policy:
                apply_page_policy(response, directives=page_directives())
            no_store(response)
        return response


ADMIN_ALLOWLIST_EXACT = frozenset({"/admin", "/api/v1/auth/refresh"})
ADMIN_ALLOWLIST_PREFIXES = ("/admin/", "/api/v1/admin/")


def is_admin_allowlist_path(path: str) -> bool:
    """§6: exactly ``/admin``, everything under ``/admin/`` and ``/api/v1/admin/``, exactly ``/api/v1/auth/refresh``."""
    return path in ADMIN_ALLOWLIST_EXACT or path.startswith(ADMIN_ALLOWLIST_PREFIXES)


def not_found_response(request: HttpRequest) -> HttpResponse:
    """The answer of a closed surface: the same 404 as an unknown path, so nothing is disclosed (never 403)."""
    if is_api_path(request.path_info):
        return error_response(404, NOT_FOUND_TEXT)

    return page_not_found(request, None)


class IPAllowListMiddleware:
    """``STAGING_IP_ALLOWLIST`` on every path, then ``ADMIN_IP_ALLOWLIST`` on the admin paths (§6)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        staging = settings.STAGING_IP_ALLOWLIST
        admin = settings.ADMIN_IP_ALLOWLIST if is_admin_allowlist_path(path) else []
        if staging or admin:
            ip = client_ip(request)
            if (staging and not ip_in_networks(ip, staging)) or (admin and not ip_in_networks(ip, admin)):
                return not_found_response(request)
        return self.get_response(request)


API_V1_PREFIX = "/api/v1/"
# (path prefix, rule name, setting with the limit per minute): POST only, audited when blocked (§7).
WEBHOOK_RATE_LIMITS = (
    ("/api/v1/webhook/twilio", "twilio:ip", "RATE_LIMIT_TWILIO_IP_PER_MIN"),
    ("/api/v1/webhook/stripe", "stripe:ip", "RATE_LIMIT_STRIPE_IP_PER_MIN"),
    ("/api/v1/webhook/email", "email_webhook:ip", "RATE_LIMIT_EMAIL_WEBHOOK_IP_PER_MIN"),
)
GLOBAL_LIMIT_EXEMPT_PREFIXES = ("/api/v1/webhook/twilio", "/api/v1/webhook/stripe")
GLOBAL_LIMIT_RULE = "api:ip"


class RateLimitMiddleware:
    """The webhook limits (429 + audit ``RATE_LIMIT_BLOCKED``) and the global API limit (429, no audit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(API_V1_PREFIX):
            blocked = self._webhook_blocked(request, path) or self._api_blocked(request, path)
            if blocked:
                return error_response(429, TOO_MANY_REQUESTS_TEXT)
        return self.get_response(request)

    @staticmethod
    def _webhook_blocked(request: HttpRequest, path: str) -> bool:
        if request.method != "POST" or not settings.RATE_LIMIT_WEBHOOK_ENABLED:
            return False
        for prefix, rule, setting_name in WEBHOOK_RATE_LIMITS:
            if path.startswith(prefix):
                limit = getattr(settings, setting_name)
                if not rate_limited(request, group=rule, limit=limit):
                    return False
                try:
                    rate_limit_blocked_record(request, key=rule, limit=limit)
                except Exception:
                    logger.exception("RATE_LIMIT_BLOCKED audit failed for %s", rule)
                return True
        return False

    @staticmethod
    def _api_blocked(request: HttpRequest, path: str) -> bool:
        if request.method == "OPTIONS" or not settings.RATE_LIMIT_API_ENABLED:
            return False
        if path.startswith(GLOBAL_LIMIT_EXEMPT_PREFIXES):
            return False
        return rate_limited(request, group=GLOBAL_LIMIT_RULE, limit=settings.RATE_LIMIT_API_PER_MIN)


FILE_TOO_LARGE_TEXT = "File is too large"


class ApiErrorMiddleware:
    """Failures outside DRF under ``/api/`` answer the JSON envelope too (api.md §1.2): exceptions of plain
    Django views, Django's 405 responses, and bodies over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (12 MiB, security-ops.md
    §4.3), which DRF's JSON parser would otherwise read whole.

    The size is checked from ``Content-Length`` before a byte of the body is read, on every path and for multipart
    bodies too (issue 14 §2): Django counts only a multipart body's form fields against that limit and streams its
    files to disk whatever their size. A multipart body over it answers 413 «File is too large» (the upload's own
    text), anything else 413 «Request Entity Too Large»; outside ``/api/`` a plain 413. A body without
    ``Content-Length`` is not read at all by Django's WSGI request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_path(request.path_info):
            if self._body_too_large(request):
                return HttpResponse(REQUEST_TOO_LARGE_TEXT, status=413, content_type="text/plain; charset=utf-8")
            return self.get_response(request)
        if self._body_too_large(request):
            multipart = request.content_type == "multipart/form-data"
            return error_response(413, FILE_TOO_LARGE_TEXT if multipart else REQUEST_TOO_LARGE_TEXT)
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed):
            envelope = error_response(405, "Method Not Allowed")
            envelope["Allow"] = response["Allow"]
            return envelope
        return response

    @staticmethod
    def _body_too_large(request: HttpRequest) -> bool:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None:
            return False
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        return length > limit

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_api_path(request.path_info):
            return None
        return error_response_for_exception(exception)
