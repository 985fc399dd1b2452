"""«Kainų taisyklės» (ui.md §3.12, data-model.md §2.4)."""

from decimal import Decimal

import pytest

from projects.estimate_demo import estimate_rules_demo_ensure
from projects.models import EstimateRule
from vejapro.core.models import AuditLog

LIST_URL = "/admin/projects/estimaterule/"


@pytest.mark.django_db
def test_list_labels_and_sample_price_flag(admin_client):
    assert estimate_rules_demo_ensure() == 6
    assert estimate_rules_demo_ensure() == 0
    EstimateRule.objects.filter(method="roll_lawn").update(price_per_m2=Decimal("9.10"))

    html = admin_client.get(LIST_URL).content.decode()

    assert "<h1>Kainų taisyklės</h1>" in html
    for label in ("Paslauga", "Metodas", "Pavadinimas", "Kaina už m² (EUR)", "Minimali kaina (EUR)", "Aktyvi"):
        assert label in html
    assert "Vejos įrengimas" in html
    assert "Ritininė veja" in html
    assert html.count("Pavyzdinė kaina") == 5
    assert "9,10\u00a0€" in html


@pytest.mark.django_db
def test_edit_a_rule(admin_client):
    estimate_rules_demo_ensure()
    rule = EstimateRule.objects.get(method="seeding")
    url = f"/admin/projects/estimaterule/{rule.pk}/change/"
    data = {
        "service": "lawn_installation",
        "method": "seeding",
        "label": "Sėjimas",
        "price_per_m2": "3.40",
        "minimum_price": "350",
        "is_active": "on",
    }

    wrong = admin_client.post(url, {**data, "method": "large"})
    response = admin_client.post(url, data)

    assert "Šis metodas nepriklauso pasirinktai paslaugai." in wrong.content.decode()
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.price_per_m2, rule.minimum_price) == (Decimal("3.40"), Decimal("350.00"))


@pytest.mark.django_db
def test_rules_are_not_deleted_from_the_admin(admin_client):
    estimate_rules_demo_ensure()
    rule = EstimateRule.objects.first()

    assert admin_client.post(f"/admin/projects/estimaterule/{rule.pk}/delete/", {"post": "yes"}).status_code == 403


RULE_FORM = {
    "service": "overgrown_cleanup",
    "method": "medium",
    "label": "Vidutinis (20-50cm)",
    "price_per_m2": "1.25",
    "minimum_price": "200",
    "is_active": "on",
}


def rule_audits():
    return list(AuditLog.objects.filter(action__startswith="ESTIMATE_RULE_").order_by("timestamp", "id"))


@pytest.mark.django_db
def test_adding_a_rule_writes_one_audit_row(admin_client, admin_user):
    response = admin_client.post(f"{LIST_URL}add/", RULE_FORM)

    rule = EstimateRule.objects.get()
    assert response.status_code == 302
    [row] = rule_audits()
    assert (row.action, row.entity_type, row.entity_id) == ("ESTIMATE_RULE_CREATED", "system", rule.pk)
    assert (row.actor_type, row.actor_id) == ("ADMIN", str(admin_user.pk))
    assert row.old_value is None
    assert row.new_value == {
        "service": "overgrown_cleanup",
        "method": "medium",
        "label": "Vidutinis (20-50cm)",
        "price_per_m2": 1.25,
        "minimum_price": 200,
        "is_active": True,
    }


@pytest.mark.django_db
def test_changing_a_rule_audits_the_changed_fields_only(admin_client):
    estimate_rules_demo_ensure()
    rule = EstimateRule.objects.get(method="medium")
    before = AuditLog.objects.count()

    response = admin_client.post(f"{LIST_URL}{rule.pk}/change/", {**RULE_FORM, "price_per_m2": "1.35"})

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.price_per_m2 == Decimal("1.35")
    assert AuditLog.objects.count() == before + 1
    row = rule_audits()[-1]
    assert (row.action, row.entity_id, row.actor_type) == ("ESTIMATE_RULE_UPDATED", rule.pk, "ADMIN")
    assert (row.old_value, row.new_value) == ({"price_per_m2": 1.2}, {"price_per_m2": 1.35})


@pytest.mark.django_db
def test_saving_an_unchanged_rule_writes_no_audit_row(admin_client):
    estimate_rules_demo_ensure()
    rule = EstimateRule.objects.get(method="medium")
    before = AuditLog.objects.count()

    response = admin_client.post(f"{LIST_URL}{rule.pk}/change/", {**RULE_FORM, "price_per_m2": "1.20"})

    assert response.status_code == 302
    assert AuditLog.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"method": "seeding"}, "Šis metodas nepriklauso pasirinktai paslaugai."),
        ({"minimum_price": "-1"}, "Kaina negali būti neigiama."),
    ],
)
def test_an_invalid_rule_shows_the_error_and_saves_nothing(admin_client, changes, message):
    add = admin_client.post(f"{LIST_URL}add/", {**RULE_FORM, **changes})
    estimate_rules_demo_ensure()
    rule = EstimateRule.objects.get(method="medium")
    before = AuditLog.objects.count()
    change = admin_client.post(f"{LIST_URL}{rule.pk}/change/", {**RULE_FORM, "price_per_m2": "9.99", **changes})

    for response in (add, change):
        assert response.status_code == 200
        assert message in response.content.decode()
    assert EstimateRule.objects.count() == 6
    rule.refresh_from_db()
    assert rule.price_per_m2 == Decimal("1.20")
    assert AuditLog.objects.count() == before


@pytest.mark.django_db
def test_demo_rules_are_created_through_the_audited_service():
    estimate_rules_demo_ensure()
    estimate_rules_demo_ensure()

    rows = rule_audits()
    assert [row.action for row in rows] == ["ESTIMATE_RULE_CREATED"] * 6
    assert {row.actor_type for row in rows} == {"SYSTEM"}
    assert {row.entity_id for row in rows} == set(EstimateRule.objects.values_list("pk", flat=True))
