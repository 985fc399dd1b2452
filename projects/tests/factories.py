"""Test data: projects in any status and the facts the guards read, written directly (setup, not behaviour)."""

import uuid
from decimal import Decimal

from django.utils import timezone

from messaging.models import ADMIN_CONFIRMED_TOKEN_HASH, ClientConfirmation, ConfirmationStatus
from payments.models import Payment, PaymentMethod, PaymentProvider, PaymentStatus, PaymentType
from projects.models import CERTIFIED_STATUSES, Evidence, EvidenceCategory, Project, ProjectStatus
from vejapro.core.models import AuditLog

FULL_CHECKLIST = {"ground": True, "seed": True, "edges": True, "cleanliness": True}


def make_project(status: str = ProjectStatus.DRAFT, *, client=None, contractor=None, expert=None, **fields) -> Project:
    certified = status in CERTIFIED_STATUSES
    client_info = fields.pop("client_info", None)
    if client_info is None:
        client_info = {"name": "Jonas Jonaitis", "email": "jonas@gmail.com", "phone": "+37061234567"}
        if client is not None:
            client_info["client_id"] = str(client.pk)
    return Project.objects.create(
        client_info=client_info,
        client_user_id=str(client.pk) if client is not None else fields.pop("client_user_id", None),
        client_key=str(client.pk) if client is not None else fields.pop("client_key", "unknown"),
        status=status,
        is_certified=certified,
        certified_at=timezone.now() if certified else None,
        assigned_contractor=contractor,
        assigned_expert=expert,
        **fields,
    )


def add_payment(
    project: Project,
    payment_type: str = PaymentType.DEPOSIT,
    amount: str = "100.00",
    *,
    provider: str = PaymentProvider.MANUAL,
    method: str | None = PaymentMethod.CASH,
    status: str = PaymentStatus.SUCCEEDED,
    key: str | None = None,
    **fields,
) -> Payment:
    extra = {"voided_at": timezone.now()} if status == PaymentStatus.VOIDED else {}
    return Payment.objects.create(
        project=project,
        provider=provider,
        provider_event_id=key or f"test-{uuid.uuid4()}",
        amount=Decimal(amount),
        payment_type=payment_type,
        status=status,
        payment_method=method,
        is_manual_confirmed=provider == PaymentProvider.MANUAL,
        **extra,
        **fields,
    )


def add_waiver(project: Project, key: str | None = None) -> Payment:
    return add_payment(project, PaymentType.DEPOSIT, "0.00", method=PaymentMethod.WAIVED, key=key)


def add_confirmation(project: Project) -> ClientConfirmation:
    return ClientConfirmation.objects.create(
        project=project,
        token_hash=ADMIN_CONFIRMED_TOKEN_HASH,
        channel="admin",
        status=ConfirmationStatus.CONFIRMED,
        confirmed_at=timezone.now(),
        expires_at=timezone.now(),
    )


def add_photos(project: Project, count: int = 3, category: str = EvidenceCategory.EXPERT_CERTIFICATION) -> None:
    for index in range(count):
        url = f"/media/evidences/{project.pk}/{index}.jpg"
        Evidence.objects.create(project=project, file_url=url, category=category)


def add_facts_for(project: Project, target: str) -> None:
    """Whatever the guard of ``target`` needs (workflow.md §4)."""
    if target == ProjectStatus.PAID:
        add_payment(project)
    if target == ProjectStatus.CERTIFIED:
        add_photos(project)
    if target == ProjectStatus.ACTIVE:
        add_payment(project, PaymentType.FINAL, "500.00")
        add_confirmation(project)


def audit_rows(action: str | None = None, **filters):
    rows = AuditLog.objects.filter(**filters)
    if action:
        rows = rows.filter(action=action)
    return list(rows.order_by("timestamp", "id"))
