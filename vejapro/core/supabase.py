"""Supabase adapter: the JWKS fetch (api.md §2.2). Tests replace ``fetch_jwks`` with a local key set."""

import threading
import time

import requests
from django.conf import settings

JWKS_TTL_SECONDS = 3600
JWKS_REFETCH_MIN_SECONDS = 60
JWKS_TIMEOUT_SECONDS = 5


def fetch_jwks() -> dict:
    url = f"{settings.SUPABASE_URL}/auth/v1/.well-known/jwks.json"
    response = requests.get(url, timeout=JWKS_TIMEOUT_SECONDS)
    response.raise_for_status()
    return response.json()


class JwksCache:
    """Keys cached for an hour; an unknown ``kid`` triggers at most one refetch a minute."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, dict] = {}
        self._fetched_at = 0.0

    def clear(self) -> None:
        with self._lock:
            self._keys = {}
            self._fetched_at = 0.0

    def _refresh(self) -> None:
        document = fetch_jwks()
        self._keys = {key["kid"]: key for key in document.get("keys", []) if key.get("kid")}
        self._fetched_at = time.monotonic()

    def key_for(self, kid: str) -> dict | None:
        with self._lock:
            age = time.monotonic() - self._fetched_at
            if (
                not self._fetched_at
                or age > JWKS_TTL_SECONDS
                or (kid not in self._keys and age > JWKS_REFETCH_MIN_SECONDS)
            ):
                self._refresh()
            return self._keys.get(kid)


jwks_cache = JwksCache()
