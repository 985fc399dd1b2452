"""«Projektai»: the project list and the project screen (ui.md §3.3)."""

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from finance.selectors import finance_project_costs
from messaging.admin.views import notification_rows
from messaging.selectors import appointments_for, confirmation_resends_remaining
from payments.selectors import payment_voidable
from projects.admin.display import (
    DEPOSIT_STATE_LABELS,
    FINAL_STATE_LABELS,
    FLAG_PILLS,
    NEXT_ACTION_ANCHORS,
    NEXT_ACTION_LABELS,
    client_label,
    flag_pills,
    reason_sentence,
    short_id,
    status_pill,
    urgency_marker,
)
from projects.admin.forms import (
    AssignForm,
    CertificationForm,
    EvidenceUploadForm,
    FinalQuoteForm,
    ManualPaymentForm,
    ProjectChangeForm,
    ProjectCreateForm,
    ReasonForm,
    StripeLinkForm,
    VisitForm,
    new_payment_key,
)
from projects.admin.selectors import (
    SECTION_ACTIVATION,
    SECTION_CERTIFICATION,
    SECTION_DEPOSIT,
    SECTION_EXECUTION,
    SECTION_FINAL,
    SECTION_FINAL_QUOTE,
    SECTION_PLANNING,
    ProjectRow,
    project_attention_count,
    project_screen,
    project_search_q,
)
from projects.admin.views import (
    activate,
    anonymize,
    assign_contractor,
    assign_expert,
    certificate,
    certify,
    client_link,
    delete_photo,
    delete_project,
    hand_to_expert,
    hide_photo,
    kept_input,
    mark_paid,
    mark_scheduled,
    marketing_consent,
    project_url,
    publish_photo,
    record_deposit,
    record_final,
    reject,
    resend_email,
    resend_sms,
    seed_photos,
    send_access,
    set_final_quote,
    stripe_link,
    upload_photo,
    void_payment,
    waive_deposit,
)
from projects.client_keys import client_contact_masked, client_email, client_phone
from projects.evidence.selectors import evidence_can_delete, evidence_can_publish
from projects.models import CERTIFIED_STATUSES, Project, ProjectStatus
from projects.selectors import (
    ATTENTION_FLAGS,
    project_attention_condition,
    project_facts_annotate,
    project_flag_conditions,
)
from projects.services import project_create, project_update
from vejapro.core.admin.base import ServiceSavedModelAdmin
from vejapro.core.admin.display import EMPTY, format_local, format_money, relative_time
from vejapro.core.models import Role, User
from vejapro.core.settings_helpers import development_helpers_enabled, flag

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
        return [(self.ALL, _("All")), *[(flag, FLAG_PILLS[flag]) for flag in ATTENTION_FLAGS]]

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
        if value in ATTENTION_FLAGS:
            return queryset.filter(project_flag_conditions()[value])
        if self.default_applies(request):
            return queryset.filter(project_attention_condition())
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
class ProjectAdmin(ServiceSavedModelAdmin):
    list_title = _("Projects")
    add_label = _("New project")
    add_form = ProjectCreateForm
    created_message = _("The project is created.")
    list_display = ["client_column", "status_column", "problem_column", "last_column", "action_column"]
    list_display_links = None
    list_filter = [AttentionFilter, StatusFilter, ContractorFilter, ExpertFilter, ConsentFilter]
    date_hierarchy = "created_at"
    search_fields = ["client_info__name"]
    search_help_text = _("Client name, e-mail, phone or project ID")
    ordering = ["-updated_at", "-id"]
    form = ProjectChangeForm
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
        return project_facts_annotate(super().get_queryset(request).select_related(None))

    def get_changelist(self, request, **kwargs):
        changelist_class = super().get_changelist(request, **kwargs)

        class ProjectChangeList(changelist_class):
            def __init__(self, request, *args, **kwargs):
                self.request = request
                super().__init__(request, *args, **kwargs)

        return ProjectChangeList

    # --- list columns ----------------------------------------------------------------------------------
    def _row(self, obj) -> ProjectRow:
        cached = getattr(obj, "_vejapro_row", None)
        if cached is None:
            cached = obj._vejapro_row = ProjectRow.of(obj)
        return cached

    @admin.display(description=_("Client"))
    def client_column(self, obj):
        row = self._row(obj)
        return format_html(
            '{}<a class="vp-client-name" href="{}">{}</a><br><span class="vp-muted">{} · {}</span>',
            urgency_marker(row.urgency),
            project_url(obj.pk),
            client_label(obj),
            client_contact_masked(obj.client_info),
            short_id(obj),
        )

    @admin.display(description=_("Status"), ordering="status")
    def status_column(self, obj):
        row = self._row(obj)
        return format_html("{} {}", status_pill(obj.status), flag_pills(row.flags))

    @admin.display(description=_("Problem"))
    def problem_column(self, obj):
        row = self._row(obj)
        if not row.flags and obj.status == ProjectStatus.ACTIVE:
            return EMPTY
        return reason_sentence(row.flags)

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
            project_url(obj.pk, NEXT_ACTION_ANCHORS[action]),
            NEXT_ACTION_LABELS[action],
        )

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(project_search_q(term)), False

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
            context["attention_count"] = changelist.result_count if default_view else project_attention_count()
        return response

    # --- project screen ----------------------------------------------------------------------------------
    # Workflow buttons: (name, URL slug, view). The screen shows a button only when its view is listed here.
    ACTIONS = (
        ("final_quote", "galutine-kaina", set_final_quote),
        ("record_deposit", "depozitas", record_deposit),
        ("waive_deposit", "atideti-inasa", waive_deposit),
        ("mark_paid", "pazymeti-apmoketu", mark_paid),
        ("assign_contractor", "rangovas", assign_contractor),
        ("mark_scheduled", "pazymeti-suplanuotu", mark_scheduled),
        ("assign_expert", "ekspertas", assign_expert),
        ("hand_to_expert", "perduoti-ekspertui", hand_to_expert),
        ("certify", "sertifikuoti", certify),
        ("reject", "atmesti", reject),
        ("seed_photos", "sert-foto-seed", seed_photos),
        ("record_final", "galutinis", record_final),
        ("resend_email", "persiusti-el-pastu", resend_email),
        ("resend_sms", "persiusti-sms", resend_sms),
        ("activate", "aktyvuoti", activate),
        ("send_access", "siusti-prieiga", send_access),
        ("stripe_link", "stripe-nuoroda", stripe_link),
        ("upload", "ikelti-nuotrauka", upload_photo),
        ("consent", "rinkodaros-sutikimas", marketing_consent),
        ("client_link", "kliento-nuoroda", client_link),
        ("certificate", "sertifikatas", certificate),
        ("anonymize", "anonimizuoti", anonymize),
        ("delete", "istrinti", delete_project),
    )
    # Buttons on one related row (a payment, a photo): (name, URL pattern after the project id, view).
    ROW_ACTIONS = (
        ("void_payment", "mokejimas/<uuid:payment_id>/anuliuoti", void_payment),
        ("publish_photo", "nuotrauka/<uuid:evidence_id>/rodyti", publish_photo),
        ("hide_photo", "nuotrauka/<uuid:evidence_id>/slepti", hide_photo),
        ("delete_photo", "nuotrauka/<uuid:evidence_id>/istrinti", delete_photo),
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
        return super().change_view(request, object_id, form_url, context)

    def _screen_context(self, request, project) -> dict:
        screen = project_screen(project=project)
        row = screen.row
        action_urls = {
            name: reverse(f"admin:projects_project_{name}", args=[project.pk]) for name, _slug, _view in self.ACTIONS
        }
        if not development_helpers_enabled():
            action_urls.pop("seed_photos")
        if not flag("ENABLE_STRIPE"):
            action_urls.pop("stripe_link")
        certified = project.status in CERTIFIED_STATUSES
        return {
            "screen": screen,
            "row": row,
            "project": project,
            "visits": appointments_for(project_id=project.pk),
            "section": screen.section,
            "forms": self._section_forms(request, project, screen.section),
            "action_urls": action_urls,
            "waiver_key": new_payment_key(),
            "status_pill": status_pill(project.status),
            "flag_pills": flag_pills(row.flags),
            "deposit_label": DEPOSIT_STATE_LABELS[row.deposit_state],
            "final_label": FINAL_STATE_LABELS[row.final_state],
            "client_label": client_label(project),
            "client_email": client_email(project.client_info),
            "client_phone": client_phone(project.client_info),
            "short_id": short_id(project),
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
                    if payment_voidable(payment)
                    else None,
                }
                for payment in screen.payments
            ],
            "photo_rows": [
                {
                    "obj": photo,
                    "category_label": photo.get_category_display(),
                    "publish_url": self._row_action_url("publish_photo", project, photo)
                    if evidence_can_publish(evidence=photo, project=project)
                    else None,
                    "hide_url": self._row_action_url("hide_photo", project, photo) if photo.show_on_web else None,
                    "delete_url": self._row_action_url("delete_photo", project, photo)
                    if evidence_can_delete(evidence=photo, project=project)
                    else None,
                }
                for photo in screen.photos
            ],
            "notification_rows": notification_rows(screen.notifications),
            "resend_buttons": self._resend_buttons(project, screen.section, action_urls),
            # «Išlaidos» and the profit line (ui.md §3.3) exist with the ledger flag.
            "costs": finance_project_costs(project_id=project.pk) if flag("ENABLE_FINANCE_LEDGER") else None,
        }

    def _resend_buttons(self, project, section: str, action_urls: dict) -> list[dict]:
        """«Persiųsti el. paštu (N)» / «Persiųsti SMS (N)» or «Limitas» (3 per channel per 24 h)."""
        if section != SECTION_ACTIVATION:
            return []
        remaining = confirmation_resends_remaining(project_id=project.pk)
        labels = {"email": gettext("Resend by e-mail (%(count)s)"), "sms": gettext("Resend by SMS (%(count)s)")}
        # A channel that is off gets a grey note instead of a button the service would refuse.
        switched_off = {
            "email": None if flag("ENABLE_EMAIL_INTAKE") else gettext("E-mail channel is off (ENABLE_EMAIL_INTAKE)"),
            "sms": None if flag("ENABLE_TWILIO") else gettext("SMS channel is off (ENABLE_TWILIO)"),
        }
        return [
            {
                "url": action_urls[f"resend_{channel}"],
                "remaining": left,
                "label": labels[channel] % {"count": left},
                "off": switched_off[channel],
            }
            for channel, left in remaining.items()
        ]

    def _section_forms(self, request, project, section: str) -> dict:
        """The forms of the shown section; the one a refused button came from is bound to what was typed."""
        kept_name, kept_data = kept_input(request, project.pk)

        def data(name: str):
            return kept_data if name == kept_name else None

        forms = {}
        if section == SECTION_FINAL_QUOTE:
            estimate = (project.client_info or {}).get("estimate") or {}
            forms["final_quote"] = FinalQuoteForm(
                data("final_quote"),
                initial={
                    "service": estimate.get("service"),
                    "method": estimate.get("method"),
                    "area_m2": project.area_m2 or estimate.get("area_m2"),
                    "total_price": project.total_price_client or estimate.get("total"),
                },
            )
        elif section == SECTION_DEPOSIT:
            forms["deposit"] = ManualPaymentForm(data("deposit"), prefix="deposit")
        elif section == SECTION_FINAL:
            forms["final"] = ManualPaymentForm(data("final"), prefix="final")
        elif section == SECTION_PLANNING:
            forms["assign_contractor"] = AssignForm(
                data("assign_contractor"), role=Role.SUBCONTRACTOR, initial={"user": project.assigned_contractor_id}
            )
            forms["mark_scheduled"] = VisitForm(data("mark_scheduled"))
        elif section == SECTION_EXECUTION:
            forms["assign_expert"] = AssignForm(
                data("assign_expert"), role=Role.EXPERT, initial={"user": project.assigned_expert_id}
            )
        elif section == SECTION_CERTIFICATION:
            forms["certification"] = CertificationForm(data("certification"), has_robot=project.has_robot)
        elif section == SECTION_ACTIVATION:
            forms["activate"] = ReasonForm(data("activate"))
        forms["upload"] = EvidenceUploadForm()
        forms["stripe_link"] = StripeLinkForm(data("stripe_link"), prefix=None)
        return forms

    def update_through_service(self, request, obj, form, actor) -> bool:
        _project, changed = project_update(project=obj.pk, actor=actor, changes=form.changes())
        return changed

    def create_through_service(self, request, form, actor):
        """«Naujas projektas»: a DRAFT through ``project_create`` (audit PROJECT_CREATED, source ``admin``)."""
        return project_create(
            client_info=form.client_info(),
            actor=actor,
            area_m2=form.cleaned_data["area_m2"],
            has_robot=form.cleaned_data["has_robot"],
            source="admin",
        )


# --- «Kainų taisyklės» --------------------------------------------------------------------------------------
