"""«Naudotojai» and «Auditas» screens (ui.md §3.9, §3.12)."""

import json
from datetime import UTC, datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vejapro.core import admin_selectors as audit_sel
from vejapro.core.actors import Actor
from vejapro.core.admin_base import FactAdmin, VejaProModelAdmin
from vejapro.core.admin_display import EMPTY, NBSP, format_local
from vejapro.core.admin_errors import message_error
from vejapro.core.errors import ApiError
from vejapro.core.models import AuditLog, Role, User
from vejapro.core.services import user_token_issue
from vejapro.core.settings_helpers import local_mode
from vejapro.core.user_services import user_create, user_update

site = admin.site

# Roles come from the token (README §2), not from Django groups: the group screen is not part of the back office.
if site.is_registered(Group):
    site.unregister(Group)


# --- «Naudotojai» -------------------------------------------------------------------------------------------
class UserCreateForm(forms.Form):
    user_id = forms.UUIDField(
        label=_("Supabase user ID (UUID)"),
        required=False,
        help_text=_("Leave empty for contractors and experts who use only portal links: a new UUID is created."),
    )
    email = forms.EmailField(label=_("E-mail"), max_length=255)
    full_name = forms.CharField(label=_("Name"), max_length=128, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, widget=forms.TextInput({"type": "tel"}))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        min_length=8,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Local mode only: the password for signing in without Supabase."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not local_mode():
            del self.fields["password"]


class UserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "role", "is_active"]
        labels = {
            "full_name": _("Name"),
            "phone": _("Phone"),
            "role": _("Role"),
            "is_active": _("Active"),
        }
        help_texts = {
            "role": _("For Supabase users change the role in Supabase as well."),
            "is_active": _("Deactivating a user refuses their tokens at once."),
        }


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        return queryset.filter(role=self.value()) if self.value() else queryset


@admin.register(User, site=site)
class UserAdmin(VejaProModelAdmin):
    list_title = _("Users")
    add_label = _("New user")
    list_display = ["email", "display_name", "role_label", "is_active", "created_local", "last_login_local"]
    list_display_links = ["email"]
    list_filter = [RoleFilter, "is_active"]
    search_fields = ["email", "full_name", "phone"]
    ordering = ["email"]
    form = UserChangeForm
    readonly_fields = ["email", "created_local", "last_login_local"]
    fieldsets = [
        (None, {"fields": ["email", "full_name", "phone", "role", "is_active"]}),
        (_("Activity"), {"fields": ["created_local", "last_login_local"]}),
    ]
    change_form_template = "admin/core/user/change_form.html"

    @admin.display(description=_("Name"), ordering="full_name")
    def display_name(self, obj):
        return obj.full_name or EMPTY

    @admin.display(description=_("Role"), ordering="role")
    def role_label(self, obj):
        return obj.get_role_display()

    @admin.display(description=_("Created"), ordering="created_at")
    def created_local(self, obj):
        return format_local(obj.created_at)

    @admin.display(description=_("Last sign-in"), ordering="last_login")
    def last_login_local(self, obj):
        return format_local(obj.last_login)

    def get_urls(self):
        urls = [
            path(
                "<uuid:user_id>/portalo-nuoroda/",
                self.admin_site.admin_view(self.portal_link_view),
                name="core_user_portal_link",
            ),
        ]
        return urls + super().get_urls()

    # Add: a plain form that calls user_create (audit USER_CREATED).
    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UserCreateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                user = user_create(
                    email=data["email"],
                    role=data["role"],
                    full_name=data["full_name"],
                    phone=data["phone"],
                    user_id=data["user_id"],
                    password=data.get("password") or None,
                    actor=Actor.for_user(request.user, request),
                )
            except ApiError as exc:
                message_error(request, exc)
            else:
                messages.success(request, gettext("User created."))
                return HttpResponseRedirect(reverse("admin:core_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": self.add_label,
            "form": form,
            "opts": self.model._meta,
            "submit_label": _("Create"),
        }
        return TemplateResponse(request, "admin/vejapro/simple_form.html", context)

    # Change: the fields go through user_update (audit USER_UPDATED); is_staff follows the role.
    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        _user, changed = user_update(
            user=obj.pk,
            actor=Actor.for_user(request.user, request),
            role=data["role"],
            full_name=data["full_name"],
            phone=data["phone"],
            is_active=data["is_active"],
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
        return HttpResponseRedirect(reverse("admin:core_user_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, object_id)
        can_link = user is not None and user.role in (Role.SUBCONTRACTOR, Role.EXPERT) and user.is_active
        context = {**(extra_context or {}), "can_link": can_link}
        context.update(show_save_and_add_another=False, show_save_and_continue=False)
        return super().change_view(request, object_id, form_url, context)

    def portal_link_view(self, request, user_id):
        """«Sugeneruoti portalo nuorodą»: a 7-day portal link for a contractor or expert (audit *_TOKEN_ISSUED)."""
        user = get_object_or_404(User, pk=user_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:core_user_change", args=[user.pk]))
        try:
            minted = user_token_issue(user=user, role=user.role, actor=Actor.for_user(request.user, request))
        except ApiError as exc:
            message_error(request, exc)
            return HttpResponseRedirect(reverse("admin:core_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Portal link"),
            "opts": self.model._meta,
            "original": user,
            "link": minted.portal_url,
            "expires": format_local(datetime.fromtimestamp(minted.expires_at, tz=UTC)),
            "back_url": reverse("admin:core_user_change", args=[user.pk]),
        }
        return TemplateResponse(request, "admin/vejapro/portal_link.html", context)


# --- «Auditas» ----------------------------------------------------------------------------------------------
class PeriodFilter(admin.SimpleListFilter):
    """«Laikotarpis»: 24 h, 7 days (default), 30 days, all."""

    title = _("period")
    parameter_name = "laikotarpis"
    DEFAULT = "7d"
    SPANS = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}

    def lookups(self, request, model_admin):
        return [("24h", _("24 h")), ("7d", _("7 days")), ("30d", _("30 days")), ("all", _("All"))]

    def value(self):
        return super().value() or self.DEFAULT

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        span = self.SPANS.get(self.value())
        return queryset.filter(timestamp__gte=timezone.now() - span) if span else queryset


class ActionGroupFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "veiksmas"

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _actions) in audit_sel.AUDIT_ACTION_GROUPS.items()]

    def queryset(self, request, queryset):
        group = audit_sel.AUDIT_ACTION_GROUPS.get(self.value())
        return queryset.filter(action__in=group[1]) if group else queryset


class EntityTypeFilter(admin.SimpleListFilter):
    title = _("entity type")
    parameter_name = "objektas"

    def lookups(self, request, model_admin):
        return AuditLog._meta.get_field("entity_type").choices

    def queryset(self, request, queryset):
        return queryset.filter(entity_type=self.value()) if self.value() else queryset


class ActorTypeFilter(admin.SimpleListFilter):
    title = _("actor type")
    parameter_name = "vykdytojas"

    def lookups(self, request, model_admin):
        return AuditLog._meta.get_field("actor_type").choices

    def queryset(self, request, queryset):
        return queryset.filter(actor_type=self.value()) if self.value() else queryset


class EntityIdFilter(admin.SimpleListFilter):
    """Hidden filter used by links such as the project screen's «Auditas» (``?objekto_id=<uuid>``)."""

    title = _("entity id")
    parameter_name = "objekto_id"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, value)] if value else []

    def has_output(self) -> bool:
        return bool(self.value())

    def queryset(self, request, queryset):
        entity_id = audit_sel.parse_uuid(self.value())
        if self.value() and entity_id is None:
            return queryset.none()
        return queryset.filter(entity_id=entity_id) if entity_id else queryset


