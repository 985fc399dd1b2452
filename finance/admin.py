"""The finance back office (ui.md §3.10, §3.11): «Maržos» (versioned margin rules through ``margin_create``),
«Knygos įrašai» (the ledger: list, add and reverse through the services, never edit or delete), the «Finansai»
summary screen and its session-authenticated metrics stream."""

import uuid
from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from finance import selectors
from finance.models import LedgerCategory, LedgerEntry, LedgerEntryType, LedgerPaymentMethod, Margin
from finance.services import ledger_entry_create, ledger_entry_reverse, margin_create
from finance.sse import metrics_stream_response
from vejapro.core.actors import Actor
from vejapro.core.admin.base import FactAdmin, ServiceSavedModelAdmin, VejaProModelAdmin
from vejapro.core.admin.display import EMPTY, format_local, format_money, pill
from vejapro.core.admin.errors import error_text, message_error
from vejapro.core.http.errors import ApiError
from vejapro.core.settings_helpers import flag

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


# --- «Knygos įrašai»: the cost ledger (ui.md §3.11) ---

LEDGER_FLAG = "ENABLE_FINANCE_LEDGER"
METRICS_FLAG = "ENABLE_FINANCE_METRICS"


class LedgerEntryForm(forms.Form):
    entry_key = forms.UUIDField(widget=forms.HiddenInput)
    entry_type = forms.ChoiceField(
        label=_("Type"),
        choices=[(LedgerEntryType.EXPENSE.value, _("Expenses")), (LedgerEntryType.TAX.value, _("Taxes"))],
    )
    category = forms.ChoiceField(label=_("Category"), choices=LedgerCategory.choices)
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=0.01,
        max_value=1000000,
        decimal_places=2,
        widget=forms.NumberInput({"inputmode": "decimal", "step": "0.01"}),
    )
    currency = forms.RegexField(label=_("Currency"), regex=r"^[A-Za-z]{3}$", initial="EUR", max_length=3)
    payment_method = forms.ChoiceField(
        label=pgettext_lazy("payment", "Method"), choices=[("", EMPTY), *LedgerPaymentMethod.choices], required=False
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        widget=forms.TextInput({"placeholder": _("e.g. Fuel VW")}),
    )
    project = forms.UUIDField(
        label=_("Project (optional)"),
        required=False,
        help_text=_("The project id, as shown on the project screen."),
    )
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"))


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=512)


