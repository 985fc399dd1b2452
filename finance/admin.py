"""«Maržos»: versioned margin rules (ui.md §3.10). New versions go through ``margin_create``; nothing is edited or
deleted."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from finance import selectors
from finance.models import Margin
from finance.services import margin_create
from vejapro.core.admin.base import FactAdmin, ServiceSavedModelAdmin
from vejapro.core.admin.display import EMPTY, format_local

site = admin.site


class MarginCreateForm(forms.Form):
    service_type = forms.CharField(
        label=_("Service type"),
        max_length=64,
        widget=forms.TextInput({"placeholder": _("e.g. Lawn installation"), "data-margin-preview": "service"}),
    )
    margin_percent = forms.DecimalField(
        label=_("Margin %"),
        min_value=0,
        max_value=999.99,
        decimal_places=2,
        widget=forms.NumberInput({"inputmode": "decimal", "step": "0.01", "data-margin-preview": "percent"}),
    )


class MarginStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "busena"

    def lookups(self, request, model_admin):
        return [("aktyvi", pgettext_lazy("margin", "Active")), ("istorine", pgettext_lazy("margin", "Historic"))]

    def queryset(self, request, queryset):
        if self.value() == "aktyvi":
            return queryset.filter(valid_until__isnull=True)
        if self.value() == "istorine":
            return queryset.filter(valid_until__isnull=False)
        return queryset


@admin.register(Margin, site=site)
class MarginAdmin(ServiceSavedModelAdmin, FactAdmin):
    list_title = _("Margin rules")
    add_label = _("New margin rule")
    add_form = MarginCreateForm
    created_message = _("A new margin rule has been created.")
    list_display = [
        "service_type",
        "percent_column",
        "from_local",
        "until_local",
        "created_by",
        "created_local",
        "state",
    ]
    list_display_links = None
    list_filter = [MarginStateFilter]
    search_fields = ["service_type"]
    ordering = ["-created_at", "-id"]
    list_select_related = ["created_by"]
    change_list_template = "admin/finance/margin/change_list.html"
    fields = ["service_type", "margin_percent", "valid_from", "valid_until", "created_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        # Adding creates a new version through the service; editing and deleting stay impossible.
        return self._admin(request)

    @admin.display(description=_("Margin %"), ordering="margin_percent")
    def percent_column(self, obj):
        return f"{obj.margin_percent:.2f}".replace(".", ",")

    @admin.display(description=_("Valid from"), ordering="valid_from")
    def from_local(self, obj):
        return format_local(obj.valid_from)

    @admin.display(description=_("Valid until"), ordering="valid_until")
    def until_local(self, obj):
        return format_local(obj.valid_until) if obj.valid_until else EMPTY

    @admin.display(description=_("Created"), ordering="created_at")
    def created_local(self, obj):
        return format_local(obj.created_at)

    @admin.display(description=_("State"))
    def state(self, obj):
        return pgettext("margin", "Active") if obj.is_active else pgettext("margin", "Historic")

    def changelist_view(self, request, extra_context=None):
        context = {"recent_changes": selectors.margin_recent_changes_count()}
        return super().changelist_view(request, {**context, **(extra_context or {})})

    def create_through_service(self, request, form, actor):
        return margin_create(
            service_type=form.cleaned_data["service_type"],
            margin_percent=form.cleaned_data["margin_percent"],
            actor=actor,
        )

    def created_url(self, obj) -> str:
        # Back to the list, where the new version shows next to the one it closed.
        return reverse("admin:finance_margin_changelist")

    def add_view(self, request, form_url="", extra_context=None):
        preview = gettext("Preview: a new rule “%(service)s” with a margin of %(percent)s%%")
        return super().add_view(request, form_url, {"preview_template": preview, **(extra_context or {})})
