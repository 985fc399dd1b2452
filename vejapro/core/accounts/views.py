"""Account endpoints: who am I, session refresh, and the minted admin and staff tokens (api.md §5)."""

import hmac
import json

from django.conf import settings
from rest_framework.response import Response

from vejapro.core.accounts.selectors import user_get
from vejapro.core.accounts.services import session_refresh, token_mint, user_token_issue
from vejapro.core.http.api import ApiView
from vejapro.core.http.errors import ApiError, NotFound
from vejapro.core.models import Role
from vejapro.core.settings_helpers import is_production


class AuthMeView(ApiView):
    allowed_roles = set(Role.values)

    def get(self, request):
        current = request.user
        return Response({"user_id": current.id, "role": current.role, "email": current.email})


class AdminDevTokenView(ApiView):
    """Development admin token (api.md §5.1): off in production whatever the flag says."""

    authentication_classes: list = []

    def initial(self, request, *args, **kwargs):
        expected = settings.ADMIN_TOKEN_ENDPOINT_SECRET
        given = request.headers.get("X-Admin-Token-Secret", "")
        enabled = settings.ADMIN_TOKEN_ENDPOINT_ENABLED and expected and not is_production()
        if not enabled or not hmac.compare_digest(given.encode(), expected.encode()):
            raise NotFound()
        super().initial(request, *args, **kwargs)

    def get(self, request):
        ttl = settings.ADMIN_TOKEN_TTL_HOURS if settings.ADMIN_TOKEN_TTL_HOURS > 0 else 1
        minted = token_mint(
            sub=settings.ADMIN_TOKEN_SUB, email=settings.ADMIN_TOKEN_EMAIL, role=Role.ADMIN, ttl_hours=ttl
        )
        return Response({"token": minted.token, "expires_at": minted.expires_at})


class StaffTokenView(ApiView):
    """Contractor and expert tokens minted by the admin (api.md §5.6)."""

    allowed_roles = {Role.ADMIN}
    target_role: str = ""

    def get(self, request, user_id: str):
        user = user_get(user_id=user_id)
        if user is None:
            raise ApiError(404, "Vartotojas nerastas")
        minted = user_token_issue(user=user, role=self.target_role, actor=self.actor())
        return Response(
            {
                "token": minted.token,
                "expires_at": minted.expires_at,
                "user_id": str(user.pk),
                "portal_url": minted.portal_url,
            }
        )


class SessionRefreshView(ApiView):
    """Supabase session refresh proxy (api.md §5.2); 404 in local mode."""

    authentication_classes: list = []

    def initial(self, request, *args, **kwargs):
        if not (settings.SUPABASE_URL and settings.SUPABASE_KEY):
            raise NotFound()
        super().initial(request, *args, **kwargs)

    def post(self, request):
        try:
            body = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError, RecursionError):
            body = None
        if not isinstance(body, dict):
            raise ApiError(400, "Neteisingas JSON body")
        refresh_token = body.get("refresh_token")
        refresh_token = refresh_token.strip() if isinstance(refresh_token, str) else ""
        if not refresh_token:
            raise ApiError(400, "refresh_token privalomas")
        session = session_refresh(refresh_token=refresh_token)
        return Response(
            {
                "access_token": session.access_token,
                "refresh_token": session.refresh_token,
                "expires_at": session.expires_at,
            }
        )
