import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Project


class PaymentProvider(models.TextChoices):
    MANUAL = "manual", _("Manual")
    STRIPE = "stripe", _("Stripe")


class PaymentType(models.TextChoices):
    DEPOSIT = "DEPOSIT", _("Deposit")
    FINAL = "FINAL", _("Final payment")
    UNKNOWN = "UNKNOWN", _("Unknown")


class PaymentStatus(models.TextChoices):
    SUCCEEDED = "SUCCEEDED", _("Succeeded")
    VOIDED = "VOIDED", _("Voided")
    PENDING = "PENDING", _("Pending")
    FAILED = "FAILED", _("Failed")
    REFUNDED = "REFUNDED", _("Refunded")
    CHARGEBACK = "CHARGEBACK", _("Chargeback")


class PaymentMethod(models.TextChoices):
    CASH = "CASH", _("Cash")
    BANK_TRANSFER = "BANK_TRANSFER", _("Bank transfer")
    CARD = "CARD", _("Card")
    WAIVED = "WAIVED", _("Deposit waived")
    OTHER = "OTHER", _("Other")


class Payment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(_("provider"), max_length=32, choices=PaymentProvider.choices)
    provider_intent_id = models.CharField(_("payment intent"), max_length=128, null=True, blank=True)
    provider_event_id = models.CharField(_("idempotency key"), max_length=128, null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=10, default="EUR")
    payment_type = models.CharField(_("payment type"), max_length=32, choices=PaymentType.choices)
    status = models.CharField(_("status"), max_length=32, choices=PaymentStatus.choices)
    raw_payload = models.JSONField(null=True, blank=True)
    payment_method = models.CharField(
        _("payment method"), max_length=32, choices=PaymentMethod.choices, null=True, blank=True
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    collection_context = models.CharField(_("collection context"), max_length=32, null=True, blank=True)
    receipt_no = models.CharField(_("receipt no."), max_length=64, null=True, blank=True)
    proof_url = models.TextField(_("proof URL"), null=True, blank=True)
    ai_extracted_data = models.JSONField(null=True, blank=True)
    is_manual_confirmed = models.BooleanField(_("confirmed manually"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    void_reason = models.TextField(_("void reason"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "payments"
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_event_id"],
                condition=Q(provider_event_id__isnull=False),
                name="uniq_payments_provider_event",
            ),
            models.UniqueConstraint(
                fields=["provider", "receipt_no"],
                condition=Q(provider="manual", receipt_no__isnull=False),
                name="uniq_payments_manual_receipt",
            ),
            models.CheckConstraint(
                condition=Q(payment_method__isnull=True) | Q(payment_method__in=PaymentMethod.values),
                name="chk_payment_method_values",
            ),
            models.CheckConstraint(condition=Q(provider__in=PaymentProvider.values), name="payments_provider_valid"),
            models.CheckConstraint(condition=Q(payment_type__in=PaymentType.values), name="payments_type_valid"),
            models.CheckConstraint(condition=Q(status__in=PaymentStatus.values), name="payments_status_valid"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | (Q(amount=0) & Q(payment_method=PaymentMethod.WAIVED)),
                name="payments_amount_rule",
            ),
            models.CheckConstraint(
                condition=~Q(payment_method=PaymentMethod.WAIVED)
                | Q(payment_method__isnull=True)
                | Q(provider="manual", payment_type="DEPOSIT", amount=0, is_manual_confirmed=True),
                name="payments_waiver_shape",
            ),
            models.CheckConstraint(condition=Q(provider_event_id__isnull=False), name="payments_event_id_required"),
            models.CheckConstraint(
                condition=~Q(status=PaymentStatus.VOIDED) | Q(voided_at__isnull=False), name="payments_voided_fields"
            ),
        ]
        indexes = [
            models.Index(fields=["project"], name="idx_payments_project"),
            models.Index(fields=["project", "payment_type", "status"], name="idx_payments_facts"),
            models.Index(fields=["-created_at"], name="idx_payments_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_payment_type_display()} {self.amount} {self.currency}"


class StripeEventOutcome(models.TextChoices):
    PENDING = "PENDING", _("Pending")
    PROCESSED = "PROCESSED", _("Processed")
    IGNORED = "IGNORED", _("Ignored")
    FAILED = "FAILED", _("Failed")


class StripeWebhookEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    event_type = models.CharField(_("event type"), max_length=100)
    livemode = models.BooleanField(_("live mode"), default=False)
    object_id = models.CharField(_("object id"), max_length=255, null=True, blank=True)
    payload = models.JSONField(null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=StripeEventOutcome.choices, default=StripeEventOutcome.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), null=True, blank=True)

    class Meta:
        db_table = "stripe_webhook_events"
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=StripeEventOutcome.values), name="stripe_webhook_events_outcome_valid"
            ),
        ]
        indexes = [models.Index(fields=["outcome", "received_at"], name="idx_stripe_events_outcome")]

    def __str__(self) -> str:
        return self.event_id
