"""Test data for messaging: projects in a status, payments and confirmations written directly (setup only)."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from messaging.models import ClientConfirmation, ConfirmationStatus
from payments.models import Payment, PaymentMethod, PaymentProvider, PaymentStatus, PaymentType
from projects.models import CERTIFIED_STATUSES, Project, ProjectStatus
from vejapro.core.models import AuditLog
from vejapro.core.redaction import sha256_hex

CLIENT_INFO = {"name": "Jonas Jonaitis", "email": "jonas@gmail.com", "phone": "+37061234567"}


def make_project(status: str = ProjectStatus.CERTIFIED, *, client_info: dict | None = None, **fields) -> Project:
    certified = status in CERTIFIED_STATUSES
    return Project.objects.create(
        client_info=dict(CLIENT_INFO) if client_info is None else client_info,
        status=status,
        is_certified=certified,
        certified_at=timezone.now() if certified else None,
        **fields,
    )


def add_payment(project: Project, payment_type: str = PaymentType.FINAL, amount: str = "500.00", **fields) -> Payment:
    return Payment.objects.create(
        project=project,
        provider=fields.pop("provider", PaymentProvider.MANUAL),
        provider_event_id=fields.pop("provider_event_id", f"test-{uuid.uuid4()}"),
        amount=Decimal(amount),
        payment_type=payment_type,
        status=PaymentStatus.SUCCEEDED,
        payment_method=fields.pop("payment_method", PaymentMethod.CASH),
        is_manual_confirmed=True,
        **fields,
    )


def add_confirmation(
    project: Project,
    token: str = "TOKEN-ABC_123",
    *,
    channel: str = "email",
    status: str = ConfirmationStatus.PENDING,
    attempts: int = 0,
    expires_in: timedelta = timedelta(hours=72),
) -> ClientConfirmation:
    return ClientConfirmation.objects.create(
        project=project,
        token_hash=sha256_hex(token.strip().upper()),
        channel=channel,
        status=status,
        attempts=attempts,
        expires_at=timezone.now() + expires_in,
        confirmed_at=timezone.now() if status == ConfirmationStatus.CONFIRMED else None,
    )


def audit_rows(action: str | None = None, **filters) -> list[AuditLog]:
    rows = AuditLog.objects.filter(**filters)
    if action:
        rows = rows.filter(action=action)
    return list(rows.order_by("timestamp", "id"))


def audit_actions(**filters) -> list[str]:
    return [row.action for row in audit_rows(**filters)]
