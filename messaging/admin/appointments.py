"""«Kalendorius» list and visit screens (ui.md §3.6): «Naujas vizitas», a visit screen that can only be cancelled or
annotated (times are read-only), and the «Patvirtinti» / «Atšaukti» buttons of the holds block. Every write goes
through ``messaging.services``."""

from functools import partial

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from messaging.models import Appointment, AppointmentStatus, CallRequest, VisitType
from messaging.selectors import SCHEDULE_ROLES
from messaging.services import appointment_confirm_hold, appointment_create, appointment_update
from messaging.services.appointments import SLOT_TAKEN_TEXT
from projects.models import Project
from vejapro.core.actors import Actor
from vejapro.core.admin.base import ServiceSavedModelAdmin
from vejapro.core.admin.display import EMPTY, format_local
from vejapro.core.admin.views import service_action
from vejapro.core.http.errors import ApiError
from vejapro.core.models import User
from vejapro.core.settings_helpers import flag

site = admin.site


class AppointmentStatusFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        return AppointmentStatus.choices

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() in AppointmentStatus.values else queryset


class AppointmentAddForm(forms.Form):
    project = forms.ModelChoiceField(
        label=_("Project"), queryset=Project.objects.order_by("-created_at"), required=False
    )
    call_request = forms.ModelChoiceField(
        label=_("Call request"), queryset=CallRequest.objects.order_by("-created_at"), required=False
    )
    resource = forms.ModelChoiceField(
        label=_("Worker"),
        queryset=User.objects.filter(is_active=True, role__in=SCHEDULE_ROLES).order_by("email"),
        required=False,
        help_text=_("If none is chosen, the system picks one."),
    )
    starts_at = forms.DateTimeField(label=_("Start"), required=False)
    ends_at = forms.DateTimeField(label=_("End"), required=False)
    visit_type = forms.ChoiceField(label=_("Visit type"), choices=VisitType.choices, initial=VisitType.PRIMARY)
    status = forms.ChoiceField(
        label=_("State"),
        choices=[(value, label) for value, label in AppointmentStatus.choices if value != AppointmentStatus.HELD],
        initial=AppointmentStatus.CONFIRMED,
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if not data.get("starts_at") or not data.get("ends_at"):
            raise forms.ValidationError(_("Start and end times are required."))
        if not data.get("project") and not data.get("call_request"):
            raise forms.ValidationError(_("Choose a project or a call request."))
        return data


class AppointmentChangeForm(forms.ModelForm):
    class Meta:
        model = Appointment
        fields = ["notes"]


@admin.register(Appointment, site=site)
class AppointmentAdmin(ServiceSavedModelAdmin):
    list_title = _("Visits")
    add_label = _("New visit")
    add_form = AppointmentAddForm
    created_message = _("Visit created.")
    form = AppointmentChangeForm
    list_display = [
        "starts_local",
        "ends_local",
        "status_label",
        "visit_type",
        "resource",
        "project",
        "call_request",
        "notes",
    ]
    list_display_links = ["starts_local"]
    list_filter = [AppointmentStatusFilter, "resource", "visit_type"]
    list_select_related = ["resource", "project", "call_request"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at", "-id"]
    fields = ["starts_at", "ends_at", "status", "visit_type", "resource", "project", "call_request", "notes"]
    readonly_fields = ["starts_at", "ends_at", "status", "visit_type", "resource", "project", "call_request"]
    change_form_template = "admin/messaging/appointment/change_form.html"

    def _admin(self, request) -> bool:
        # The calendar is off with ENABLE_CALENDAR (security-ops.md §5): no screen, no menu entry.
        return super()._admin(request) and flag("ENABLE_CALENDAR")

    @admin.display(description=_("Start"), ordering="starts_at")
    def starts_local(self, obj: Appointment) -> str:
        return format_local(obj.starts_at) or EMPTY

    @admin.display(description=_("End"), ordering="ends_at")
    def ends_local(self, obj: Appointment) -> str:
        return format_local(obj.ends_at) or EMPTY

    @admin.display(description=_("State"), ordering="status")
    def status_label(self, obj: Appointment) -> str:
        return obj.get_status_display()

    def create_through_service(self, request, form, actor: Actor) -> Appointment:
        data = form.cleaned_data
        try:
            return appointment_create(
                actor=actor,
                project_id=data["project"].pk if data.get("project") else None,
                call_request_id=data["call_request"].pk if data.get("call_request") else None,
                resource=data.get("resource"),
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                status=data["status"],
                visit_type=data["visit_type"],
                notes=data.get("notes"),
            )
        except ApiError as exc:
            if exc.detail == SLOT_TAKEN_TEXT:
                raise ApiError(409, gettext("This time is taken.")) from None
            raise

    def update_through_service(self, request, obj: Appointment, form, actor: Actor) -> bool:
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        _appointment, changed = appointment_update(appointment_id=obj.pk, actor=actor, changes=changes)
        return changed

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if obj is not None and obj.status != AppointmentStatus.CANCELLED:
            context["cancel_url"] = reverse("admin:messaging_appointment_cancel", args=[obj.pk])
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self):
        def wrap(view):
            def guarded(request, *args, **kwargs):
                if not self.has_change_permission(request):
                    raise PermissionDenied
                return view(request, *args, **kwargs)

            return self.admin_site.admin_view(guarded)

        return [
            path("<uuid:appointment_id>/patvirtinti/", wrap(confirm_view), name="messaging_appointment_confirm"),
            path("<uuid:appointment_id>/atsaukti/", wrap(cancel_view), name="messaging_appointment_cancel"),
            *super().get_urls(),
        ]


def _back(request, appointment_id) -> str:
    """Back where the button was (the calendar or the visit screen); only a local address is followed."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:messaging_appointment_change", args=[appointment_id])


@require_POST
def confirm_view(request, appointment_id):
    actor = Actor.for_user(request.user, request)
    return service_action(
        request,
        call=partial(appointment_confirm_hold, appointment_id=appointment_id, actor=actor),
        success=gettext("Confirmed"),
        redirect_to=_back(request, appointment_id),
    )


@require_POST
def cancel_view(request, appointment_id):
    actor = Actor.for_user(request.user, request)
    changes = {"status": AppointmentStatus.CANCELLED}
    return service_action(
        request,
        call=partial(appointment_update, appointment_id=appointment_id, actor=actor, changes=changes),
        success=gettext("The visit is cancelled."),
        redirect_to=_back(request, appointment_id),
    )
