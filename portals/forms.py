"""Forms of the public pages and the portals: they validate and carry the Lithuanian messages of ui.md §4."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from payments.models import PaymentMethod, PaymentType
from projects.models import EvidenceCategory

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


ADDON_CHOICES = [
    ("mole_net", _("Mole netting (+1.50 €/m²)")),
    ("fertilising", _("Fertilising")),
    ("robot", _("Robot mower installation")),
    ("lighting", _("Lighting")),
]
OTHER_SLOT = "other"
WIZARD_STEPS = 4
STEP_FIELDS = {1: ("service", "method"), 2: ("area_m2", "address", "distance_km"), 3: ("phone", "notes")}


class EstimateForm(forms.Form):
    """The four steps of the estimate wizard in one form: each step validates its own fields and carries the
    earlier ones as hidden inputs, so the wizard works without JavaScript (ui.md §4.4)."""

    step = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=WIZARD_STEPS)
    rules_version = forms.CharField(widget=forms.HiddenInput, required=False)
    service = forms.ChoiceField(label=_("Service"), required=False, widget=forms.RadioSelect)
    method = forms.ChoiceField(label=_("Method:"), required=False, widget=forms.RadioSelect)
    area_m2 = forms.DecimalField(
        label=_("Plot area (m²)"),
        required=False,
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    address = forms.CharField(label=_("Site address"), required=False, max_length=300)
    distance_km = forms.DecimalField(
        label=_("Distance from the base (Krūminiai, Varėna district), km one way"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=32, widget=forms.TextInput(attrs={"type": "tel"})
    )
    notes = forms.CharField(label=_("Notes (optional)"), required=False, max_length=2000, widget=forms.Textarea)
    addons = forms.MultipleChoiceField(
        label=_("Additional services"), required=False, choices=ADDON_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    preferred_slot = forms.ChoiceField(
        label=_("First visit time"),
        required=False,
        choices=[(OTHER_SLOT, _("Another time (we will agree)"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        services = {rule.service: rule.get_service_display() for rule in rules}
        self.fields["service"].choices = list(services.items())
        self.fields["method"].choices = [(rule.method, rule.label) for rule in rules]

    def clean(self):
        data = super().clean()
        if self.data.get("action") == "back":
            return data
        step = data.get("step") or 1
        for number, check in ((1, self._clean_step_one), (2, self._clean_step_two), (3, self._clean_step_three)):
            if number <= step:
                check(data)
        return data

    def first_step_with_errors(self) -> int | None:
        return next((n for n, names in STEP_FIELDS.items() if any(name in self.errors for name in names)), None)

    def _clean_step_one(self, data) -> None:
        if not data.get("service"):
            self.add_error("service", _("Choose a service."))
        elif not any(r.service == data["service"] and r.method == data.get("method") for r in self.rules):
            self.add_error("method", _("Choose a method."))

    def _clean_step_two(self, data) -> None:
        area = data.get("area_m2")
        if area is None or not 1 <= area <= 100_000:
            self.add_error("area_m2", _("Enter a valid area (1-100000 m2)."))
        if not (data.get("address") or "").strip():
            self.add_error("address", _("Enter the site address."))
        if data.get("distance_km") is None:
            data["distance_km"] = 0

    def _clean_step_three(self, data) -> None:
        if not (data.get("phone") or "").strip():
            self.add_error("phone", _("Enter a phone number."))


class _MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class _MultipleFileField(forms.FileField):
    """Several photos in one field (Django's documented pattern for ``multiple``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class PhotoUploadForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    files = _MultipleFileField(label=_("Files"))
    client_upload_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(EvidenceCategory.choices)
        self.fields["category"].choices = [(category, labels[category]) for category in categories]
        if len(categories) == 1:
            self.fields["category"].initial = categories[0]
            self.fields["category"].widget = forms.HiddenInput()


class CertificationForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"placeholder": _("Enter notes...")}),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.key}"] = forms.BooleanField(
                label=item.label, help_text=item.guidance, required=False
            )

    def checklist(self) -> dict[str, bool]:
        data = getattr(self, "cleaned_data", {})
        return {item.key: bool(data.get(f"item_{item.key}")) for item in self.items}

    def item_fields(self):
        return [self[f"item_{item.key}"] for item in self.items]


class GalleryPhotoForm(forms.Form):
    show_on_web = forms.BooleanField(label=_("Show in the gallery"), required=False)
    is_featured = forms.BooleanField(label=_("Featured"), required=False)
    location_tag = forms.CharField(
        label=_("Locality"),
        required=False,
        max_length=128,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Vilnius district")}),
    )

    @staticmethod
    def initial_for(photo) -> dict:
        return {
            "show_on_web": photo.show_on_web,
            "is_featured": photo.is_featured,
            "location_tag": photo.location_tag or "",
        }


class DraftEditForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone"), max_length=32, widget=forms.TextInput(attrs={"type": "tel"}), required=False
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    area_m2 = forms.DecimalField(
        label=_("Area (m²)"),
        required=False,
        max_digits=10,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea)

    def clean(self):
        data = super().clean()
        if not (data.get("phone") or "").strip():
            self.add_error("phone", _("Enter a phone number."))
        if not (data.get("address") or "").strip():
            self.add_error("address", _("Enter the site address."))
        area = data.get("area_m2")
        if area is None or not 1 <= area <= 100_000:
            self.add_error("area_m2", _("Enter a valid area (1-100000 m2)."))
        return data


class PortalPaymentForm(forms.Form):
    """«Įrašyti gautą mokėjimą» of the contractor and expert portals; ``key`` makes a resent form a replay."""

    payment_type = forms.ChoiceField(label=_("Type"))
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"required": _("Enter the amount."), "invalid": _("Enter the amount.")},
    )
    payment_method = forms.ChoiceField(
        label=pgettext_lazy("payment", "Method"),
        choices=[
            (PaymentMethod.CASH, PaymentMethod.CASH.label),
            (PaymentMethod.BANK_TRANSFER, PaymentMethod.BANK_TRANSFER.label),
            (PaymentMethod.CARD, PaymentMethod.CARD.label),
            (PaymentMethod.OTHER, PaymentMethod.OTHER.label),
        ],
    )
    receipt_no = forms.CharField(label=_("Receipt no. (optional)"), required=False, max_length=64)
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, payment_types, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            PaymentType.DEPOSIT: pgettext_lazy("client payment", "Deposit"),
            PaymentType.FINAL: pgettext_lazy("client payment", "Balance"),
        }
        self.fields["payment_type"].choices = [(kind, labels[kind]) for kind in payment_types]
