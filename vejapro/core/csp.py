"""Content-Security-Policy families for HTML pages (security-ops.md §4.2).

The django-csp default policy is the strict one for JSON, CSV, PDF and TwiML. HTML views declare their family with
one of the decorators below; the policy is built at response time so it follows ``SUPABASE_URL`` as configured.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.cache import add_never_cache_headers, patch_cache_control

SELF = "'self'"
NONE = "'none'"


def _supabase_origin() -> list[str]:
    parts = urlsplit(settings.SUPABASE_URL or "")
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


def page_directives(*, extra_connect: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """The admin, public page and portal policy, in the order the spec lists the directives."""
    return {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", *_supabase_origin()],
        "font-src": [SELF],
        "connect-src": [SELF, *extra_connect],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }


def login_directives() -> dict[str, list[str]]:
    return {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "font-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }


def _no_store(response) -> None:
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True)
    response["Pragma"] = "no-cache"


def apply_page_policy(response, *, directives: dict[str, list[str]]) -> None:
    # django-csp's middleware replaces its default policy with whatever a view sets here.
    response._csp_replace = directives


def html_page(*, family: str = "portal", cache_seconds: int | None = None, extra_connect: tuple[str, ...] = ()):
    """Decorate an HTML view: ``family`` is ``public``, ``token``, ``portal`` or ``login`` (security-ops.md §4.2)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if family == "login":
                apply_page_policy(response, directives=login_directives())
                response["Referrer-Policy"] = "no-referrer"
            else:
                apply_page_policy(response, directives=page_directives(extra_connect=extra_connect))
            if family == "public" and cache_seconds:
                patch_cache_control(response, public=True, max_age=cache_seconds)
            else:
                _no_store(response)
            return response

        return wrapped

    return decorator
