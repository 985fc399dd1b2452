"""Password sign-in throttling and its audit trail, for every sign-in form: the back office's ``/admin/login/`` now,
the portals' ``/login`` when it is built (security-ops.md §7, ui.md §4.1).

Every attempt that carries an e-mail counts against two fixed 60-second windows: ``login:ip`` (10 per client IP) and
``login:email`` (5 per lower-cased address). Over either limit the attempt is refused before any password is checked
— the right password is refused too until the window ends — with «Per daug bandymų. Pabandykite po minutės.» and
an audit ``RATE_LIMIT_BLOCKED``. A refused password (or a refused account) is audited ``LOGIN_FAILED``. Neither row
carries the password or the address.

A form uses it through ``ThrottledSignInFormMixin`` (placed before Django's ``AuthenticationForm`` in the bases)::

    class PortalLoginForm(ThrottledSignInFormMixin, AuthenticationForm):
        sign_in_surface = "portal"
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record_standalone
from vejapro.core.http.ratelimit import WINDOW_SECONDS, rate_limit_blocked_record, rate_limited
from vejapro.core.models import NIL_UUID, AuditEntityType, User

LOGIN_IP_RULE = "login:ip"
LOGIN_EMAIL_RULE = "login:email"
LOGIN_IP_LIMIT = 10
LOGIN_EMAIL_LIMIT = 5
THROTTLED_TEXT = _("Too many attempts. Try again in a minute.")


def sign_in_email(value) -> str:
    """The address as the sign-in backends compare it."""
    return (value or "").strip().lower() if isinstance(value, str) else ""


def sign_in_throttled(request, *, email: str) -> bool:
    """Count one sign-in attempt per IP and per e-mail; True (and audited) when either is over its limit."""
    blocked_rule, limit = None, 0
    if rate_limited(request, group=LOGIN_IP_RULE, limit=LOGIN_IP_LIMIT):
        blocked_rule, limit = LOGIN_IP_RULE, LOGIN_IP_LIMIT
    if email and rate_limited(
        request, group=LOGIN_EMAIL_RULE, key=f"{LOGIN_EMAIL_RULE}:{email}", limit=LOGIN_EMAIL_LIMIT
    ):
        blocked_rule, limit = blocked_rule or LOGIN_EMAIL_RULE, limit or LOGIN_EMAIL_LIMIT
    if blocked_rule is None:
        return False
    rate_limit_blocked_record(request, key=blocked_rule, limit=limit, window_seconds=WINDOW_SECONDS)
    return True


def sign_in_failure_record(request, *, email: str, surface: str, reason: str) -> None:
    """Audit ``LOGIN_FAILED`` with the SYSTEM actor (client IP, user agent): on the user whose e-mail was tried when
    there is one (so the user's history shows it), else on the system entity; metadata: the form that refused it and
    why (``invalid_login``, ``inactive``, ``not_admin``, ...). Never the password, and no address (audit rows redact
    e-mail fields)."""
    user_id = User.objects.filter(email=email).values_list("pk", flat=True).first() if email else None
    audit_record_standalone(
        entity_type=AuditEntityType.USER if user_id else AuditEntityType.SYSTEM,
        entity_id=user_id or NIL_UUID,
        action=AuditAction.LOGIN_FAILED,
        actor=Actor.system(request=request),
        metadata={"surface": surface, "reason": reason},
    )


class ThrottledSignInFormMixin:
    """For a subclass of Django's ``AuthenticationForm``: the limits run before the password is checked, failures and
    blocks are audited."""

    sign_in_surface = "admin"

    def clean(self):
        email = sign_in_email(self.cleaned_data.get("username"))
        password = self.cleaned_data.get("password")
        if not email or not password:
            return super().clean()  # the form's own "required" errors; nothing was tried
        if sign_in_throttled(self.request, email=email):
            raise ValidationError(THROTTLED_TEXT, code="throttled")
        try:
            return super().clean()
        except ValidationError as error:
            items = getattr(error, "error_list", [error])
            reason = ",".join(sorted({item.code or "invalid" for item in items})) or "invalid"
            sign_in_failure_record(self.request, email=email, surface=self.sign_in_surface, reason=reason)
            raise
