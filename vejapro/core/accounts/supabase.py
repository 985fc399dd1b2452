"""Supabase adapter: the JWKS fetch (api.md §2.2), the password sign-in of the admin and the portals (ui.md §3.1,
§4.1), the portal registration (sign-up and the role set through the admin API) and the session refresh proxy
(api.md §5.2).

The only module that talks to Supabase Auth. Tests replace ``fetch_jwks`` with a locally generated key set and
``auth_password_sign_in`` / ``auth_sign_up`` / ``auth_admin_set_role`` / ``auth_refresh`` with canned answers, so
no test and no development run ever contacts Supabase: local mode is the development backend and never calls them
(the portal registration then creates the local user itself).
"""

import logging
import threading
import time
from typing import Any

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

JWKS_TTL_SECONDS = 3600
JWKS_REFETCH_MIN_SECONDS = 60
JWKS_TIMEOUT_SECONDS = 5
AUTH_TIMEOUT_SECONDS = 10


class SupabaseUnavailable(Exception):
    """The Supabase API could not be reached."""


def fetch_jwks() -> dict:
    url = f"{settings.SUPABASE_URL}/auth/v1/.well-known/jwks.json"
    response = requests.get(url, timeout=JWKS_TIMEOUT_SECONDS)
    response.raise_for_status()
    return response.json()


def _auth_api_key() -> str:
    return settings.SUPABASE_ANON_KEY or settings.SUPABASE_KEY


def _auth_token_call(*, grant_type: str, body: dict[str, str]) -> tuple[int, Any]:
    """POST to Supabase Auth's token endpoint; returns the upstream status and its JSON body (None when the body is
    not JSON). Raises ``SupabaseUnavailable`` on a network error."""
    key = _auth_api_key()
    try:
        response = requests.post(
            f"{settings.SUPABASE_URL}/auth/v1/token",
            params={"grant_type": grant_type},
            json=body,
            headers={"apikey": key, "Authorization": f"Bearer {key}"},
            timeout=AUTH_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        raise SupabaseUnavailable(f"Supabase auth unreachable: {type(exc).__name__}") from exc
    try:
        data = response.json()
    except ValueError:
        data = None
    return response.status_code, data


def auth_password_sign_in(*, email: str, password: str) -> tuple[int, Any]:
    """E-mail and password sign-in (``grant_type=password``)."""
    return _auth_token_call(grant_type="password", body={"email": email, "password": password})


def auth_refresh(*, refresh_token: str) -> tuple[int, Any]:
    """Exchange a refresh token for a new session (``grant_type=refresh_token``)."""
    return _auth_token_call(grant_type="refresh_token", body={"refresh_token": refresh_token})


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


def _post(path: str, *, body: dict, key: str, params: dict | None = None, method: str = "POST") -> tuple[int, Any]:
    try:
        response = requests.request(
            method,
            f"{settings.SUPABASE_URL}/auth/v1/{path}",
            params=params or {},
            json=body,
            headers={"apikey": key, "Authorization": f"Bearer {key}"},
            timeout=AUTH_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        raise SupabaseUnavailable(f"Supabase auth unreachable: {type(exc).__name__}") from exc
    try:
        data = response.json()
    except ValueError:
        data = None
    return response.status_code, data


def auth_sign_up(*, email: str, password: str, redirect_to: str) -> tuple[int, Any]:
    """Portal registration (ui.md §4.1): Supabase sends the confirmation e-mail that leads back to ``redirect_to``."""
    return _post(
        "signup", body={"email": email, "password": password}, key=_auth_api_key(), params={"redirect_to": redirect_to}
    )


def auth_admin_set_role(*, user_id: str, role: str) -> tuple[int, Any]:
    """Set ``app_metadata.role`` with the service role key: the only claim the API trusts for the role."""
    return _post(
        f"admin/users/{user_id}",
        body={"app_metadata": {"role": role}},
        key=settings.SUPABASE_SERVICE_ROLE_KEY,
        method="PUT",
    )
