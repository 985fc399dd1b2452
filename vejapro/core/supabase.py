"""Supabase adapter: the JWKS fetch (api.md §2.2). Tests replace ``fetch_jwks`` with a local key set."""

import logging
import threading
import time

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

JWKS_TTL_SECONDS = 3600
JWKS_REFETCH_MIN_SECONDS = 60
JWKS_TIMEOUT_SECONDS = 5


def fetch_jwks() -> dict:
    url = f"{settings.SUPABASE_URL}/auth/v1/.well-known/jwks.json"
    response = requests.get(url, timeout=JWKS_TIMEOUT_SECONDS)
    response.raise_for_status()
    return response.json()


class JwksCache:
    """Keys cached for an hour; an unknown ``kid`` triggers one refetch, at most once a minute. When a fetch fails
    the keys already known stay in use and the next attempt waits a minute too."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, dict] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None

    def clear(self) -> None:
        with self._lock:
            self._keys = {}
            self._fetched_at = None
            self._attempted_at = None

    def key_for(self, kid: str) -> dict | None:
        with self._lock:
            now = time.monotonic()
            stale = self._fetched_at is None or now - self._fetched_at > JWKS_TTL_SECONDS
            may_fetch = self._attempted_at is None or now - self._attempted_at >= JWKS_REFETCH_MIN_SECONDS
            if (stale or kid not in self._keys) and may_fetch:
                self._attempted_at = now
                try:
                    document = fetch_jwks()
                except Exception:
                    logger.warning("JWKS fetch failed", exc_info=True)
                else:
                    self._keys = {key["kid"]: key for key in document.get("keys", []) if key.get("kid")}
                    self._fetched_at = now
            return self._keys.get(kid)


jwks_cache = JwksCache()
