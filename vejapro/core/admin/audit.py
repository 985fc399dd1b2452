"""«Auditas» (ui.md §3.9): the audit log with its filters and the CSV export."""

import json
from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from vejapro.core.admin.base import FactAdmin
from vejapro.core.admin.display import EMPTY, NBSP, format_audit_action
from vejapro.core.audit.selectors import (
    AUDIT_ACTION_GROUPS,
    EXPORT_LIMITS,
    audit_csv_export,
    audit_error_count,
    audit_search_q,
    entity_admin_url,
    export_limit,
    parse_uuid,
)
from vejapro.core.models import AuditLog

site = admin.site


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
        return [(key, label) for key, (label, _actions) in AUDIT_ACTION_GROUPS.items()]

    def queryset(self, request, queryset):
        group = AUDIT_ACTION_GROUPS.get(self.value())
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
        entity_id = parse_uuid(self.value())
        if self.value() and entity_id is None:
            return queryset.none()
        return queryset.filter(entity_id=entity_id) if entity_id else queryset


@admin.register(AuditLog, site=site)
class AuditLogAdmin(FactAdmin):
    list_title = _("Audit log")
    list_display = [
        "timestamp_local",
        "action_label",
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
        "action_label",
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

    @admin.display(description=_("Action"), ordering="action")
    def action_label(self, obj):
        return format_audit_action(obj.action)

    @admin.display(description=_("Entity"), ordering="entity_type")
    def entity_label(self, obj):
        return obj.get_entity_type_display()

    @admin.display(description=_("Entity ID"))
    def entity_link(self, obj):
        url = entity_admin_url(obj.entity_type, obj.entity_id)
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
        return queryset.filter(audit_search_q(term)), False

    def get_urls(self):
        urls = [path("eksportas/", self.admin_site.admin_view(self.export_view), name="core_auditlog_export")]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        context = getattr(response, "context_data", None)
        if context and "cl" in context:
            cl = context["cl"]
            context["error_count"] = audit_error_count(cl.queryset)
            context["export_limits"] = [(limit, f"{limit:,}".replace(",", NBSP)) for limit in EXPORT_LIMITS]
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
        limit = export_limit(request.GET.get("limit"))
        get = request.GET.copy()
        get.pop("limit", None)
        request.GET = get
        changelist = self.get_changelist_instance(request)
        export = audit_csv_export(queryset=changelist.queryset, limit=limit)
        response = StreamingHttpResponse(export.lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f"attachment; filename={export.filename}"
        response["X-Has-More"] = "true" if export.has_more else "false"
        return response
