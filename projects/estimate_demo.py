"""The six demo price rules of the estimate wizard (data-model.md §2.4). Their prices are placeholders that the owner
replaces before go-live; the back office flags a rule that still carries them as «Pavyzdinė kaina»."""

from decimal import Decimal

from django.db import transaction

from projects.models import EstimateMethod, EstimateRule, EstimateService
from projects.services import estimate_rule_create
from vejapro.core.actors import Actor

SAMPLE_RULES = (
    (EstimateService.LAWN_INSTALLATION, EstimateMethod.SEEDING, "Sėjimas", Decimal("3.00"), Decimal("300.00")),
    (EstimateService.LAWN_INSTALLATION, EstimateMethod.ROLL_LAWN, "Ritininė veja", Decimal("8.00"), Decimal("500.00")),
    (EstimateService.LAWN_INSTALLATION, EstimateMethod.HYDROSEEDING, "Hidrosėja", Decimal("4.50"), Decimal("400.00")),
    (EstimateService.OVERGROWN_CLEANUP, EstimateMethod.SMALL, "Mažas (<20cm)", Decimal("0.80"), Decimal("150.00")),
    (
        EstimateService.OVERGROWN_CLEANUP,
        EstimateMethod.MEDIUM,
        "Vidutinis (20-50cm)",
        Decimal("1.20"),
        Decimal("200.00"),
    ),
    (EstimateService.OVERGROWN_CLEANUP, EstimateMethod.LARGE, "Didelis (>50cm)", Decimal("1.80"), Decimal("250.00")),
)
SAMPLE_PRICES = {(service, method): (price, minimum) for service, method, _label, price, minimum in SAMPLE_RULES}


def estimate_rule_is_sample(rule: EstimateRule) -> bool:
    return SAMPLE_PRICES.get((rule.service, rule.method)) == (rule.price_per_m2, rule.minimum_price)


@transaction.atomic
def estimate_rules_demo_ensure() -> int:
    """Create the missing demo rules (existing rows are left as the owner set them); returns how many were made."""
    existing = set(EstimateRule.objects.values_list("service", "method"))
    created = 0
    for service, method, label, price, minimum in SAMPLE_RULES:
        if (service, method) in existing:
            continue
        estimate_rule_create(
            actor=Actor.system(), service=service, method=method, label=label, price_per_m2=price, minimum_price=minimum
        )
        created += 1
    return created
