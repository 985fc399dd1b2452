import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
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
        # The template's Lithuanian name lives with the catalogue, which imports this module; screens show it.
        return f"{self.get_channel_display()} {self.get_status_display()}"


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


class AppointmentStatus(models.TextChoices):
    HELD = "HELD", pgettext_lazy("appointment status", "Held")
    CONFIRMED = "CONFIRMED", pgettext_lazy("appointment status", "Confirmed")
    CANCELLED = "CANCELLED", pgettext_lazy("appointment status", "Cancelled")


class VisitType(models.TextChoices):
    PRIMARY = "PRIMARY", _("First visit")
    SECONDARY = "SECONDARY", _("Second visit")


class WeatherClass(models.TextChoices):
    SOIL_SENSITIVE = "SOIL_SENSITIVE", _("Soil sensitive")
    WEATHER_RESISTANT = "WEATHER_RESISTANT", _("Weather resistant")
    MIXED = "MIXED", _("Mixed")


LIVE_APPOINTMENT_STATUSES = (AppointmentStatus.HELD, AppointmentStatus.CONFIRMED)


class TsTzRange(Func):
    """``tstzrange(start, end, '[)')``: the half-open interval of a visit."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Appointment(models.Model):
    """A visit in the calendar (messaging.md §8.2): HELD → CONFIRMED | CANCELLED, CONFIRMED → CANCELLED."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    call_request = models.ForeignKey(
        CallRequest,
        verbose_name=_("call request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    resource = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    visit_type = models.CharField(_("visit type"), max_length=32, choices=VisitType.choices, default=VisitType.PRIMARY)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=32, choices=AppointmentStatus.choices, default=AppointmentStatus.CONFIRMED
    )
    lock_level = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lock_reason = models.TextField(null=True, blank=True)
    hold_expires_at = models.DateTimeField(_("held until"), null=True, blank=True)
    weather_class = models.CharField(max_length=32, choices=WeatherClass.choices, default=WeatherClass.MIXED)
    route_date = models.DateField(null=True, blank=True)
    route_sequence = models.IntegerField(null=True, blank=True)
    row_version = models.PositiveIntegerField(default=1)
    superseded_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(null=True, blank=True)
    notes = models.TextField(_("notes"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        db_table = "appointments"
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="chk_appointment_time"),
            models.CheckConstraint(
                condition=Q(project__isnull=False) | Q(call_request__isnull=False), name="chk_appt_link"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AppointmentStatus.values), name="chk_appointment_status_axis"
            ),
            models.CheckConstraint(
                condition=Q(status=AppointmentStatus.HELD, hold_expires_at__isnull=False)
                | (~Q(status=AppointmentStatus.HELD) & Q(hold_expires_at__isnull=True)),
                name="chk_hold_only_when_held",
            ),
            models.CheckConstraint(
                condition=Q(lock_level__gte=0, lock_level__lte=3), name="appointments_lock_level_range"
            ),
            # Every cancellation sets its fields together (messaging.md §8.2).
            models.CheckConstraint(
                condition=~Q(status=AppointmentStatus.CANCELLED)
                | Q(cancelled_at__isnull=False, cancel_reason__isnull=False),
                name="appointments_cancel_fields",
            ),
            models.CheckConstraint(condition=Q(visit_type__in=VisitType.values), name="appointments_visit_type_valid"),
            models.CheckConstraint(
                condition=Q(weather_class__in=WeatherClass.values), name="appointments_weather_class_valid"
            ),
            models.UniqueConstraint(
                fields=["project", "visit_type"],
                condition=Q(status=AppointmentStatus.CONFIRMED, project__isnull=False),
                name="uniq_project_confirmed_visit",
            ),
            models.UniqueConstraint(
                fields=["call_request", "visit_type"],
                condition=Q(status=AppointmentStatus.CONFIRMED, call_request__isnull=False),
                name="uniq_call_request_confirmed_visit",
            ),
            # PostgreSQL only (the migration adds it there alone); services check the same rule on every database.
            ExclusionConstraint(
                name="no_overlap_per_resource",
                expressions=[
                    ("resource", RangeOperators.EQUAL),
                    (TsTzRange("starts_at", "ends_at", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=LIVE_APPOINTMENT_STATUSES),
            ),
        ]
        indexes = [
            models.Index(fields=["status"], name="idx_appointments_status"),
            models.Index(fields=["resource", "starts_at"], name="idx_appt_resource_time"),
            models.Index(fields=["project", "starts_at"], name="idx_appt_project_time"),
            models.Index(fields=["call_request"], name="idx_appointments_call_request"),
            models.Index(
                fields=["hold_expires_at"], condition=Q(status=AppointmentStatus.HELD), name="idx_appt_hold_exp"
            ),
            models.Index(fields=["route_date", "resource", "route_sequence"], name="idx_appt_route"),
        ]

    def __str__(self) -> str:
        return f"{self.get_visit_type_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class ConversationChannel(models.TextChoices):
    VOICE = "VOICE", _("Phone call")
    CHAT = "CHAT", _("Chat")


class ConversationLock(models.Model):
    """The hold a voice call or chat keeps while the caller decides (messaging.md §8.4); deleted with it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(max_length=16, choices=ConversationChannel.choices)
    conversation_id = models.CharField(max_length=128)
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="conversation_locks")
    visit_type = models.CharField(max_length=32, choices=VisitType.choices, default=VisitType.PRIMARY)
    hold_expires_at = models.DateTimeField()
    prompt_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "conversation_locks"
        constraints = [
            models.UniqueConstraint(fields=["channel", "conversation_id"], name="uniq_conversation_lock"),
            models.CheckConstraint(
                condition=Q(channel__in=ConversationChannel.values), name="conversation_locks_channel_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["hold_expires_at"], name="idx_conv_lock_exp"),
            models.Index(fields=["appointment", "visit_type"], name="idx_conv_lock_visit"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.conversation_id}"
