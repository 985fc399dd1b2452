"""Bearer tokens of /api/v1: Supabase-issued (or locally minted) JWTs verified and read (api.md §2.1, §2.2)."""

import logging
from dataclasses import dataclass

import jwt
from django.conf import settings

from vejapro.core.accounts.supabase import jwks_cache
from vejapro.core.http.errors import INVALID_TOKEN_TEXT, MISSING_BEARER_TEXT, MISSING_ROLE_TEXT, ApiError, Forbidden
from vejapro.core.models import Role, User
from vejapro.core.settings_helpers import is_production, jwt_secret

logger = logging.getLogger(__name__)

JWT_LEEWAY_SECONDS = 30


@dataclass(frozen=True)
class CurrentUser:
    id: str
    role: str
    email: str | None
    user: User | None = None

    is_authenticated = True
    is_anonymous = False

    @property
    def pk(self) -> str:
        return self.id


def unauthorized(detail: str) -> ApiError:
    return ApiError(401, detail, headers={"WWW-Authenticate": "Bearer"})


def bearer_token_from_header(header: str | None) -> str:
    """``Bearer <token>``: scheme case-insensitive, one space, token trimmed (api.md §2.1)."""
    if not header:
        raise unauthorized(MISSING_BEARER_TEXT)
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise unauthorized(MISSING_BEARER_TEXT)
    return token


def _verification_key(header: dict):
    algorithm = header.get("alg")
    if algorithm == "HS256":
        secret = jwt_secret()
        if not secret:
            raise unauthorized(INVALID_TOKEN_TEXT)
        return secret
    if algorithm == "ES256":
        if not settings.SUPABASE_URL:
            raise unauthorized(INVALID_TOKEN_TEXT)
        kid = header.get("kid")
        if not kid:
            raise unauthorized(INVALID_TOKEN_TEXT)
        try:
            jwk = jwks_cache.key_for(kid)
        except Exception:
            logger.warning("JWKS fetch failed", exc_info=True)
            raise unauthorized(INVALID_TOKEN_TEXT) from None
        if jwk is None:
            raise unauthorized(INVALID_TOKEN_TEXT)
        try:
            return jwt.PyJWK(jwk, algorithm="ES256").key
        except jwt.PyJWTError:
            raise unauthorized(INVALID_TOKEN_TEXT) from None
    raise unauthorized(INVALID_TOKEN_TEXT)


def decode_token(token: str) -> dict:
    """Verify signature, expiry and audience with exactly the algorithm the header names; no cross-fallback."""
    if is_production() and not (settings.SUPABASE_JWT_SECRET or settings.SUPABASE_URL):
        raise ApiError(500, "Nesukonfigūruotas SUPABASE_JWT_SECRET")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise unauthorized(INVALID_TOKEN_TEXT) from None
    key = _verification_key(header)
    audience = settings.SUPABASE_JWT_AUDIENCE
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[header["alg"]],
            audience=audience or None,
            leeway=JWT_LEEWAY_SECONDS,
            options={"require": ["exp", "sub"], "verify_aud": bool(audience)},
        )
    except jwt.PyJWTError:
        raise unauthorized(INVALID_TOKEN_TEXT) from None
    if not str(claims.get("sub") or "").strip():
        raise unauthorized(INVALID_TOKEN_TEXT)
    return claims


def role_from_claims(claims: dict) -> str:
    """Only ``app_metadata.role`` counts; ``user_metadata`` is editable by the user and ignored."""
    app_metadata = claims.get("app_metadata")
    role = app_metadata.get("role") if isinstance(app_metadata, dict) else None
    role = str(role).strip().upper() if isinstance(role, str) else ""
    if role not in Role.values:
        raise Forbidden(MISSING_ROLE_TEXT)
    return role
