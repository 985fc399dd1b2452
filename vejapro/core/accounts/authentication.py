"""Bearer authentication of /api/v1 (api.md §2): the DRF authentication class, the user mirror of a verified token
(§2.3) and the role gate of every view."""

from django.conf import settings
from django.utils.module_loading import import_string
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from vejapro.core.accounts.services import user_sync_from_token
from vejapro.core.accounts.tokens import (
    CurrentUser,
    bearer_token_from_header,
    decode_token,
    role_from_claims,
    unauthorized,
)
from vejapro.core.actors import Actor
from vejapro.core.http.errors import INVALID_TOKEN_TEXT, MISSING_BEARER_TEXT, Forbidden


def resolve_bearer_token(token: str, *, request=None) -> CurrentUser:
    """Verify the token and mirror its user; the mirror's audit rows carry the request's client IP."""
    claims = decode_token(token)
    role = role_from_claims(claims)
    sub = str(claims["sub"]).strip()
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    user = user_sync_from_token(sub=sub, email=email, role=role, actor=Actor.system(request=request))
    if user is not None and not user.is_active:
        raise unauthorized(INVALID_TOKEN_TEXT)
    return CurrentUser(id=sub, role=role, email=email, user=user)


class SupabaseJWTAuthentication(BaseAuthentication):
    """No header → anonymous (the view's role gate answers 401); a header that is not a valid bearer → 401."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION")
        if not header:
            return None
        token = bearer_token_from_header(header)
        resolver = import_string(settings.AUTH_BEARER_RESOLVER)
        current = resolver(token, request=request)
        return current, token

    def authenticate_header(self, request) -> str:
        return "Bearer"


class QueryTokenJWTAuthentication(SupabaseJWTAuthentication):
    """EventSource cannot send headers: the SSE paths (api.md §14.8) also take the token as ``?token=`` when the
    request has no ``Authorization`` header. Only those views use this class."""

    def authenticate(self, request):
        if request.META.get("HTTP_AUTHORIZATION"):
            return super().authenticate(request)
        token = request.query_params.get("token")
        if not token:
            return None
        resolver = import_string(settings.AUTH_BEARER_RESOLVER)
        return resolver(token.strip(), request=request), token


class RoleGate(BasePermission):
    """401 without a caller, 403 ``Draudžiama`` when the role is not one of the view's ``allowed_roles``."""

    def has_permission(self, request, view) -> bool:
        allowed = getattr(view, "allowed_roles", None)
        if allowed is None:
            return True
        current = request.user
        if current is None or not getattr(current, "is_authenticated", False):
            raise unauthorized(MISSING_BEARER_TEXT)
        if current.role not in allowed:
            raise Forbidden()
        return True
