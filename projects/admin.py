"""«Projektai» (list and project screen, ui.md §3.3) and «Kainų taisyklės» (ui.md §3.12)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from messaging import admin_selectors as msg_sel
from messaging.admin_views import notification_rows
from payments import admin_selectors as pay_sel
from projects import admin_display as show
from projects import admin_forms, admin_views, client_keys
from projects import admin_selectors as sel
from projects.admin_services import project_update
from projects.models import CERTIFIED_STATUSES, ESTIMATE_METHODS_BY_SERVICE, EstimateRule, Project, ProjectStatus
from projects.services import project_create
from vejapro.core.actors import Actor
from vejapro.core.admin_base import VejaProModelAdmin
from vejapro.core.admin_display import EMPTY, format_local, format_money, relative_time
from vejapro.core.admin_errors import message_error
from vejapro.core.errors import ApiError
from vejapro.core.models import Role, User
from vejapro.core.settings_helpers import flag, is_production

site = admin.site

# Query parameters of the project list other than the attention filter itself: any of them means "a filter is
# chosen", so the default «Laukiantys veiksmo» no longer applies.
LIST_CONTROL_PARAMS = {"veiksmo", "p", "o", "e", "_changelist_filters", "_to_field", "_popup"}


class AttentionFilter(admin.SimpleListFilter):
    """«Laukiantys veiksmo» (default when no filter is chosen) / «Visi», plus one choice per attention flag."""

    title = _("work queue")
    parameter_name = "veiksmo"
    ALL = "visi"

    def lookups(self, request, model_admin):
        return [(self.ALL, _("All")), *[(flag, show.FLAG_PILLS[flag]) for flag in sel.ATTENTION_FLAGS]]

    def default_applies(self, request) -> bool:
        return self.value() is None and not (set(request.GET) - LIST_CONTROL_PARAMS)

    def choices(self, changelist):
        default = self.default_applies(changelist.request) if hasattr(changelist, "request") else self.value() is None
        yield {
            "selected": default,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Waiting for action"),
        }
        for lookup, title in self.lookup_choices:
            selected = self.value() == lookup or (lookup == self.ALL and self.value() is None and not default)
            yield {
                "selected": selected,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.ALL:
            return queryset
        if value in sel.ATTENTION_FLAGS:
            return queryset.filter(sel.project_flag_q(value))
        if self.default_applies(request):
            return queryset.filter(sel.project_attention_q())
        return queryset


class StatusFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "busena"

    def lookups(self, request, model_admin):
        return ProjectStatus.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() in ProjectStatus.values else queryset


class _AssigneeFilter(admin.SimpleListFilter):
    role = ""
    field = ""

    def lookups(self, request, model_admin):
        users = User.objects.filter(role=self.role, is_active=True).order_by("full_name", "email")
        return [(str(user.pk), user.full_name or user.email) for user in users]

    def queryset(self, request, queryset):
        return queryset.filter(**{f"{self.field}_id": self.value()}) if self.value() else queryset


class ContractorFilter(_AssigneeFilter):
    title = _("contractor")
    parameter_name = "rangovas"
    role = Role.SUBCONTRACTOR
    field = "assigned_contractor"


class ExpertFilter(_AssigneeFilter):
    title = _("expert")
    parameter_name = "ekspertas"
    role = Role.EXPERT
    field = "assigned_expert"


class ConsentFilter(admin.SimpleListFilter):
    title = _("marketing consent")
    parameter_name = "sutikimas"

    def lookups(self, request, model_admin):
        return [("taip", _("Yes")), ("ne", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("taip", "ne"):
            return queryset.filter(marketing_consent=self.value() == "taip")
        return queryset


@admin.register(Project, site=site)
class ProjectAdmin(VejaProModelAdmin):
    list_title = _("Projects")
    add_label = _("New project")
    list_display = ["client_column", "status_column", "problem_column", "last_column", "action_column"]
    list_display_links = None
    list_filter = [AttentionFilter, StatusFilter, ContractorFilter, ExpertFilter, ConsentFilter]
    date_hierarchy = "created_at"
    search_fields = ["client_info__name"]
    search_help_text = _("Client name, e-mail, phone or project ID")
    ordering = ["-updated_at", "-id"]
    form = admin_forms.ProjectChangeForm
    change_list_template = "admin/projects/project/change_list.html"
    change_form_template = "admin/projects/project/change_form.html"
    fieldsets = [
        (
            _("Client"),
            {"fields": ["client_name", "email", "phone", "address", "whatsapp_consent"]},
        ),
        (
            _("Project"),
            {"fields": ["title", "area_m2", "total_price_client", "internal_cost", "has_robot"]},
        ),
    ]

    def get_queryset(self, request):
        return sel.project_admin_annotate(super().get_queryset(request).select_related(None))

    def get_changelist(self, request, **kwargs):
        changelist_class = super().get_changelist(request, **kwargs)

        class ProjectChangeList(changelist_class):
            def __init__(self, request, *args, **kwargs):
                self.request = request
                super().__init__(request, *args, **kwargs)

        return ProjectChangeList

    # --- list columns ----------------------------------------------------------------------------------
    def _row(self, obj) -> sel.ProjectRow:
        cached = getattr(obj, "_vejapro_row", None)
        if cached is None:
            cached = obj._vejapro_row = sel.ProjectRow.of(obj)
        return cached

    @admin.display(description=_("Client"))
    def client_column(self, obj):
        row = self._row(obj)
        return format_html(
            '{}<a class="vp-client-name" href="{}">{}</a><br><span class="vp-muted">{} · {}</span>',
            show.urgency_marker(row.urgency),
            admin_views.project_url(obj.pk),
            show.client_label(obj),
            sel.client_contact_masked(obj),
            show.short_id(obj),
        )

    @admin.display(description=_("Status"), ordering="status")
    def status_column(self, obj):
        row = self._row(obj)
        return format_html("{} {}", show.status_pill(obj.status), show.flag_pills(row.flags))

    @admin.display(description=_("Problem"))
    def problem_column(self, obj):
        row = self._row(obj)
        if not row.flags and obj.status == ProjectStatus.ACTIVE:
            return EMPTY
        return show.reason_sentence(row.flags)

    @admin.display(description=_("Last"), ordering="updated_at")
    def last_column(self, obj):
        return format_html('<span title="{}">{}</span>', format_local(obj.updated_at), relative_time(obj.updated_at))

    @admin.display(description=_("Action"))
    def action_column(self, obj):
        action = self._row(obj).next_action
        if action is None:
            return EMPTY
        return format_html(
            '<a class="vp-button vp-button-small" href="{}">{}</a>',
            admin_views.project_url(obj.pk, show.NEXT_ACTION_ANCHORS[action]),
            show.NEXT_ACTION_LABELS[action],
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(sel.project_search_q(term)), False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context is not None and "cl" in context:
            changelist = context["cl"]
            default_view = False
            for spec in changelist.filter_specs:
                if isinstance(spec, AttentionFilter):
                    context["attention_chips"] = list(spec.choices(changelist))[:2]
                    default_view = spec.default_applies(request)
            # The default view lists exactly the projects needing attention: its count is the pill.
            context["attention_count"] = changelist.result_count if default_view else sel.project_attention_count()
        return response

    # --- project screen ----------------------------------------------------------------------------------
    # Workflow buttons: (name, URL slug, view). The screen shows a button only when its view is listed here.
    ACTIONS = (
        ("final_quote", "galutine-kaina", admin_views.set_final_quote),
        ("record_deposit", "depozitas", admin_views.record_deposit),
        ("waive_deposit", "atideti-inasa", admin_views.waive_deposit),
        ("mark_paid", "pazymeti-apmoketu", admin_views.mark_paid),
        ("assign_contractor", "rangovas", admin_views.assign_contractor),
        ("mark_scheduled", "pazymeti-suplanuotu", admin_views.mark_scheduled),
        ("assign_expert", "ekspertas", admin_views.assign_expert),
        ("hand_to_expert", "perduoti-ekspertui", admin_views.hand_to_expert),
        ("certify", "sertifikuoti", admin_views.certify),
        ("reject", "atmesti", admin_views.reject),
        ("seed_photos", "sert-foto-seed", admin_views.seed_photos),
        ("record_final", "galutinis", admin_views.record_final),
        ("resend_email", "persiusti-el-pastu", admin_views.resend_email),
        ("resend_sms", "persiusti-sms", admin_views.resend_sms),
        ("activate", "aktyvuoti", admin_views.activate),
        ("send_access", "siusti-prieiga", admin_views.send_access),
        ("stripe_link", "stripe-nuoroda", admin_views.stripe_link),
        ("upload", "ikelti-nuotrauka", admin_views.upload_photo),
        ("consent", "rinkodaros-sutikimas", admin_views.marketing_consent),
        ("client_link", "kliento-nuoroda", admin_views.client_link),
        ("certificate", "sertifikatas", admin_views.certificate),
        ("anonymize", "anonimizuoti", admin_views.anonymize),
        ("delete", "istrinti", admin_views.delete_project),
    )
    # Buttons on one related row (a payment, a photo): (name, URL pattern after the project id, view).
    ROW_ACTIONS = (
        ("void_payment", "mokejimas/<uuid:payment_id>/anuliuoti", admin_views.void_payment),
        ("publish_photo", "nuotrauka/<uuid:evidence_id>/rodyti", admin_views.publish_photo),
        ("hide_photo", "nuotrauka/<uuid:evidence_id>/slepti", admin_views.hide_photo),
        ("delete_photo", "nuotrauka/<uuid:evidence_id>/istrinti", admin_views.delete_photo),
    )

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        urls = [
            path(f"<uuid:project_id>/veiksmas/{slug}/", wrap(view), name=f"projects_project_{name}")
            for name, slug, view in self.ACTIONS
        ]
        urls += [
            path(f"<uuid:project_id>/{pattern}/", wrap(view), name=f"projects_project_{name}")
            for name, pattern, view in self.ROW_ACTIONS
        ]
        return urls + super().get_urls()

    def _row_action_url(self, name: str, project, obj) -> str | None:
        if name not in {entry[0] for entry in self.ROW_ACTIONS}:
            return None
        return reverse(f"admin:projects_project_{name}", args=[project.pk, obj.pk])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        project = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if project is not None:
            context.update(self._screen_context(request, project))
        context.update(show_save_and_add_another=False, show_save_and_continue=False)
        return super().change_view(request, object_id, form_url, context)

    def _screen_context(self, request, project) -> dict:
        screen = sel.project_screen(project=project)
        row = screen.row
        action_urls = {
            name: reverse(f"admin:projects_project_{name}", args=[project.pk]) for name, _slug, _view in self.ACTIONS
        }
        if is_production():
            action_urls.pop("seed_photos")
        if not flag("ENABLE_STRIPE"):
            action_urls.pop("stripe_link")
        certified = project.status in CERTIFIED_STATUSES
        return {
            "screen": screen,
            "row": row,
            "project": project,
            "section": screen.section,
            "forms": self._section_forms(request, project, screen.section),
            "action_urls": action_urls,
            "waiver_key": admin_forms.new_payment_key(),
            "status_pill": show.status_pill(project.status),
            "flag_pills": show.flag_pills(row.flags),
            "deposit_label": show.DEPOSIT_STATE_LABELS[row.deposit_state],
            "final_label": show.FINAL_STATE_LABELS[row.final_state],
            "client_label": show.client_label(project),
            "client_email": client_keys.client_email(project.client_info),
            "client_phone": client_keys.client_phone(project.client_info),
            "short_id": show.short_id(project),
            "price_label": format_money(project.total_price_client),
            "can_delete": project.status == ProjectStatus.DRAFT and not screen.payments and not screen.confirmations,
            "audit_url": reverse("admin:core_auditlog_changelist") + f"?objekto_id={project.pk}&laikotarpis=all",
            "certificate_url": action_urls["certificate"] if certified else None,
            "payment_rows": [
                {
                    "obj": payment,
                    "type_label": payment.get_payment_type_display(),
                    "method_label": payment.get_payment_method_display() or "—",
                    "status_label": payment.get_status_display(),
                    "void_url": self._row_action_url("void_payment", project, payment)
                    if pay_sel.payment_voidable(payment)
                    else None,
                }
                for payment in screen.payments
            ],
            "photo_rows": [
                {
                    "obj": photo,
                    "category_label": photo.get_category_display(),
                    "publish_url": self._row_action_url("publish_photo", project, photo)
                    if sel.photo_publishable(project, photo)
                    else None,
                    "hide_url": self._row_action_url("hide_photo", project, photo) if photo.show_on_web else None,
                    "delete_url": self._row_action_url("delete_photo", project, photo)
                    if sel.photo_deletable(project, photo)
                    else None,
                }
                for photo in screen.photos
            ],
            "notification_rows": notification_rows(screen.notifications),
            "resend_buttons": self._resend_buttons(project, screen.section, action_urls),
        }

    def _resend_buttons(self, project, section: str, action_urls: dict) -> list[dict]:
        """«Persiųsti el. paštu (N)» / «Persiųsti SMS (N)» or «Limitas» (3 per channel per 24 h)."""
        if section != sel.SECTION_ACTIVATION:
            return []
        remaining = msg_sel.confirmation_resends_remaining(project_id=project.pk)
        labels = {"email": gettext("Resend by e-mail (%(count)s)"), "sms": gettext("Resend by SMS (%(count)s)")}
        return [
            {"url": action_urls[f"resend_{channel}"], "remaining": left, "label": labels[channel] % {"count": left}}
            for channel, left in remaining.items()
        ]

    def _section_forms(self, request, project, section: str) -> dict:
        """The forms of the shown section; the one a refused button came from is bound to what was typed."""
        kept_name, kept_data = admin_views.kept_input(request, project.pk)

        def data(name: str):
            return kept_data if name == kept_name else None

        forms = {}
        if section == sel.SECTION_FINAL_QUOTE:
            estimate = (project.client_info or {}).get("estimate") or {}
            forms["final_quote"] = admin_forms.FinalQuoteForm(
                data("final_quote"),
                initial={
                    "service": estimate.get("service"),
                    "method": estimate.get("method"),
                    "area_m2": project.area_m2 or estimate.get("area_m2"),
                    "total_price": project.total_price_client or estimate.get("total"),
                },
            )
        elif section == sel.SECTION_DEPOSIT:
            forms["deposit"] = admin_forms.ManualPaymentForm(data("deposit"), prefix="deposit")
        elif section == sel.SECTION_FINAL:
            forms["final"] = admin_forms.ManualPaymentForm(data("final"), prefix="final")
        elif section == sel.SECTION_PLANNING:
            forms["assign_contractor"] = admin_forms.AssignForm(
                data("assign_contractor"), role=Role.SUBCONTRACTOR, initial={"user": project.assigned_contractor_id}
            )
        elif section == sel.SECTION_EXECUTION:
            forms["assign_expert"] = admin_forms.AssignForm(
                data("assign_expert"), role=Role.EXPERT, initial={"user": project.assigned_expert_id}
            )
        elif section == sel.SECTION_CERTIFICATION:
            forms["certification"] = admin_forms.CertificationForm(data("certification"), has_robot=project.has_robot)
        elif section == sel.SECTION_ACTIVATION:
            forms["activate"] = admin_forms.ReasonForm(data("activate"))
        forms["upload"] = admin_forms.EvidenceUploadForm()
        forms["stripe_link"] = admin_forms.StripeLinkForm(data("stripe_link"), prefix=None)
        return forms

    def save_model(self, request, obj, form, change):
        _project, changed = project_update(
            project=obj.pk, actor=Actor.for_user(request.user, request), changes=form.changes()
        )
        request._vejapro_saved = changed

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApiError as exc:
            message_error(request, exc)
            return HttpResponseRedirect(request.path)

    def response_change(self, request, obj):
        if getattr(request, "_vejapro_saved", False):
            messages.success(request, gettext("Saved"))
        else:
            messages.info(request, gettext("Nothing changed."))
        return HttpResponseRedirect(admin_views.project_url(obj.pk))

    def add_view(self, request, form_url="", extra_context=None):
        """«Naujas projektas»: a DRAFT through ``project_create`` (audit PROJECT_CREATED, source ``admin``)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = admin_forms.ProjectCreateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                project = project_create(
                    client_info=form.client_info(),
                    actor=Actor.for_user(request.user, request),
                    area_m2=form.cleaned_data["area_m2"],
                    has_robot=form.cleaned_data["has_robot"],
                    source="admin",
                )
            except ApiError as exc:
                message_error(request, exc)
            else:
                messages.success(request, gettext("The project is created."))
                return HttpResponseRedirect(admin_views.project_url(project.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": self.add_label,
            "form": form,
            "opts": self.model._meta,
            "submit_label": _("Create"),
        }
        return TemplateResponse(request, "admin/vejapro/simple_form.html", context)


# --- «Kainų taisyklės» --------------------------------------------------------------------------------------
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
        service, method = data.get("service"), data.get("method")
        if service and method and method not in ESTIMATE_METHODS_BY_SERVICE.get(service, ()):
            self.add_error("method", _("This method does not belong to the chosen service."))
        for name in ("price_per_m2", "minimum_price"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("The price cannot be negative."))
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

    @admin.display(description=_("Service"), ordering="service")
    def service_label(self, obj):
        return obj.get_service_display()

    @admin.display(description=_("Method"), ordering="method")
    def method_label(self, obj):
        return obj.get_method_display()

    @admin.display(description=_("Price per m² (EUR)"), ordering="price_per_m2")
    def price_money(self, obj):
        placeholder = sel.estimate_rule_is_placeholder(obj)
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
