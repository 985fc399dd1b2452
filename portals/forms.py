"""Forms of the public pages and the portals: they validate and carry the Lithuanian messages of ui.md §4."""

from django import forms
from django.utils.translation import gettext_lazy as _

MIN_PASSWORD_LENGTH = 8


class LoginForm(forms.Form):
    email = forms.CharField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"placeholder": "jusu@email.lt", "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("email", "").strip() or not data.get("password"):
            raise forms.ValidationError(_("Enter your e-mail and password."), code="required")
        data["email"] = data["email"].strip().lower()
        return data


class RegisterForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Enter a valid e-mail address.")},
        widget=forms.EmailInput(attrs={"placeholder": "jusu@email.lt", "autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(
            attrs={"placeholder": _("At least 8 characters"), "autocomplete": "new-password", "minlength": "8"}
        ),
    )
    password_again = forms.CharField(
        label=_("Repeat the password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        email, password = data.get("email"), data.get("password") or ""
        if "email" in self.errors:
            return data
        if not email or not password:
            raise forms.ValidationError(_("Enter your e-mail and password."), code="required")
        if len(password) < MIN_PASSWORD_LENGTH:
            self.add_error("password", _("The password must be at least 8 characters long."))
        elif password != data.get("password_again"):
            self.add_error("password_again", _("The passwords do not match."))
        data["email"] = email.strip().lower()
        return data


class MarketingConsentForm(forms.Form):
    consent = forms.BooleanField(
        label=_("I agree that photos of my plot (without personal data) are shown in the VejaPRO gallery."),
        required=False,
    )
