import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Project

ADMIN_CONFIRMED_TOKEN_HASH = "admin-confirmed"  # noqa: S105 - a message / marker, not a secret


class ConfirmationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    ADMIN = "admin", _("Administrator")


class ConfirmationStatus(models.TextChoices):
    PENDING = "PENDING", _("Pending")
    CONFIRMED = "CONFIRMED", _("Confirmed")
    EXPIRED = "EXPIRED", _("Expired")
    FAILED = "FAILED", _("Failed")


class ClientConfirmation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="confirmations"
    )
    token_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_from_phone = models.CharField(_("confirmed from phone"), max_length=20, null=True, blank=True)
    channel = models.CharField(
        _("channel"), max_length=20, choices=ConfirmationChannel.choices, default=ConfirmationChannel.EMAIL
    )
    status = models.CharField(
        _("status"), max_length=32, choices=ConfirmationStatus.choices, default=ConfirmationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "client_confirmations"
        verbose_name = _("client confirmation")
        verbose_name_plural = _("client confirmations")
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], condition=~Q(channel="admin"), name="uniq_cc_token_hash"),
            models.CheckConstraint(condition=Q(status__in=ConfirmationStatus.values), name="cc_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=ConfirmationChannel.values), name="cc_channel_valid"),
            models.CheckConstraint(
                condition=~Q(status="CONFIRMED") | Q(confirmed_at__isnull=False), name="cc_confirmed_at_set"
            ),
            models.CheckConstraint(
                condition=~Q(channel="admin") | Q(status="CONFIRMED", token_hash=ADMIN_CONFIRMED_TOKEN_HASH),
                name="cc_admin_rows",
            ),
        ]
        indexes = [models.Index(fields=["project", "status"], name="idx_cc_project")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_status_display()}"


class OutboxChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP_PING = "whatsapp_ping", _("WhatsApp")


class OutboxStatus(models.TextChoices):
    PENDING = "PENDING", _("Pending")
    RETRY = "RETRY", _("Retrying")
    SENT = "SENT", _("Sent")
    FAILED = "FAILED", _("Failed")
    SKIPPED = "SKIPPED", _("Skipped")


class NotificationOutbox(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    entity_type = models.CharField(_("entity type"), max_length=64)
    entity_id = models.UUIDField(_("entity id"))
    channel = models.CharField(_("channel"), max_length=32, choices=OutboxChannel.choices)
    template_key = models.CharField(_("template"), max_length=64)
    payload_json = models.JSONField(_("payload"))
    dedupe_key = models.CharField(max_length=128, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempt_count = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider message id"), max_length=64, null=True, blank=True)
    # Set while a worker sends the row outside any transaction; once it passes, the row is due again.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "notification_outbox"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OutboxStatus.values), name="notification_outbox_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=OutboxChannel.values), name="notification_outbox_channel_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="SENT") | Q(sent_at__isnull=False), name="notification_outbox_sent_at_set"
            ),
            models.CheckConstraint(
                condition=Q(lease_expires_at__isnull=True) | Q(status__in=[OutboxStatus.PENDING, OutboxStatus.RETRY]),
                name="notification_outbox_lease_only_while_due",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="idx_notification_outbox_status"),
            models.Index(fields=["entity_type", "entity_id", "-created_at"], name="idx_notification_outbox_entity"),
        ]

    def __str__(self) -> str:
        return f"{self.template_key} ({self.get_channel_display()})"


class CallRequestStatus(models.TextChoices):
    NEW = "NEW", pgettext_lazy("call request status", "New")
    CONTACTED = "CONTACTED", pgettext_lazy("call request status", "Contacted")
    SCHEDULED = "SCHEDULED", pgettext_lazy("call request status", "Scheduled")
    CLOSED = "CLOSED", pgettext_lazy("call request status", "Closed")


class CallRequestSource(models.TextChoices):
    PUBLIC = "public", pgettext_lazy("call request source", "Website")
    VOICE = "voice", pgettext_lazy("call request source", "Phone call")
    CHAT = "chat", pgettext_lazy("call request source", "Chat")
    EMAIL = "email", pgettext_lazy("call request source", "E-mail")


class CallRequest(models.Model):
    """A lead from any channel, before a project exists (messaging.md §8.1); ``intake_state`` is its client card."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=128)
    # "" for e-mail leads, "unknown" for a call without caller id.
    phone = models.CharField(_("phone"), max_length=32)
    email = models.EmailField(_("e-mail"), max_length=255, null=True, blank=True)
    preferred_time = models.DateTimeField(_("preferred time"), null=True, blank=True)
    notes = models.TextField(_("notes"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=CallRequestStatus.choices, default=CallRequestStatus.NEW
    )
    source = models.CharField(
        _("source"), max_length=32, choices=CallRequestSource.choices, default=CallRequestSource.PUBLIC
    )
    conversation_ref = models.CharField(_("conversation"), max_length=128, null=True, blank=True)
    converted_project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_requests",
    )
    preferred_channel = models.CharField(_("preferred channel"), max_length=20, default="email")
    intake_state = models.JSONField(_("client card"), default=dict, blank=True)
    anonymized_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "call_requests"
        verbose_name = _("call request")
        verbose_name_plural = _("call requests")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CallRequestStatus.values), name="call_requests_status_valid"),
            models.CheckConstraint(condition=Q(source__in=CallRequestSource.values), name="call_requests_source_valid"),
            models.UniqueConstraint(
                fields=["source", "conversation_ref"],
                condition=Q(conversation_ref__isnull=False),
                name="uniq_call_requests_conversation",
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="idx_call_requests_status"),
            models.Index(fields=["-created_at", "-id"], name="idx_call_requests_created"),
            models.Index(Lower("email"), condition=Q(email__isnull=False), name="idx_call_requests_email_lower"),
            models.Index(fields=["phone"], name="idx_call_requests_phone"),
        ]

    def __str__(self) -> str:
        return self.name


class InboundEmailOutcome(models.TextChoices):
    CREATED = "created", _("Lead created")
    MERGED = "merged", _("Merged into the lead")


class ProcessedInboundEmail(models.Model):
    """One row per processed inbound e-mail: the idempotency record of the e-mail webhook (messaging.md §10)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    message_id_hash = models.CharField(max_length=64, unique=True)
    message_id = models.TextField(_("Message-Id"))
    # SET_NULL: the idempotency record outlives a deleted lead.
    call_request = models.ForeignKey(
        CallRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="inbound_emails"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=InboundEmailOutcome.choices)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        db_table = "processed_inbound_emails"
        verbose_name = _("processed inbound e-mail")
        verbose_name_plural = _("processed inbound e-mails")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=InboundEmailOutcome.values), name="processed_inbound_emails_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.message_id
