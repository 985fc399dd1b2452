"""«Pranešimai»: the notification queue and client confirmations, read-only facts (ui.md §3.8).

The outbox payload (message text) is never loaded or shown; confirmation token hashes are never shown.
"""

from django.contrib import admin, messages
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from messaging.admin.display import outbox_status_label
from messaging.admin.views import (
    confirmation_resend_report,
    notification_retry_report,
    notification_rows,
    retry_notification,
)
from messaging.message_templates import TEMPLATE_LABELS, template_label
from messaging.models import ClientConfirmation, NotificationOutbox, OutboxStatus
from projects.admin.selectors import project_id_prefix_q
from projects.models import Project
from vejapro.core.admin.base import FactAdmin
from vejapro.core.admin.display import EMPTY, format_local
from vejapro.core.audit.selectors import entity_admin_url
from vejapro.core.models import AuditLog

site = admin.site
ERROR_PREVIEW_CHARS = 30


class OutboxStatusFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "status__exact"

    def lookups(self, request, model_admin):
        return [(value, outbox_status_label(value)) for value in OutboxStatus.values]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() in OutboxStatus.values else queryset


class OutboxTemplateFilter(admin.SimpleListFilter):
    title = _("template")
    parameter_name = "template_key__exact"

    def lookups(self, request, model_admin):
        return [(key, template_label(key)) for key in TEMPLATE_LABELS]

    def queryset(self, request, queryset):
        return queryset.filter(template_key=self.value()) if self.value() else queryset


@admin.register(NotificationOutbox, site=site)
class NotificationOutboxAdmin(FactAdmin):
    list_title = _("Notification queue")
    list_display = [
        "channel_label",
        "template_name",
        "entity_link",
        "status_label",
        "attempt_count",
        "error_short",
        "created_local",
        "sent_local",
    ]
    list_display_links = ["channel_label"]
    list_filter = [OutboxStatusFilter, "channel", OutboxTemplateFilter]
    search_fields = ["template_key"]
    ordering = ["-created_at", "-id"]
    fields = [
        "channel",
        "template_name",
        "entity_type",
        "entity_id",
        "status",
        "attempt_count",
        "next_attempt_at",
        "sent_at",
        "last_error",
        "created_at",
    ]
    readonly_fields = fields

    actions = ["retry_failed"]
    change_form_template = "admin/messaging/notificationoutbox/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).defer("payload_json")

    def get_urls(self):

        urls = [
            path(
                "<uuid:notification_id>/kartoti/",
                self.admin_site.admin_view(retry_notification),
                name="messaging_notificationoutbox_retry",
            )
        ]
        return urls + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):

        row = self.get_object(request, object_id)
        context = {"outbox_row": notification_rows([row])[0]} if row is not None else {}
        return super().change_view(request, object_id, form_url, {**context, **(extra_context or {})})

    @admin.action(description=_("Retry"))
    def retry_failed(self, request, queryset):
        """«Kartoti» the selected FAILED rows (3 per row per 24 h)."""

        rows = list(queryset.only("pk", "status"))
        if any(row.status != OutboxStatus.FAILED for row in rows):
            messages.warning(request, _("Only FAILED notifications can be retried."))
        for row in rows:
            if row.status == OutboxStatus.FAILED:
                notification_retry_report(request, row.pk)

    @admin.display(description=_("Channel"), ordering="channel")
    def channel_label(self, obj):
        return obj.get_channel_display()

    @admin.display(description=_("Template"), ordering="template_key")
    def template_name(self, obj):
        return template_label(obj.template_key)

    @admin.display(description=_("Entity"))
    def entity_link(self, obj):
        """«Projektas 1a2b3c4d» (the audit entity labels of ui.md §2.6), linked to the object's screen."""
        kind = dict(AuditLog._meta.get_field("entity_type").choices).get(obj.entity_type, obj.entity_type)
        label = f"{kind} {str(obj.entity_id)[:8]}"
        url = entity_admin_url(obj.entity_type, obj.entity_id)
        return format_html('<a href="{}">{}</a>', url, label) if url else label

    @admin.display(description=_("State"), ordering="status")
    def status_label(self, obj):
        return outbox_status_label(obj.status)

    @admin.display(description=_("Error"))
    def error_short(self, obj):
        if not obj.last_error:
            return EMPTY
        return format_html('<span title="{}">{}</span>', obj.last_error, obj.last_error[:ERROR_PREVIEW_CHARS])

    @admin.display(description=_("Created"), ordering="created_at")
    def created_local(self, obj):
        return format_local(obj.created_at)

    @admin.display(description=_("Sent"), ordering="sent_at")
    def sent_local(self, obj):
        return format_local(obj.sent_at)


@admin.register(ClientConfirmation, site=site)
class ClientConfirmationAdmin(FactAdmin):
    list_title = _("Confirmations")
    list_display = [
        "project_link",
        "channel_label",
        "status_label",
        "attempts",
        "created_local",
        "expires_local",
        "confirmed_local",
    ]
    list_display_links = None
    list_filter = ["status", "channel"]
    search_fields = ["project__id"]
    search_help_text = _("Project ID")
    ordering = ["-created_at", "-id"]
    fields = ["project", "channel", "status", "attempts", "created_at", "expires_at", "confirmed_at"]
    readonly_fields = fields

    actions = ["resend"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("token_hash", "confirmed_from_phone")

    @admin.action(description=_("Resend"))
    def resend(self, request, queryset):
        """«Persiųsti»: a new confirmation on the row's channel (same limits as the project screen)."""

        for row in queryset.only("pk", "project_id", "channel"):
            if row.channel in ("email", "sms"):
                confirmation_resend_report(request, project_id=row.project_id, channel=row.channel)
            else:
                messages.warning(request, _("Only e-mail and SMS confirmations can be resent."))

    def get_search_results(self, request, queryset, search_term):

        term = search_term.strip()
        if not term:
            return queryset, False
        project_ids = Project.objects.filter(project_id_prefix_q(term)).values("pk")
        return queryset.filter(project_id__in=project_ids), False

    @admin.display(description=_("Project"), ordering="project")
    def project_link(self, obj):
        url = reverse("admin:projects_project_change", args=[obj.project_id])
        return format_html('<a href="{}">{}</a>', url, str(obj.project_id)[:8])

    @admin.display(description=_("Channel"), ordering="channel")
    def channel_label(self, obj):
        return obj.get_channel_display()

    @admin.display(description=_("State"), ordering="status")
    def status_label(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("Created"), ordering="created_at")
    def created_local(self, obj):
        return format_local(obj.created_at)

    @admin.display(description=_("Valid until"), ordering="expires_at")
    def expires_local(self, obj):
        return format_local(obj.expires_at)

    @admin.display(description=_("Confirmed"), ordering="confirmed_at")
    def confirmed_local(self, obj):
        return format_local(obj.confirmed_at)
