"""Payment reads for the back office screens."""

from decimal import Decimal

from django.db.models import QuerySet, Sum

from payments.models import Payment, PaymentProvider, PaymentStatus


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
