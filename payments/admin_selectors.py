"""Payment reads for the back office screens. The fact rules are those of ``payments.selectors`` (workflow.md §5)."""

from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from payments.models import Payment, PaymentMethod, PaymentProvider, PaymentStatus, PaymentType


def payment_deposit_fact_q() -> Q:
    """A deposit fact, as a filter on payments: same rule as ``payment_deposit_fact_exists``."""
    waived = Q(provider=PaymentProvider.MANUAL, is_manual_confirmed=True, amount=0, payment_method=PaymentMethod.WAIVED)
    return (
        Q(payment_type=PaymentType.DEPOSIT, status=PaymentStatus.SUCCEEDED)
        & Q(provider__in=[PaymentProvider.MANUAL, PaymentProvider.STRIPE])
        & (Q(amount__gt=0) | waived)
    )


def payment_final_fact_q() -> Q:
    """A final-payment fact, as a filter on payments: same rule as ``payment_final_fact_exists``."""
    return Q(payment_type=PaymentType.FINAL, status=PaymentStatus.SUCCEEDED, amount__gt=0)


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
