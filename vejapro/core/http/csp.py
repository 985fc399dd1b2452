"""Content-Security-Policy families for HTML pages (security-ops.md §4.2).

The django-csp default policy is the strict one for JSON, CSV, PDF and TwiML. HTML views declare their family with
``html_page`` (or django-csp's ``csp_replace``); the Django admin gets its family from ``AdminCSPMiddleware``. The
policy is built at response time so it follows ``SUPABASE_URL`` as configured.

django-csp 4 builds the header from a ``set`` of directive names, so the order of the directives changes from one
process to the next. ``OrderedCSPMiddleware`` keeps django-csp's configuration and decorators but writes the
directives in the order they are configured, which is the order the specification lists them in.
"""

from functools import wraps
from urllib.parse import urlsplit

from csp.constants import HEADER, NONCE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.utils.cache import patch_cache_control

SELF = "'self'"
NONE = "'none'"

PAGE_FAMILIES = ("public", "token", "portal", "login")
DEBUG_PAGE_STATUSES = (404, 500)


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


def build_ordered_policy(
    *,
    config: dict | None,
    update: dict | None = None,
    replace: dict | None = None,
    nonce: str | None = None,
) -> str:
    """django-csp's rules (replace, then update; ``None`` drops a directive), keeping the configured order:
    the replaced directives first in their own order, then the remaining configured ones."""
    if config is None:
        config = (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("DIRECTIVES") or {}
    replace = replace or {}
    merged: dict[str, list] = {}
    for name, value in [*replace.items(), *((k, v) for k, v in config.items() if k not in replace)]:
        if value is not None:
            merged[name] = list(value) if isinstance(value, list | tuple | set) else [value]
    for name, value in (update or {}).items():
        if value is not None:
            extra = list(value) if isinstance(value, list | tuple | set) else [value]
            merged[name] = [*merged.get(name, []), *extra]
    parts = []
    for name, values in merged.items():
        if len(values) == 1 and isinstance(values[0], bool):
            if values[0]:
                parts.append(name)
            continue
        values = [f"'nonce-{nonce}'" if value == NONCE else value for value in values if value != NONCE or nonce]
        parts.append(" ".join([name, *dict.fromkeys(values)]).strip())
    return "; ".join(parts)


class OrderedCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with a deterministic directive order (see the module docstring)."""

    def process_response(self, request, response):
        if HEADER in response or getattr(response, "_csp_exempt", False):
            return response
        if settings.DEBUG and response.status_code in DEBUG_PAGE_STATUSES:
            # Like django-csp: Django's technical 404/500 pages need their inline styles and scripts.
            return response
        parts = self.get_policy_parts(request=request, response=response)
        policy = build_ordered_policy(
            config=parts.config, update=parts.update, replace=parts.replace, nonce=parts.nonce
        )
        if policy:
            response[HEADER] = policy
        return response


def no_store(response) -> None:
    """Exactly ``Cache-Control: no-store`` and ``Pragma: no-cache`` (security-ops.md §4.2), also over the longer
    never-cache header that Django's own admin views set."""
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"


def apply_page_policy(response, *, directives: dict[str, list[str]]) -> None:
    # The CSP middleware replaces its default policy with whatever a view sets here.
    response._csp_replace = directives


def html_page(*, family: str = "portal", cache_seconds: int | None = None, extra_connect: tuple[str, ...] = ()):
    """Decorate an HTML view: ``family`` is ``public``, ``token``, ``portal`` or ``login`` (security-ops.md §4.2).

    ``public`` pages with ``cache_seconds`` (landing, gallery) may be cached publicly; every other page is
    ``no-store``. ``extra_connect`` adds hosts to ``connect-src`` (the estimate wizard's geocoder)."""
    if family not in PAGE_FAMILIES:
        raise ValueError(f"unknown page family {family!r}")

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
                no_store(response)
            return response

        return wrapped

    return decorator
