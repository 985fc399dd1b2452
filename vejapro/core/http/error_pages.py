"""Django's error handlers (``handler400/403/404/500`` and ``CSRF_FAILURE_VIEW``).

Under ``/api/`` they answer the JSON envelope of api.md §1.2; everywhere else a small Lithuanian page. The pages use
the public page policy (security-ops.md §4.2) and are never cached.
"""

import sys

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from vejapro.core.http.csp import apply_page_policy, no_store, page_directives
from vejapro.core.http.errors import (
    FORBIDDEN_TEXT,
    MASKED_ERROR_TEXT,
    NOT_FOUND_TEXT,
    error_response,
    error_response_for_exception,
    is_api_path,
)
from vejapro.core.http.locale import request_language


def _page(request: HttpRequest, template_name: str, status: int, context: dict | None = None) -> HttpResponse:
    # The same choice as the locale middleware, which has not run yet for the allow-list's 404 (ui.md §1).
    language = request_language(request)
    with translation.override(language):
        body = loader.get_template(template_name).render({"language_code": language, **(context or {})})
    response = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    apply_page_policy(response, directives=page_directives())
    no_store(response)
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request.path_info):
        return error_response(400, "Bad Request")
    return _page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request.path_info):
        return error_response(403, FORBIDDEN_TEXT)
    return _page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_path(request.path_info):
        return error_response(404, NOT_FOUND_TEXT)
    return _page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_path(request.path_info):
        # Called inside Django's exception handling, so the exception is still at hand for the real text.
        exception = sys.exc_info()[1]
        if exception is not None:
            return error_response_for_exception(exception)
        return error_response(500, MASKED_ERROR_TEXT)
    return _page(request, "500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_api_path(request.path_info):
        return error_response(403, FORBIDDEN_TEXT)
    return _page(request, "403.html", 403, {"csrf_failed": True})


@csrf_exempt
def api_not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Unknown ``/api`` paths answer the JSON envelope, never an HTML page (api.md §1.2), whatever the method: CSRF
    protection would otherwise answer a POST, PUT, PATCH or DELETE with 403 «Draudžiama» before this view runs. It
    changes nothing, so it needs no CSRF check, like every ``/api/v1`` view (security-ops.md §4.3)."""
    return error_response(404, NOT_FOUND_TEXT)
