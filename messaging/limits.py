"""Per-key rate limits of the messaging views (security-ops.md §7).

The same signature as ``vejapro.core.ratelimit.rate_limited``; once that module is on main this function simply
delegates to it, so the call sites never change.
"""

import logging

from django_ratelimit.core import is_ratelimited

from vejapro.core.net import client_ip, rate_limit_ip_key

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


def rate_limited(
    request, *, group: str, limit: int, key: str | None = None, window_seconds: int = WINDOW_SECONDS
) -> bool:
    """Count this request in ``group`` (by ``key``, else the client IP) and say whether it is over ``limit``."""
    value = key if key is not None else rate_limit_ip_key(client_ip(request))
    try:
        return is_ratelimited(
            request,
            group=group,
            key=lambda _group, _request: value,
            rate=f"{limit}/{window_seconds}s",
            increment=True,
        )
    except Exception:
        logger.exception("rate limit cache unavailable; %s not limited", group)
        return False
