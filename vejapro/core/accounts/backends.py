"""Session sign-in for the Django admin and the portals (api.md §2.7, ui.md §3.1, §4.1).

* Local mode (no ``SUPABASE_URL``: development, tests, CI): every user signs in with the local password.
* Supabase configured: a local password is accepted only for break-glass superusers; everyone else signs in through
  Supabase (e-mail and password), whose JWT is verified like a bearer token and mirrored into ``users``.

Both hand a deactivated user with the right password to the sign-in form, which refuses it with its own message
(«Paskyra išjungta.») instead of "wrong password"; a deactivated user never gets or keeps a session (``get_user``).
"""

from django.contrib.auth.backends import ModelBackend

from vejapro.core.accounts.services import SignInFailed, user_sign_in_supabase
from vejapro.core.actors import Actor
from vejapro.core.models import User
from vejapro.core.settings_helpers import local_mode


def _normalised_email(username: str | None, kwargs: dict) -> str:
    if username is None:
        username = kwargs.get("email")
    return (username or "").strip().lower()


class LocalPasswordBackend(ModelBackend):
    """The hashed password of the local ``users`` row, limited to superusers once Supabase is configured."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = _normalised_email(username, kwargs)
        if not email or password is None:
            return None
        user = User.objects.filter(email=email).first()
        if user is None:
            User().set_password(password)  # the same work as a real check, so timing tells nothing
            return None
        if not user.check_password(password) or not (local_mode() or user.is_superuser):
            return None
        return user


class SupabasePasswordBackend(ModelBackend):
    """E-mail and password checked by Supabase Auth (never called in local mode)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = _normalised_email(username, kwargs)
        if local_mode() or not email or not password:
            return None
        try:
            return user_sign_in_supabase(email=email, password=password, actor=Actor.system(request=request))
        except SignInFailed:
            return None
