"""Payment reads: idempotency look-ups, a project's payments and the back office's lists. The facts the transition
guards use are in ``payments.facts``."""

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from payments.models import Payment, PaymentProvider, PaymentStatus
from projects.selectors import project_get


def payment_get_by_manual_key(*, provider_event_id: str) -> Payment | None:
    """The manual idempotency namespace (shared by manual payments, quick payments and waivers)."""
    return Payment.objects.filter(provider=PaymentProvider.MANUAL, provider_event_id=provider_event_id).first()


def payment_manual_receipt_taken(*, receipt_no: str) -> bool:
    return Payment.objects.filter(provider=PaymentProvider.MANUAL, receipt_no=receipt_no).exists()


def payment_list_for_project(*, project_id) -> list[Payment]:
    """Every payment of a project, newest first (api.md §8.5); 404 ``Projektas nerastas`` for an unknown project."""
    project = project_get(project_id=project_id)
    return list(Payment.objects.filter(project=project).order_by("-created_at", "-id"))


# --- Back office reads ---


def payment_admin_list() -> QuerySet[Payment]:
    return Payment.objects.select_related("project", "collected_by", "confirmed_by", "voided_by")


def payments_for_projects(*, project_ids: list) -> list[Payment]:
    return list(
        Payment.objects.filter(project_id__in=project_ids)
        .select_related("collected_by", "voided_by")
        .order_by("-created_at", "-id")
    )


def payments_total_paid(*, project_ids: list) -> Decimal:
    total = Payment.objects.filter(project_id__in=project_ids, status=PaymentStatus.SUCCEEDED).aggregate(
        total=Sum("amount")
    )["total"]
    return total or Decimal("0.00")


def payment_voidable(payment: Payment) -> bool:
    """Only SUCCEEDED manual payments can be voided (workflow.md §12)."""
    return payment.provider == PaymentProvider.MANUAL and payment.status == PaymentStatus.SUCCEEDED


def payment_project_ids_matching(*, text: str) -> QuerySet:
    """The projects of the payments whose receipt number or reference (the idempotency key or the Stripe event)
    contains ``text``, as a subquery (the back office's search)."""
    matching = Payment.objects.filter(Q(receipt_no__icontains=text) | Q(provider_event_id__icontains=text))
    return matching.values("project_id")
