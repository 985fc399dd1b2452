"""«Kainų taisyklės» (ui.md §3.12, data-model.md §2.4)."""

from decimal import Decimal

import pytest

from projects.estimate_demo import estimate_rules_demo_ensure
from projects.models import EstimateRule

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
