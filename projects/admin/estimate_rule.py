"""«Kainų taisyklės» (ui.md §3.12): the estimate wizard's price rules."""

from django import forms
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from projects.admin.selectors import (
    estimate_rule_is_placeholder,
)
from projects.models import EstimateRule
from projects.services import ESTIMATE_RULE_FIELDS, estimate_rule_create, estimate_rule_update, estimate_rule_validate
from vejapro.core.actors import Actor
from vejapro.core.admin.base import VejaProModelAdmin
from vejapro.core.admin.display import format_money
from vejapro.core.admin.errors import message_error
from vejapro.core.http.errors import ApiError, RequestValidationError

site = admin.site


class EstimateRuleForm(forms.ModelForm):
    class Meta:
        model = EstimateRule
        fields = ["service", "method", "label", "price_per_m2", "minimum_price", "is_active"]
        labels = {
            "service": _("Service"),
            "method": _("Method"),
            "label": _("Title"),
            "price_per_m2": _("Price per m² (EUR)"),
            "minimum_price": _("Minimum price (EUR)"),
            "is_active": pgettext_lazy("price rule", "Active"),
        }

    def clean(self):
        data = super().clean()
        try:
            estimate_rule_validate(
                service=data.get("service"),
                method=data.get("method"),
                price_per_m2=data.get("price_per_m2"),
                minimum_price=data.get("minimum_price"),
            )
        except RequestValidationError as exc:
            for error in exc.detail:
                self.add_error(error["loc"][-1], error["msg"])
        return data


@admin.register(EstimateRule, site=site)
class EstimateRuleAdmin(VejaProModelAdmin):
    list_title = _("Price rules")
    add_label = _("New price rule")
    list_display = ["service_label", "method_label", "label", "price_money", "minimum_money", "active_column"]
    list_display_links = ["label"]
    list_filter = ["service", "is_active"]
    search_fields = ["label", "service", "method"]
    ordering = ["service", "method"]
    form = EstimateRuleForm
    fields = ["service", "method", "label", "price_per_m2", "minimum_price", "is_active"]

    def save_model(self, request, obj, form, change):
        actor = Actor.for_user(request.user, request)
        fields = {name: form.cleaned_data[name] for name in ESTIMATE_RULE_FIELDS}
        if change:
            estimate_rule_update(rule=obj.pk, actor=actor, changes=fields)
        else:
            # Django's add response links to ``obj``: give it the id of the row the service created.
            obj.pk = estimate_rule_create(actor=actor, **fields).pk

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApiError as exc:
            message_error(request, exc)
            return HttpResponseRedirect(request.path)

    @admin.display(description=_("Service"), ordering="service")
    def service_label(self, obj):
        return obj.get_service_display()

    @admin.display(description=_("Method"), ordering="method")
    def method_label(self, obj):
        return obj.get_method_display()

    @admin.display(description=_("Price per m² (EUR)"), ordering="price_per_m2")
    def price_money(self, obj):
        placeholder = estimate_rule_is_placeholder(obj)
        return format_html(
            '<span class="vp-money">{}</span>{}',
            format_money(obj.price_per_m2),
            format_html(' <span class="vp-pill vp-pill-yellow">{}</span>', gettext("Sample price"))
            if placeholder
            else "",
        )

    @admin.display(description=pgettext_lazy("price rule", "Active"), boolean=True, ordering="is_active")
    def active_column(self, obj):
        return obj.is_active

    @admin.display(description=_("Minimum price (EUR)"), ordering="minimum_price")
    def minimum_money(self, obj):
        return format_html('<span class="vp-money">{}</span>', format_money(obj.minimum_price))
