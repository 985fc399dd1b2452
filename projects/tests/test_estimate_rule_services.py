"""``estimate_rule_create`` / ``estimate_rule_update``: the price rules of the estimate wizard (data-model.md §2.4)."""

from decimal import Decimal

import pytest

from projects.models import EstimateRule
from projects.services import estimate_rule_create, estimate_rule_update
from vejapro.core.actors import Actor
from vejapro.core.http.errors import BadRequest, RequestValidationError
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db

SEEDING = {
    "service": "lawn_installation",
    "method": "seeding",
    "label": "Sėjimas",
    "price_per_m2": Decimal("3.00"),
    "minimum_price": Decimal("300.00"),
}


@pytest.fixture
def admin(admin_user) -> Actor:
    return Actor.for_user(admin_user)


@pytest.fixture
def seeding(admin) -> EstimateRule:
    return estimate_rule_create(actor=admin, **SEEDING)


def test_create_saves_the_rule_and_one_audit_row(admin, admin_user):
    rule = estimate_rule_create(actor=admin, **{**SEEDING, "price_per_m2": Decimal("3.005")})

    assert (rule.service, rule.method, rule.price_per_m2, rule.is_active) == (
        "lawn_installation",
        "seeding",
        Decimal("3.01"),
        True,
    )
    [row] = AuditLog.objects.all()
    assert (row.action, row.entity_type, row.entity_id) == ("ESTIMATE_RULE_CREATED", "system", rule.pk)
    assert (row.actor_type, row.actor_id) == ("ADMIN", str(admin_user.pk))
    assert row.new_value == {
        "service": "lawn_installation",
        "method": "seeding",
        "label": "Sėjimas",
        "price_per_m2": 3.01,
        "minimum_price": 300,
        "is_active": True,
    }


def test_update_audits_the_changed_fields_only(admin, seeding):
    rule, changed = estimate_rule_update(
        rule=seeding.pk,
        actor=admin,
        changes={"label": "Sėjimas", "price_per_m2": Decimal("3.40"), "is_active": False},
    )

    assert changed is True
    rule.refresh_from_db()
    assert (rule.price_per_m2, rule.is_active) == (Decimal("3.40"), False)
    row = AuditLog.objects.get(action="ESTIMATE_RULE_UPDATED")
    assert row.entity_id == seeding.pk
    assert (row.old_value, row.new_value) == (
        {"price_per_m2": 3, "is_active": True},
        {"price_per_m2": 3.4, "is_active": False},
    )


def test_update_without_a_change_writes_nothing(admin, seeding):
    _rule, changed = estimate_rule_update(rule=seeding, actor=admin, changes={"price_per_m2": Decimal("3")})

    assert changed is False
    assert list(AuditLog.objects.values_list("action", flat=True)) == ["ESTIMATE_RULE_CREATED"]


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"method": "large"}, [("method", "Šis metodas nepriklauso pasirinktai paslaugai.")]),
        (
            {"price_per_m2": Decimal("-0.01"), "minimum_price": Decimal("-5")},
            [("price_per_m2", "Kaina negali būti neigiama."), ("minimum_price", "Kaina negali būti neigiama.")],
        ),
    ],
)
def test_invalid_rules_are_refused_field_by_field(admin, seeding, fields, errors):
    with pytest.raises(RequestValidationError) as created:
        estimate_rule_create(actor=admin, **{**SEEDING, "method": "roll_lawn", **fields})
    with pytest.raises(RequestValidationError) as updated:
        estimate_rule_update(rule=seeding, actor=admin, changes=fields)

    for raised in (created.value, updated.value):
        assert raised.status == 422
        assert [(error["loc"][-1], error["msg"]) for error in raised.detail] == errors
    seeding.refresh_from_db()
    assert (seeding.method, seeding.price_per_m2) == ("seeding", Decimal("3.00"))
    assert EstimateRule.objects.count() == 1
    assert list(AuditLog.objects.values_list("action", flat=True)) == ["ESTIMATE_RULE_CREATED"]


def test_a_second_rule_for_the_same_service_and_method_is_refused(admin, seeding):
    roll = estimate_rule_create(actor=admin, **{**SEEDING, "method": "roll_lawn", "label": "Ritininė veja"})

    with pytest.raises(RequestValidationError) as created:
        estimate_rule_create(actor=admin, **SEEDING)
    with pytest.raises(RequestValidationError) as updated:
        estimate_rule_update(rule=roll, actor=admin, changes={"method": "seeding"})

    for raised in (created.value, updated.value):
        assert raised.detail == [
            {
                "loc": ["body", "method"],
                "msg": "Šios paslaugos ir metodo kainų taisyklė jau yra.",
                "type": "value_error",
            }
        ]
    assert AuditLog.objects.count() == 2


def test_update_refuses_fields_a_rule_does_not_have(admin, seeding):
    with pytest.raises(BadRequest, match="Neredaguojami laukai: created_at"):
        estimate_rule_update(rule=seeding, actor=admin, changes={"created_at": None})
