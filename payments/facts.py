"""The payment facts of the transition guards and the attention flags (workflow.md §5): a deposit and a final
payment. A leaf module: it imports models only, so every layer above (project services, read models) can use it."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from payments.models import Payment, PaymentMethod, PaymentProvider, PaymentStatus, PaymentType


def _deposit_fact_q() -> Q:
    paid = Q(amount__gt=0)
    waived = Q(provider=PaymentProvider.MANUAL, is_manual_confirmed=True, amount=0, payment_method=PaymentMethod.WAIVED)
    return (
        Q(payment_type=PaymentType.DEPOSIT, status=PaymentStatus.SUCCEEDED)
        & Q(provider__in=[PaymentProvider.MANUAL, PaymentProvider.STRIPE])
        & (paid | waived)
    )


def _final_fact_q() -> Q:
    return Q(payment_type=PaymentType.FINAL, status=PaymentStatus.SUCCEEDED, amount__gt=0)


def payment_deposit_fact_exists(*, project_id) -> bool:
    return Payment.objects.filter(_deposit_fact_q(), project_id=project_id).exists()


def payment_final_fact_exists(*, project_id) -> bool:
    return Payment.objects.filter(_final_fact_q(), project_id=project_id).exists()


def payment_deposit_fact_project_ids() -> QuerySet:
    """Ids of projects with a deposit fact, for ``pk__in`` filters: PostgreSQL hashes the subquery once, where a
    correlated ``Exists`` inside an ``OR`` is costed per row (and then JIT-compiled) on large lists."""
    return Payment.objects.filter(_deposit_fact_q()).values("project_id")


def payment_final_fact_project_ids() -> QuerySet:
    return Payment.objects.filter(_final_fact_q()).values("project_id")


def payment_deposit_fact_expression(project_ref: str = "pk") -> Exists:
    """``Exists`` for annotating project querysets (read models): one query however many rows."""
    return Exists(Payment.objects.filter(_deposit_fact_q(), project_id=OuterRef(project_ref)))


def payment_final_fact_expression(project_ref: str = "pk") -> Exists:
    return Exists(Payment.objects.filter(_final_fact_q(), project_id=OuterRef(project_ref)))
