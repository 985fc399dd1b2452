"""Test data for messaging: client confirmations, notification outbox rows, leads (call requests) and visits.

Rows are written directly, as the services would leave them (setup, not behaviour).
"""

import uuid
from datetime import timedelta

from django.utils import timezone

from messaging.models import (
    ADMIN_CONFIRMED_TOKEN_HASH,
    Appointment,
    AppointmentStatus,
    CallRequest,
    CallRequestStatus,
    ClientConfirmation,
    ConfirmationStatus,
    NotificationOutbox,
    OutboxStatus,
)
from projects.models import Project
from vejapro.core.models import User
from vejapro.core.redaction import sha256_hex

OUTBOX_PAYLOAD = {"to": "secret@example.com", "body": "Sveiki, čia slapta žinutė"}
OUTBOX_ERROR = "SMTP 550 mailbox unavailable"


def add_confirmation(
    project: Project,
    token: str | None = None,
    *,
    channel: str = "email",
    status: str = ConfirmationStatus.PENDING,
    attempts: int = 0,
    expires_in: timedelta | None = None,
    **fields,
) -> ClientConfirmation:
    """A confirmation whose link/code is ``token`` (stored hashed, as the service stores it; a random one when not
    given), valid for 72 hours unless ``expires_in`` says otherwise. ``channel="admin"`` is the admin's own
    confirmation: the fixed marker instead of a hash, expiring at once, as ``confirmation_admin_confirm`` writes it."""
    if channel == "admin":
        token_hash = ADMIN_CONFIRMED_TOKEN_HASH
    else:
        token_hash = sha256_hex((token or uuid.uuid4().hex).strip().upper())
    if expires_in is None:
        expires_in = timedelta(0) if channel == "admin" else timedelta(hours=72)
    now = timezone.now()
    values = {"expires_at": now + expires_in, "confirmed_at": now if status == ConfirmationStatus.CONFIRMED else None}
    values.update(fields)
    return ClientConfirmation.objects.create(
        project=project, token_hash=token_hash, channel=channel, status=status, attempts=attempts, **values
    )


def add_outbox(
    project: Project | None = None,
    *,
    channel: str = "email",
    payload: dict | None = None,
    status: str = OutboxStatus.PENDING,
    template_key: str = "FINAL_PAYMENT_CONFIRMATION",
    **fields,
) -> NotificationOutbox:
    """An outbox row for ``project`` (for a random entity when none). A FAILED row has used its five attempts and
    carries an SMTP error, a SENT one its ``sent_at``, unless the test says otherwise."""
    values = {
        "attempt_count": 5 if status == OutboxStatus.FAILED else 0,
        "last_error": OUTBOX_ERROR if status == OutboxStatus.FAILED else None,
        "sent_at": timezone.now() if status == OutboxStatus.SENT else None,
        "dedupe_key": f"test:{uuid.uuid4()}",
    }
    values.update(fields)
    return NotificationOutbox.objects.create(
        entity_type="project",
        entity_id=project.pk if project is not None else uuid.uuid4(),
        channel=channel,
        template_key=template_key,
        payload_json=dict(OUTBOX_PAYLOAD) if payload is None else payload,
        status=status,
        **values,
    )


def add_call_request(
    name: str = "Ona Onaitė",
    *,
    phone: str = "+37061234567",
    email: str | None = "ona@example.com",
    status: str = CallRequestStatus.NEW,
    source: str = "public",
    **fields,
) -> CallRequest:
    """A lead as ``call_request_create`` (or a channel) leaves it."""
    return CallRequest.objects.create(name=name, phone=phone, email=email, status=status, source=source, **fields)


def add_appointment(
    *,
    project: Project | None = None,
    call_request: CallRequest | None = None,
    resource: User | None = None,
    status: str = AppointmentStatus.CONFIRMED,
    starts_at=None,
    minutes: int = 60,
    hold_expires_in: timedelta = timedelta(minutes=3),
    **fields,
) -> Appointment:
    """A visit as the services leave it (tomorrow at this time by default; a HELD one with its expiry, a CANCELLED
    one with its cancel fields), booked for ``resource`` or a new worker."""
    now = timezone.now()
    starts_at = starts_at or now + timedelta(days=1)
    if resource is None:
        resource = User.objects.create_user(email=f"{uuid.uuid4().hex[:8]}@darbuotojas.lt", role="SUBCONTRACTOR")
    values = {
        "hold_expires_at": now + hold_expires_in if status == AppointmentStatus.HELD else None,
        "cancelled_at": now if status == AppointmentStatus.CANCELLED else None,
        "cancel_reason": "ADMIN_CANCEL" if status == AppointmentStatus.CANCELLED else None,
        "lock_level": 1 if status == AppointmentStatus.CONFIRMED else 0,
    }
    values.update(fields)
    return Appointment.objects.create(
        project=project,
        call_request=call_request,
        resource=resource,
        status=status,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        **values,
    )