class LedgerProjectFilter(admin.SimpleListFilter):
    """Overhead costs, or one project's costs (``?projektas=<id>``, the link of the project screen)."""

    title = _("project")
    parameter_name = "projektas"

    def lookups(self, request, model_admin):
        return [("be-projekto", _("Overhead (no project)"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "be-projekto":
            return queryset.filter(project__isnull=True)
        if value:
            try:
                return queryset.filter(project_id=uuid.UUID(value))
            except ValueError:
                return queryset.none()
        return queryset


@admin.register(LedgerEntry, site=site)
class LedgerEntryAdmin(VejaProModelAdmin):
    list_title = _("Ledger entries")
    add_label = _("New ledger entry")
    list_display = [
        "type_column",
        "category",
        "amount_money",
        "description_column",
        "project_column",
        "date_column",
        "recorded_by",
        "actions_column",
    ]
    list_display_links = None
    list_filter = ["entry_type", "category", LedgerProjectFilter]
    date_hierarchy = "created_at"
    search_fields = ["description"]
    ordering = ["-created_at", "-id"]
    list_select_related = ["project", "recorded_by"]
    change_list_template = "admin/finance/ledgerentry/change_list.html"
    fields = [
        "entry_type",
        "category",
        "amount",
        "currency",
        "payment_method",
        "description",
        "project",
        "reverses_entry",
        "recorded_by",
        "occurred_at",
        "created_at",
    ]
    readonly_fields = fields

    def _ledger_on(self, request) -> bool:
        return self._admin(request) and flag(LEDGER_FLAG)

    def has_module_permission(self, request) -> bool:
        return self._ledger_on(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._ledger_on(request)

    def has_add_permission(self, request) -> bool:
        # Adding goes through ledger_entry_create; editing and deleting stay impossible (append-only).
        return self._ledger_on(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return selectors.ledger_admin_queryset()

    @admin.display(description=_("Type"), ordering="entry_type")
    def type_column(self, obj):
        label = obj.get_entry_type_display()
        if obj.reverses_entry_id:
            return format_html("{} {}", label, pill(pgettext("ledger badge", "Corr."), "grey"))
        if obj.reversed_by_entry_id:
            return format_html("{} {}", label, pill(pgettext("ledger badge", "Corrected"), "yellow"))
        return label

    @admin.display(description=_("Amount"), ordering="amount")
    def amount_money(self, obj):
        sign = "-" if obj.reverses_entry_id else ""
        return format_html('<span class="vp-money">{}{}</span>', sign, format_money(obj.amount, obj.currency))

    @admin.display(description=_("Description"))
    def description_column(self, obj):
        return obj.description or EMPTY

    @admin.display(description=_("Project"))
    def project_column(self, obj):
        if obj.project_id is None:
            return EMPTY
        url = reverse("admin:projects_project_change", args=[obj.project_id])
        return format_html('<a href="{}">{}…</a>', url, str(obj.project_id)[:8])

    @admin.display(description=_("Date"), ordering="occurred_at")
    def date_column(self, obj):
        return format_local(obj.occurred_at or obj.created_at)

    @admin.display(description="")
    def actions_column(self, obj):
        if obj.reverses_entry_id or obj.reversed_by_entry_id:
            return ""
        url = reverse("admin:finance_ledgerentry_reverse", args=[obj.pk])
        return format_html('<a class="vp-button vp-button-small" href="{}">{}</a>', url, pgettext("ledger", "Correct"))

    def get_urls(self):
        reverse_view = self.admin_site.admin_view(self.reverse_view)
        return [
            path("<uuid:entry_id>/koreguoti/", reverse_view, name="finance_ledgerentry_reverse"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {
            "entry_key": uuid.uuid4(),
            "currency": "EUR",
            "occurred_on": timezone.localdate(),
            "project": request.GET.get("projektas") or None,
        }
        form = LedgerEntryForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                result = ledger_entry_create(
                    actor=Actor.for_user(request.user, request),
                    project_id=data["project"],
                    entry_type=data["entry_type"],
                    category=data["category"],
                    amount=data["amount"],
                    currency=data["currency"],
                    payment_method=data["payment_method"] or None,
                    description=data["description"],
                    occurred_at=selectors.vilnius_midnight(data["occurred_on"]),
                    entry_id=data["entry_key"],
                )
            except ApiError as exc:
                message_error(request, exc)
            else:
                text = gettext("This entry was already added.") if result.replayed else gettext("Entry added.")
                messages.success(request, text)
                return HttpResponseRedirect(reverse("admin:finance_ledgerentry_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": self.add_label,
            "form": form,
            "opts": self.model._meta,
            "submit_label": _("Add"),
        }
        return TemplateResponse(request, "admin/vejapro/simple_form.html", context)

    def reverse_view(self, request, entry_id):
        """«Koreguoti»: the reason, then ledger_entry_reverse (the only correction)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        entry = selectors.ledger_admin_queryset().filter(pk=entry_id).first()
        if entry is None:
            raise Http404
        form = ReverseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                ledger_entry_reverse(
                    actor=Actor.for_user(request.user, request), entry_id=entry.pk, reason=form.cleaned_data["reason"]
                )
            except ApiError as exc:
                message_error(request, exc)
            else:
                messages.success(request, gettext("Entry corrected."))
            return HttpResponseRedirect(reverse("admin:finance_ledgerentry_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": pgettext("ledger", "Correct"),
            "subtitle": f"{entry.get_entry_type_display()} {format_money(entry.amount, entry.currency)}",
            "form": form,
            "opts": self.model._meta,
            "submit_label": pgettext("ledger", "Correct"),
        }
        return TemplateResponse(request, "admin/vejapro/simple_form.html", context)


# --- «Finansai» summary screen and the metrics stream (ui.md §3.11, finance.md §8) ---


class PeriodForm(forms.Form):
    laikotarpis = forms.CharField(required=False)
    nuo = forms.DateField(label=_("From"), required=False, widget=forms.DateInput({"type": "date"}))
    iki = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))


PERIOD_CHOICES = [
    (selectors.PERIOD_THIS_MONTH, pgettext_lazy("finance period", "This month")),
    (selectors.PERIOD_LAST_MONTH, pgettext_lazy("finance period", "Last month")),
    (selectors.PERIOD_THIS_YEAR, pgettext_lazy("finance period", "This year")),
    (selectors.PERIOD_CUSTOM, _("Choose…")),
]


def _recommendation(waiting: int, manual: int) -> str:
    """«Rekomenduojama: N laukiantys mokėjimai, M rankiniai per 7d.», each part only when non-zero."""
    parts = []
    if waiting:
        parts.append(ngettext("%(count)d waiting payment", "%(count)d waiting payments", waiting) % {"count": waiting})
    if manual:
        parts.append(ngettext("%(count)d manual in 7d", "%(count)d manual in 7d", manual) % {"count": manual})
    return gettext("Recommended: %(parts)s.") % {"parts": ", ".join(parts)} if parts else ""


def finance_summary_view(request):
    """«Suvestinė» at /admin/finansai/ (with ENABLE_FINANCE_LEDGER)."""
    if not flag(LEDGER_FLAG):
        raise Http404
    period_form = PeriodForm(request.GET or None)
    data = period_form.cleaned_data if period_form.is_valid() else {}
    preset, start, end = selectors.finance_period_bounds(
        preset=data.get("laikotarpis"), start=data.get("nuo"), end=data.get("iki")
    )
    screen = selectors.finance_summary_screen(start=start, end=end)
    eur = screen.period.summary.eur
    project_urls = {
        item["project_id"]: reverse("admin:projects_project_change", args=[item["project_id"]])
        for item in screen.triage
    }
    # ``end`` is exclusive: people read the last day of the period.
    last_day = timezone.localtime(end) - timedelta(days=1)
    context = {
        **site.each_context(request),
        "title": gettext("Finance"),
        "screen": screen,
        "preset": preset,
        "period_choices": PERIOD_CHOICES,
        "period_form": period_form,
        "period_label": f"{timezone.localtime(start):%Y-%m-%d} \u2013 {last_day:%Y-%m-%d}",
        "cards": [
            ("income", gettext("Income"), format_money(eur.total_income)),
            ("expenses", gettext("Expenses"), format_money(eur.total_expenses)),
            ("net", gettext("Net expenses"), format_money(eur.net_expenses)),
            ("profit", gettext("Profit"), format_money(eur.profit)),
            ("projects", pgettext("finance card", "Projects"), screen.period.project_count),
        ],
        "triage": [{**item, "url": project_urls[item["project_id"]]} for item in screen.triage],
        "recommendation": _recommendation(len(screen.triage), screen.manual_payments_count_7d),
        "metrics_on": flag(METRICS_FLAG),
        "metrics": selectors.finance_metrics_snapshot() if flag(METRICS_FLAG) else None,
    }
    return TemplateResponse(request, "admin/finance/summary.html", context)


def finance_metrics_stream_view(request):
    """The session-authenticated twin of GET /api/v1/admin/finance/metrics (same generator, same cap)."""
    if not flag(METRICS_FLAG):
        raise Http404
    try:
        return metrics_stream_response()
    except ApiError as exc:
        return HttpResponse(error_text(exc), status=exc.status, content_type="text/plain; charset=utf-8")
