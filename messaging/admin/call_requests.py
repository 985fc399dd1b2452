"""«Skambučių užklausos»: the lead list, «Nauja skambučio užklausa» and the «Skambučio valdymas» screen (ui.md §3.5).

The list masks contacts; the screen shows them in clear because staff call back. Every save, the conversion into a
project and the deletion go through ``messaging.services``.
"""

from functools import partial

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from messaging.admin.display import call_request_phase_label, call_request_status_pill
from messaging.models import CallRequest, CallRequestStatus
from messaging.selectors import appointments_for, call_request_new_count
from messaging.services import call_request_convert, call_request_create, call_request_delete, call_request_update
from vejapro.core.actors import Actor
from vejapro.core.admin.base import ServiceSavedModelAdmin
from vejapro.core.admin.display import EMPTY, format_local
from vejapro.core.admin.views import service_action, service_call
from vejapro.core.redaction import mask_contact
from vejapro.core.settings_helpers import flag

site = admin.site
ALL_STATUSES = "all"


class CallRequestStatusFilter(admin.SimpleListFilter):
    """The chips of ui.md §3.5: «Nauji» is the default, «Visi» shows every lead."""

    title = _("state")
    parameter_name = "busena"

    def lookups(self, request, model_admin):
        return [
            (CallRequestStatus.NEW, _("New ones")),
            (ALL_STATUSES, _("All")),
            (CallRequestStatus.CONTACTED, CallRequestStatus.CONTACTED.label),
            (CallRequestStatus.SCHEDULED, CallRequestStatus.SCHEDULED.label),
            (CallRequestStatus.CLOSED, CallRequestStatus.CLOSED.label),
        ]

    def value(self):
        return super().value() or CallRequestStatus.NEW

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(status=value) if value in CallRequestStatus.values else queryset


class CallRequestAddForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128, required=False)
    phone = forms.RegexField(
        label=_("Phone"), regex=r"^[0-9 +\-()]{4,32}$", required=False, error_messages={"invalid": _("Invalid phone")}
    )
    email = forms.EmailField(label=_("E-mail"), max_length=255, required=False)
    preferred_time = forms.DateTimeField(label=_("Preferred time"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        missing = not (data.get("name") or "").strip() or not (data.get("phone") or "").strip()
        if missing and not self.errors:
            raise forms.ValidationError(_("Name and phone are required."))
        return data


class CallRequestChangeForm(forms.ModelForm):
    class Meta:
        model = CallRequest
        fields = ["status", "preferred_time", "notes"]
        labels = {"notes": _("Notes for the operator")}


@admin.register(CallRequest, site=site)
class CallRequestAdmin(ServiceSavedModelAdmin):
    list_title = _("Call requests")
    add_label = _("New call request")
    add_form = CallRequestAddForm
    created_message = _("Call request created.")
    form = CallRequestChangeForm
    list_display = ["client_column", "contact_column", "source_column", "phase_column", "status_column", "updated"]
    list_display_links = ["client_column"]
    list_filter = [CallRequestStatusFilter, "source"]
    search_fields = ["name", "email", "phone"]
    ordering = ["-created_at", "-id"]
    fields = ["status", "preferred_time", "notes"]
    change_form_template = "admin/messaging/callrequest/change_form.html"
    change_list_template = "admin/messaging/callrequest/change_list.html"

    def _admin(self, request) -> bool:
        # The whole lead module is off with ENABLE_CALL_ASSISTANT (security-ops.md §5): no screen, no menu entry.
        return super()._admin(request) and flag("ENABLE_CALL_ASSISTANT")

    # --- list -------------------------------------------------------------------------------------------------
    @admin.display(description=_("Client"), ordering="name")
    def client_column(self, obj: CallRequest):
        if obj.preferred_time is None:
            return obj.name
        return format_html(
            '{}<br><span class="vp-muted">{}: {}</span>',
            obj.name,
            gettext("Preferred time"),
            format_local(obj.preferred_time),
        )

    @admin.display(description=_("Contact"))
    def contact_column(self, obj: CallRequest) -> str:
        return mask_contact(obj.email, obj.phone if obj.phone != "unknown" else None)

    @admin.display(description=_("Source"), ordering="source")
    def source_column(self, obj: CallRequest) -> str:
        return obj.get_source_display()

    @admin.display(description=_("Stage"))
    def phase_column(self, obj: CallRequest):
        return format_html('<span class="vp-pill vp-pill-grey">{}</span>', call_request_phase_label(obj))

    @admin.display(description=_("State"), ordering="status")
    def status_column(self, obj: CallRequest):
        return call_request_status_pill(obj.status)

    @admin.display(description=_("Updated"), ordering="updated_at")
    def updated(self, obj: CallRequest) -> str:
        return format_local(obj.updated_at) or EMPTY

    def changelist_view(self, request, extra_context=None):
        new_count = call_request_new_count()
        if new_count:
            hint = gettext("There are %(count)s new requests. Priority: NEW.") % {"count": new_count}
        else:
            hint = gettext("No new requests. You can look through the whole flow.")
        context = {"new_count": new_count, "hint": hint, **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    # --- add and change through the services ------------------------------------------------------------------
    def create_through_service(self, request, form, actor: Actor) -> CallRequest:
        data = form.cleaned_data
        return call_request_create(
            name=data["name"].strip(),
            phone=data["phone"].strip(),
            email=data.get("email") or None,
            preferred_time=data.get("preferred_time"),
            notes=data.get("notes") or "",
            actor=actor,
        )

    def update_through_service(self, request, obj: CallRequest, form, actor: Actor) -> bool:
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        _call_request, changed = call_request_update(call_request_id=obj.pk, actor=actor, changes=changes)
        return changed

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        context = {"title": _("Call management"), **(extra_context or {})}
        if obj is not None:
            context.update(
                {
                    "lead": obj,
                    "status_pill": call_request_status_pill(obj.status),
                    "phase_label": call_request_phase_label(obj),
                    "visits": appointments_for(call_request_id=obj.pk),
                    "convert_url": reverse("admin:messaging_callrequest_convert", args=[obj.pk]),
                    "delete_url": reverse("admin:messaging_callrequest_remove", args=[obj.pk]),
                    "project_url": (
                        reverse("admin:projects_project_change", args=[obj.converted_project_id])
                        if obj.converted_project_id
                        else None
                    ),
                }
            )
        return super().change_view(request, object_id, form_url, context)

    # --- buttons ----------------------------------------------------------------------------------------------
    def get_urls(self):
        def wrap(view):
            def guarded(request, *args, **kwargs):
                if not self.has_change_permission(request):
                    raise PermissionDenied
                return view(request, *args, **kwargs)

            return self.admin_site.admin_view(guarded)

        return [
            path("<uuid:call_request_id>/sukurti-projekta/", wrap(convert_view), name="messaging_callrequest_convert"),
            path("<uuid:call_request_id>/istrinti/", wrap(remove_view), name="messaging_callrequest_remove"),
            *super().get_urls(),
        ]


def _change_url(call_request_id) -> str:
    return reverse("admin:messaging_callrequest_change", args=[call_request_id])


@require_POST
def convert_view(request, call_request_id):
    """«Sukurti projektą» (messaging.md §8.1): back on the lead's screen, which links the new project."""
    actor = Actor.for_user(request.user, request)
    return service_action(
        request,
        call=partial(call_request_convert, call_request_id=call_request_id, actor=actor),
        success=gettext("Project created."),
        redirect_to=_change_url(call_request_id),
    )


@require_POST
def remove_view(request, call_request_id):
    """Delete the lead; one with visits is refused with the screen's own sentence (ui.md §3.5)."""
    actor = Actor.for_user(request.user, request)
    deleted = service_call(
        request,
        partial(call_request_delete, call_request_id=call_request_id, actor=actor),
        success=gettext("The call request is deleted."),
        refusal_texts={409: gettext("The request has linked visits; close it instead.")},
    )
    target = reverse("admin:messaging_callrequest_changelist") if deleted else _change_url(call_request_id)
    return HttpResponseRedirect(target)
