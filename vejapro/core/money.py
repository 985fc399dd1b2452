"""Money is Decimal rounded half-up to cents (spec README §7.7): one rounding rule for every app."""

from decimal import ROUND_HALF_UP, Decimal

CENTS = Decimal("0.01")


def round_cents(amount: Decimal | int | float | str) -> Decimal:
    return Decimal(str(amount)).quantize(CENTS, rounding=ROUND_HALF_UP)