@admin.register(AuditLog, site=site)
class AuditLogAdmin(FactAdmin):
    list_title = _("Audit log")
    list_display = [
        "timestamp_local",
        "action",
        "entity_label",
        "entity_link",
        "actor_label",
        "actor_short",
        "ip_address",
    ]
    list_display_links = ["timestamp_local"]
    list_filter = [PeriodFilter, EntityTypeFilter, ActorTypeFilter, ActionGroupFilter, EntityIdFilter]
    search_fields = ["action"]
    search_help_text = _("Entity ID, actor ID or action")
    ordering = ["-timestamp", "-id"]
    change_list_template = "admin/core/auditlog/change_list.html"
    change_form_template = "admin/core/auditlog/change_form.html"
    fields = [
        "timestamp_local",
        "action",
        "entity_label",
        "entity_id",
        "actor_label",
        "actor_id",
        "ip_address",
        "user_agent",
    ]
    readonly_fields = fields

    @admin.display(description=_("Timestamp"), ordering="timestamp")
    def timestamp_local(self, obj):
        return timezone.localtime(obj.timestamp).strftime("%Y-%m-%d %H:%M:%S")

    @admin.display(description=_("Entity"), ordering="entity_type")
    def entity_label(self, obj):
        return obj.get_entity_type_display()

    @admin.display(description=_("Entity ID"))
    def entity_link(self, obj):
        url = audit_sel.entity_admin_url(obj.entity_type, obj.entity_id)
        full = str(obj.entity_id)
        if url:
            return format_html('<a href="{}" title="{}">{}…</a>', url, full, full[:8])
        return format_html('<span title="{}">{}…</span>', full, full[:8])

    @admin.display(description=_("Actor ID"), ordering="actor_id")
    def actor_short(self, obj):
        if not obj.actor_id:
            return EMPTY
        if len(obj.actor_id) <= 12:
            return obj.actor_id
        return format_html('<span title="{}">{}…</span>', obj.actor_id, obj.actor_id[:8])

    @admin.display(description=_("Actor"), ordering="actor_type")
    def actor_label(self, obj):
        return obj.get_actor_type_display()

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(audit_sel.audit_search_q(term)), False

    def get_urls(self):
        urls = [path("eksportas/", self.admin_site.admin_view(self.export_view), name="core_auditlog_export")]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            cl = context["cl"]
            context["error_count"] = audit_sel.audit_error_count(cl.queryset)
            context["export_limits"] = [(limit, f"{limit:,}".replace(",", NBSP)) for limit in audit_sel.EXPORT_LIMITS]
            context["export_params"] = [(key, value) for key, value in request.GET.items() if key != "limit"]
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        row = self.get_object(request, object_id)
        blocks = []
        if row is not None:
            for label, value in (
                (_("Old value"), row.old_value),
                (_("New value"), row.new_value),
                (_("Metadata"), row.metadata),
            ):
                blocks.append({"label": label, "json": json.dumps(value, ensure_ascii=False, indent=2)})
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "json_blocks": blocks})

    def export_view(self, request):
        """«Eksportuoti CSV»: the rows of the current filters, newest first, up to the chosen limit."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        limit = audit_sel.export_limit(request.GET.get("limit"))
        get = request.GET.copy()
        get.pop("limit", None)
        request.GET = get
        changelist = self.get_changelist_instance(request)
        export = audit_sel.audit_csv_export(queryset=changelist.queryset, limit=limit)
        response = StreamingHttpResponse(export.lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f"attachment; filename={export.filename}"
        response["X-Has-More"] = "true" if export.has_more else "false"
        return response
