"""Fixed-window rate limits on the shared cache (security-ops.md §7), for the middlewares and for views.

A view that has its own limit (login, public call requests, token links, the Twilio ``From`` limit, ...) calls
``rate_limited``; when the limit must leave a trace it also calls ``rate_limit_blocked_record``::

    if rate_limited(request, group="call_request:ip", limit=10):
        raise ApiError(429, "Too Many Requests")

Limits are defence in depth: when the cache fails the limiter opens and logs an ERROR.
"""

import logging

from django_ratelimit.core import is_ratelimited

from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record_standalone
from vejapro.core.http.net import client_ip, rate_limit_ip_key
from vejapro.core.models import NIL_UUID, AuditEntityType

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60
TOO_MANY_REQUESTS_TEXT = "Too Many Requests"


def rate_limited(
    request,
    *,
    group: str,
    limit: int,
    key: str | None = None,
    window_seconds: int = WINDOW_SECONDS,
) -> bool:
    """Count this request in ``group`` and say whether it is over ``limit`` per window.

    ``key`` is the counted value (a sender number, an e-mail address, a conversation id); by default the client IP
    of the single resolver, IPv6 masked to /64. ``RATELIMIT_ENABLE=False`` (tests) disables every limit."""
    value = key if key is not None else rate_limit_ip_key(client_ip(request))
    try:
        return is_ratelimited(
            request,
            group=group,
            key=lambda _group, _request: value,
            rate=(limit, window_seconds),
            increment=True,
        )
    except Exception:
        logger.exception("rate limit cache unavailable; %s not limited", group)
        return False


def rate_limit_blocked_record(request, *, key: str, limit: int, window_seconds: int = WINDOW_SECONDS) -> None:
    """Audit ``RATE_LIMIT_BLOCKED`` in its own transaction, so it survives the 429 (workflow.md §13.1)."""

    audit_record_standalone(
        entity_type=AuditEntityType.SYSTEM,
        entity_id=NIL_UUID,
        action=AuditAction.RATE_LIMIT_BLOCKED,
        actor=Actor.system(request=request),
        metadata={"path": request.path, "key": key, "limit": limit, "window_seconds": window_seconds},
    )
