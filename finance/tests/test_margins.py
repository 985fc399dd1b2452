"""Margins: versioned through ``margin_create``, never edited or deleted (finance.md §7, ui.md §3.10)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from finance.models import Margin
from finance.services import margin_create
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.models import AuditLog

LIST_URL = "/admin/finance/margin/"
ADD_URL = "/admin/finance/margin/add/"


@pytest.mark.django_db
def test_a_new_version_closes_the_active_one(admin_user):
    actor = Actor.for_user(admin_user)
    first = margin_create(service_type="Vejos įrengimas", margin_percent=Decimal("20"), actor=actor)

    second = margin_create(service_type="Vejos įrengimas", margin_percent=Decimal("22.505"), actor=actor)

    first.refresh_from_db()
    assert first.valid_until is not None
    assert first.valid_until >= first.valid_from
    assert (second.valid_until, second.margin_percent, second.created_by) == (None, Decimal("22.51"), admin_user)
    rows = AuditLog.objects.filter(action="ADMIN_MARGIN_CREATED").order_by("timestamp", "id")
    assert [row.entity_id for row in rows] == [first.pk, second.pk]
    assert rows[0].old_value is None
    assert rows[1].old_value == {"id": str(first.pk), "margin_percent": 20.0}
    assert rows[1].new_value["service_type"] == "Vejos įrengimas"
    assert rows[1].new_value["is_active"] is True


@pytest.mark.django_db
@pytest.mark.parametrize(("service", "percent"), [("", "10"), ("x" * 65, "10"), ("Veja", "-1"), ("Veja", "1000")])
def test_invalid_margins_are_refused(admin_user, service, percent):
    with pytest.raises(ApiError):
        margin_create(service_type=service, margin_percent=Decimal(percent), actor=Actor.for_user(admin_user))
    assert not Margin.objects.exists()


@pytest.mark.django_db
def test_one_active_version_per_service_in_the_database(admin_user):
    Margin.objects.create(service_type="Veja", margin_percent=Decimal("1"))

    with pytest.raises(IntegrityError), transaction.atomic():
        Margin.objects.create(service_type="Veja", margin_percent=Decimal("2"))


@pytest.mark.django_db
def test_admin_add_form_creates_a_version(admin_client):
    page = admin_client.get(ADD_URL).content.decode()
    assert "Paslaugos tipas" in page
    assert 'placeholder="pvz., Vejos įrengimas"' in page
    assert "Maržos %" in page
    assert 'data-template="Peržiūra: nauja taisyklė „%(service)s“ su marža %(percent)s%%"' in page

    response = admin_client.post(ADD_URL, {"service_type": "Vejos įrengimas", "margin_percent": "18.5"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Nauja maržos taisyklė sukurta."]
    margin = Margin.objects.get()
    assert margin.margin_percent == Decimal("18.50")
    assert AuditLog.objects.filter(entity_id=margin.pk, action="ADMIN_MARGIN_CREATED").count() == 1


@pytest.mark.django_db
def test_margin_list_labels_state_and_recent_pill(admin_client, admin_user):
    actor = Actor.for_user(admin_user)
    margin_create(service_type="Vejos įrengimas", margin_percent=Decimal("20"), actor=actor)
    margin_create(service_type="Vejos įrengimas", margin_percent=Decimal("25"), actor=actor)

    html = admin_client.get(LIST_URL).content.decode()

    assert "<h1>Maržų taisyklės</h1>" in html
    for label in ("Paslauga", "Maržos %", "Galioja nuo", "Galioja iki", "Sukūrė", "Sukurta", "Būsena"):
        assert label in html
    assert "Aktyvi" in html
    assert "Istorinė" in html
    assert "25,00" in html
    assert "2 taisyklių pakeitimai per 7 d." in html
    active_only = admin_client.get(LIST_URL, {"busena": "aktyvi"}).content.decode()
    assert "25,00" in active_only
    assert "20,00" not in active_only


@pytest.mark.django_db
def test_empty_margin_list(admin_client):
    assert "Maržų taisyklių dar nėra." in admin_client.get(LIST_URL).content.decode()


@pytest.mark.django_db
def test_margins_cannot_be_edited_or_deleted(admin_client, admin_user):
    margin = margin_create(service_type="Veja", margin_percent=Decimal("10"), actor=Actor.for_user(admin_user))

    change = admin_client.post(f"/admin/finance/margin/{margin.pk}/change/", {"margin_percent": "99"})
    delete = admin_client.post(f"/admin/finance/margin/{margin.pk}/delete/", {"post": "yes"})

    assert (change.status_code, delete.status_code) == (403, 403)
    margin.refresh_from_db()
    assert margin.margin_percent == Decimal("10.00")
