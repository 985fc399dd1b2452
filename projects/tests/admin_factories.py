"""Rows for back office tests. Facts are inserted as the services would leave them; the workflow tests themselves
drive the real services through the admin's HTTP views."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from messaging.models import ClientConfirmation, NotificationOutbox
from payments.models import Payment
from projects.client_keys import client_fields_from_info
from projects.models import CERTIFIED_STATUSES, Project


def make_project(
    *,
    status: str = "DRAFT",
    name: str = "Jonas Jonaitis",
    email: str | None = "jonas@gmail.com",
    phone: str | None = "+37061234567",
    **fields,
) -> Project:
    info = {key: value for key, value in {"name": name, "email": email, "phone": phone}.items() if value}
    info.update(fields.pop("client_info", {}))
    now = timezone.now()
    certified = status in CERTIFIED_STATUSES
    return Project.objects.create(
        **client_fields_from_info(info),
        status=status,
        is_certified=certified,
        certified_at=now if certified else None,
        status_changed_at=now,
        **fields,
    )


def add_payment(
    project: Project,
    *,
    payment_type: str = "DEPOSIT",
    amount: str = "100.00",
    provider: str = "manual",
    method: str = "CASH",
    status: str = "SUCCEEDED",
    **fields,
) -> Payment:
    return Payment.objects.create(
        project=project,
        provider=provider,
        provider_event_id=f"TEST-{uuid.uuid4()}",
        amount=Decimal(amount),
        currency="EUR",
        payment_type=payment_type,
        status=status,
        payment_method=method,
        received_at=timezone.now(),
        is_manual_confirmed=provider == "manual",
        voided_at=timezone.now() if status == "VOIDED" else None,
        **fields,
    )


def add_confirmation(project: Project, *, status: str = "PENDING", channel: str = "email") -> ClientConfirmation:
    confirmed = status == "CONFIRMED"
    return ClientConfirmation.objects.create(
        project=project,
        token_hash="admin-confirmed" if channel == "admin" else uuid.uuid4().hex + uuid.uuid4().hex,
        expires_at=timezone.now() + timedelta(hours=72),
        confirmed_at=timezone.now() if confirmed else None,
        channel=channel,
        status=status,
    )


def add_outbox(
    project: Project, *, status: str = "FAILED", error: str = "SMTP 550 mailbox unavailable"
) -> NotificationOutbox:
    return NotificationOutbox.objects.create(
        entity_type="project",
        entity_id=project.pk,
        channel="email",
        template_key="FINAL_PAYMENT_CONFIRMATION",
        payload_json={"to": "secret@example.com", "body": "Sveiki, čia slapta žinutė"},
        dedupe_key=f"test:{uuid.uuid4()}",
        status=status,
        attempt_count=5 if status == "FAILED" else 0,
        last_error=error if status == "FAILED" else None,
        sent_at=timezone.now() if status == "SENT" else None,
    )
