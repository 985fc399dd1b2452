"""Sign-in form of the back office: only the ADMIN role (or a break-glass superuser) gets in (ui.md §3.1), within the
sign-in limits of security-ops.md §7 (``vejapro.core.accounts.signin``, shared with the portals' ``/login``)."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vejapro.core.accounts.access import is_back_office_user
from vejapro.core.accounts.signin import ThrottledSignInFormMixin


class VejaProAuthenticationForm(ThrottledSignInFormMixin, AdminAuthenticationForm):
    sign_in_surface = "admin"

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": _("Incorrect e-mail or password."),
        "inactive": _("The account is disabled."),
        "not_admin": _("Only the ADMIN role may sign in to the admin area."),
    }

    def confirm_login_allowed(self, user) -> None:
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        if not is_back_office_user(user):
            raise ValidationError(self.error_messages["not_admin"], code="not_admin")
