"""Payment reads, including the facts the transition guards use (workflow.md §5)."""

from django.db.models import Q

from payments.models import Payment, PaymentMethod, PaymentProvider, PaymentStatus, PaymentType


def payment_deposit_fact_exists(*, project_id) -> bool:
    paid = Q(amount__gt=0)
    waived = Q(provider=PaymentProvider.MANUAL, is_manual_confirmed=True, amount=0, payment_method=PaymentMethod.WAIVED)
    return Payment.objects.filter(
        Q(project_id=project_id, payment_type=PaymentType.DEPOSIT, status=PaymentStatus.SUCCEEDED)
        & Q(provider__in=[PaymentProvider.MANUAL, PaymentProvider.STRIPE])
        & (paid | waived)
    ).exists()


def payment_final_fact_exists(*, project_id) -> bool:
    return Payment.objects.filter(
        project_id=project_id, payment_type=PaymentType.FINAL, status=PaymentStatus.SUCCEEDED, amount__gt=0
    ).exists()
