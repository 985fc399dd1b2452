"""«Mokėjimai»: payments and Stripe events, read-only facts (ui.md §3.7)."""

from functools import partial

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from payments.models import Payment, StripeEventOutcome, StripeWebhookEvent
from payments.selectors import payment_admin_list
from payments.services import payment_void
from payments.stripe.services import stripe_event_handle
from vejapro.core.actors import Actor
from vejapro.core.admin.base import FactAdmin
from vejapro.core.admin.display import EMPTY, format_local, format_money
from vejapro.core.admin.views import service_call

site = admin.site


@admin.register(Payment, site=site)
class PaymentAdmin(FactAdmin):
    list_title = _("Payments")
    list_display = [
        "project_link",
        "type_label",
        "amount_money",
        "currency",
        "method_label",
        "provider_label",
        "status_label",
        "received_local",
        "receipt_no",
        "proof_link",
        "recorded_by",
    ]
    list_display_links = None
    list_filter = ["payment_type", "provider", "status", "payment_method", "received_at"]
    search_fields = ["provider_event_id", "receipt_no", "provider_intent_id"]
    ordering = ["-created_at", "-id"]
    date_hierarchy = "created_at"
    exclude = ["raw_payload", "ai_extracted_data"]
    readonly_fields = [
        "project",
        "payment_type",
        "amount",
        "currency",
        "payment_method",
        "provider",
        "status",
        "received_at",
        "receipt_no",
        "proof_url",
        "provider_event_id",
        "provider_intent_id",
        "collection_context",
        "collected_by",
        "voided_at",
        "voided_by",
        "void_reason",
        "created_at",
    ]
    fields = readonly_fields

    actions = ["void_payments"]

    def get_queryset(self, request):
        return payment_admin_list()

    @admin.action(description=_("Void the payment"))
    def void_payments(self, request, queryset):
        """«Anuliuoti mokėjimą»: asks for the reason first, then calls ``payment_void`` for each selected row."""
        reason = (request.POST.get("reason") or "").strip()
        if "apply" not in request.POST or not reason:
            if "apply" in request.POST:
                messages.error(request, _("Enter the reason."))
            context = {
                **self.admin_site.each_context(request),
                "title": _("Void the payment"),
                "opts": self.model._meta,
                "payments": list(queryset.select_related(None)),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "action": "void_payments",
            }
            return TemplateResponse(request, "admin/payments/payment/void.html", context)
        actor = Actor.for_user(request.user, request)
        for payment in queryset.select_related(None).only("pk"):
            service_call(
                request,
                partial(payment_void, payment=payment.pk, actor=actor, reason=reason),
                success=_("The payment is voided. The project status is unchanged."),
            )
        return None

    @admin.display(description=_("Project"), ordering="project")
    def project_link(self, obj):
        url = reverse("admin:projects_project_change", args=[obj.project_id])
        return format_html('<a href="{}">{}</a>', url, str(obj.project_id)[:8])

    @admin.display(description=_("Type"), ordering="payment_type")
    def type_label(self, obj):
        if obj.payment_method == "WAIVED":
            return _("Waived deposit")
        return obj.get_payment_type_display()

    @admin.display(description=_("Amount"), ordering="amount")
    def amount_money(self, obj):
        return format_money(obj.amount, obj.currency)

    @admin.display(description=pgettext_lazy("payment", "Method"), ordering="payment_method")
    def method_label(self, obj):
        return obj.get_payment_method_display() or EMPTY

    @admin.display(description=_("Provider"), ordering="provider")
    def provider_label(self, obj):
        return obj.get_provider_display()

    @admin.display(description=_("State"), ordering="status")
    def status_label(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("Received"), ordering="received_at")
    def received_local(self, obj):
        return format_local(obj.received_at)

    @admin.display(description=_("Proof"))
    def proof_link(self, obj):
        if not obj.proof_url:
            return EMPTY
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', obj.proof_url, _("Open"))

    @admin.display(description=_("Recorded by"))
    def recorded_by(self, obj):
        return str(obj.collected_by) if obj.collected_by else EMPTY


@admin.register(StripeWebhookEvent, site=site)
class StripeWebhookEventAdmin(FactAdmin):
    list_title = _("Stripe events")
    list_display = ["event_id", "event_type", "outcome", "attempts", "received_local", "processed_local", "error_short"]
    list_filter = ["outcome"]
    search_fields = ["event_id", "object_id"]
    ordering = ["-received_at", "-id"]
    fields = [
        "event_id",
        "event_type",
        "livemode",
        "object_id",
        "outcome",
        "attempts",
        "received_at",
        "processed_at",
        "last_error",
    ]
    readonly_fields = fields

    actions = ["process_again"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("payload")

    @admin.action(description=_("Process again"))
    def process_again(self, request, queryset):
        """«Apdoroti iš naujo» for FAILED and PENDING events: the same processing as the webhook."""
        for row in queryset.only("pk", "event_id", "outcome"):
            if row.outcome not in (StripeEventOutcome.FAILED, StripeEventOutcome.PENDING):
                messages.warning(request, _("Only FAILED and PENDING events can be processed again."))
                continue
            event = StripeWebhookEvent.objects.filter(pk=row.pk).values_list("payload", flat=True).first()
            if not event:
                messages.error(request, _("The event content is no longer stored."))
                continue
            service_call(
                request,
                partial(stripe_event_handle, event=event, request=request),
                success=_("The event %(id)s is processed.") % {"id": row.event_id},
            )

    @admin.display(description=_("Received"), ordering="received_at")
    def received_local(self, obj):
        return format_local(obj.received_at)

    @admin.display(description=_("Processed"), ordering="processed_at")
    def processed_local(self, obj):
        return format_local(obj.processed_at)

    @admin.display(description=_("Last error"))
    def error_short(self, obj):
        if not obj.last_error:
            return EMPTY
        return format_html('<span title="{}">{}</span>', obj.last_error, obj.last_error[:30])
