"""Input forms of the project screen's workflow panel (ui.md §3.3). They validate; services decide."""

import uuid
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.client_keys import client_editable_value
from projects.evidence.checklist import checklist_failed_items, checklist_items_for
from projects.models import EstimateMethod, EstimateService, EvidenceCategory, Project
from vejapro.core.models import Role, User

PAYMENT_METHOD_CHOICES = [
    ("BANK_TRANSFER", _("Bank transfer")),
    ("CASH", _("Cash")),
    ("CARD", _("Card")),
    ("OTHER", _("Other")),
]
DECIMAL_INPUT = {"inputmode": "decimal"}


def new_payment_key() -> str:
    return f"MANUAL-{uuid.uuid4()}"


class ProjectChangeForm(forms.ModelForm):
    """The editable fields of the project screen; saved through ``project_update`` (never ``status``)."""

    client_name = forms.CharField(label=_("Client name"), max_length=128, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False, widget=forms.EmailInput)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False, widget=forms.TextInput({"type": "tel"}))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    whatsapp_consent = forms.BooleanField(label=_("WhatsApp consent"), required=False)
    title = forms.CharField(label=_("Title"), max_length=128, required=False)

    class Meta:
        model = Project
        fields = ["area_m2", "total_price_client", "internal_cost", "has_robot"]
        labels = {
            "area_m2": _("Area (m²)"),
            "total_price_client": _("Price for the client (EUR)"),
            "internal_cost": _("Cost (EUR)"),
            "has_robot": _("With a robot mower"),
        }
        widgets = {
            "area_m2": forms.NumberInput(DECIMAL_INPUT),
            "total_price_client": forms.NumberInput(DECIMAL_INPUT),
            "internal_cost": forms.NumberInput(DECIMAL_INPUT),
        }

    CLIENT_FIELDS = {"client_name": "name", "email": "email", "phone": "phone", "address": "address"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        info = self.instance.client_info
        for field, key in self.CLIENT_FIELDS.items():
            self.initial.setdefault(field, client_editable_value(info, key) or "")
        self.initial.setdefault("whatsapp_consent", client_editable_value(info, "whatsapp_consent"))
        self.initial.setdefault("title", client_editable_value(info, "title") or "")
        for name in ("area_m2", "total_price_client", "internal_cost"):
            self.fields[name].validators.append(MinValueValidator(Decimal("0")))

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {key: data[field] for field, key in self.CLIENT_FIELDS.items()}
        changes["whatsapp_consent"] = data["whatsapp_consent"]
        changes["title"] = data["title"]
        for name in ("area_m2", "total_price_client", "internal_cost", "has_robot"):
            changes[name] = data[name]
        return changes


class ProjectCreateForm(forms.Form):
    """«Naujas projektas» (rarely used)."""

    name = forms.CharField(label=_("Client name"), max_length=128)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False, widget=forms.TextInput({"type": "tel"}))
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    client_id = forms.CharField(label=_("Client ID (optional)"), max_length=128, required=False)
    area_m2 = forms.DecimalField(
        label=_("Area (m²)"), required=False, min_value=0, decimal_places=2, widget=forms.NumberInput(DECIMAL_INPUT)
    )
    has_robot = forms.BooleanField(label=_("With a robot mower"), required=False)

    def client_info(self) -> dict:
        data = self.cleaned_data
        info = {key: (data[key] or "").strip() for key in ("name", "email", "phone", "address", "client_id")}
        return {key: value for key, value in info.items() if value}


class FinalQuoteForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), choices=[("", "—"), *EstimateService.choices], required=False)
    method = forms.ChoiceField(label=_("Method"), choices=[("", "—"), *EstimateMethod.choices], required=False)
    area_m2 = forms.DecimalField(
        label=_("Actual area (m²)"), required=False, decimal_places=2, widget=forms.NumberInput(DECIMAL_INPUT)
    )
    total_price = forms.DecimalField(
        label=_("Final price (EUR)"), required=False, decimal_places=2, widget=forms.NumberInput(DECIMAL_INPUT)
    )
    notes = forms.CharField(
        label=_("Notes (optional)"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if not data.get("service") or not data.get("method"):
            raise forms.ValidationError(_("Choose the service and the method."))
        if data.get("area_m2") is None or data["area_m2"] <= 0:
            self.add_error("area_m2", _("Enter the area (> 0)."))
        if data.get("total_price") is None or data["total_price"] <= 0:
            self.add_error("total_price", _("Enter the final price (> 0)."))
        return data


class ManualPaymentForm(forms.Form):
    """«Pradinis mokėjimas (DEPOSIT)» and «Galutinis mokėjimas (FINAL)»."""

    amount = forms.DecimalField(
        label=_("Amount"), required=False, decimal_places=2, widget=forms.NumberInput(DECIMAL_INPUT)
    )
    payment_method = forms.ChoiceField(label=pgettext_lazy("payment", "Method"), choices=PAYMENT_METHOD_CHOICES)
    currency = forms.CharField(label=_("Currency"), initial="EUR", required=False, max_length=10)
    provider_event_id = forms.CharField(
        label=_("Reference / ID"), max_length=128, error_messages={"required": _("An idempotency ID is required.")}
    )
    receipt_no = forms.CharField(label=_("Receipt no. (optional)"), required=False, max_length=64)
    received_at = forms.DateTimeField(
        label=_("Date received"),
        required=False,
        widget=forms.DateTimeInput({"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    notes = forms.CharField(
        label=_("Notes (optional)"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("provider_event_id", new_payment_key())
            self.initial.setdefault("received_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean_provider_event_id(self):
        value = (self.cleaned_data.get("provider_event_id") or "").strip()
        if not value:
            raise forms.ValidationError(_("An idempotency ID is required."))
        return value

    def clean_amount(self):
        value = self.cleaned_data.get("amount")
        if value is None or value <= 0:
            raise forms.ValidationError(_("Enter the amount (> 0)."))
        return value

    def clean_currency(self):
        value = (self.cleaned_data.get("currency") or "EUR").strip().upper()
        if len(value) != 3 or not value.isalpha():
            raise forms.ValidationError(_("The currency must have 3 letters."))
        return value


class WaiveDepositForm(forms.Form):
    provider_event_id = forms.CharField(required=False, max_length=128)
    notes = forms.CharField(required=False, max_length=2000)

    def clean_provider_event_id(self):
        value = (self.cleaned_data.get("provider_event_id") or "").strip()
        if not value:
            raise forms.ValidationError(_("An idempotency ID is required."))
        return value


class AssignForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Contractor"), queryset=User.objects.none(), empty_label="—")

    def __init__(self, *args, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(role=role, is_active=True).order_by("full_name", "email")
        self.fields["user"].label_from_instance = lambda user: (
            f"{user.full_name} ({user.email})" if user.full_name else user.email
        )
        if role == Role.EXPERT:
            self.fields["user"].label = _("Expert")


class VisitForm(forms.Form):
    """«Pažymėti suplanuotu» asks when the first visit is (Europe/Vilnius time)."""

    starts_at = forms.DateTimeField(label=_("Visit start"))
    ends_at = forms.DateTimeField(label=_("Visit end"))

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise forms.ValidationError(_("The end must be after the start."))
        return data


class ReasonForm(forms.Form):
    """A required reason: activation override, payment void, rejection, photo deletion."""

    reason = forms.CharField(
        label=_("Reason (required)"), required=False, max_length=1000, widget=forms.Textarea({"rows": 2})
    )

    def clean_reason(self):
        value = (self.cleaned_data.get("reason") or "").strip()
        if not value:
            raise forms.ValidationError(_("Enter the reason."))
        return value


class CertificationForm(forms.Form):
    """The checklist of workflow.md §9.1 (robot items only with a robot) and the notes."""

    notes = forms.CharField(label=_("Notes"), required=False, max_length=1000, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, has_robot: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_robot = has_robot
        self.items = [item.key for item in checklist_items_for(has_robot=has_robot)]
        for item in checklist_items_for(has_robot=has_robot):
            self.fields[f"check_{item.key}"] = forms.BooleanField(
                label=item.label, help_text=item.guidance, required=False
            )
        self.order_fields([f"check_{key}" for key in self.items] + ["notes"])

    def checklist(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(f"check_{key}")) for key in self.items}

    def failed_items(self) -> list[str]:
        return checklist_failed_items(has_robot=self.has_robot, checklist=self.checklist())


class EvidenceUploadForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=EvidenceCategory.choices)
    file = forms.FileField(label=_("File"), widget=forms.ClearableFileInput({"accept": "image/*"}))


class PublishPhotoForm(forms.Form):
    location_tag = forms.CharField(label=_("Region"), required=False, max_length=128)
    is_featured = forms.BooleanField(label=_("Featured"), required=False)


class StripeLinkForm(forms.Form):
    payment_type = forms.ChoiceField(
        label=_("Type"), choices=[("DEPOSIT", _("Deposit")), ("FINAL", _("Final payment (FINAL)"))]
    )
    amount = forms.DecimalField(
        label=_("Amount"), min_value=Decimal("0.01"), decimal_places=2, widget=forms.NumberInput(DECIMAL_INPUT)
    )


class MarketingConsentForm(forms.Form):
    marketing_consent = forms.BooleanField(label=_("Marketing consent"), required=False)
