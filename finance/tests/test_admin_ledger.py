"""«Knygos įrašai» (ui.md §3.11): list with badges and filters, add through the service (a double submit is a
replay), «Koreguoti» once, never edit or delete; the «Išlaidos» inline and profit line of the project screen."""

import uuid
from decimal import Decimal

import pytest

from finance.models import LedgerEntry
from finance.tests.factories import add_cost, reverse_cost
from payments.models import PaymentType
from payments.tests.factories import add_payment
from projects.tests.factories import make_project
from vejapro.core.audit.actions import AuditAction
from vejapro.core.tests.audit import audit_rows

LIST_URL = "/admin/finance/ledgerentry/"
ADD_URL = "/admin/finance/ledgerentry/add/"


def reverse_url(entry) -> str:
    return f"/admin/finance/ledgerentry/{entry.pk}/koreguoti/"


@pytest.fixture(autouse=True)
def _ledger_on(settings):
    settings.ENABLE_FINANCE_LEDGER = True


def form_data(**fields) -> dict:
    return {
        "entry_key": str(uuid.uuid4()),
        "entry_type": "EXPENSE",
        "category": "FUEL",
        "amount": "45.60",
        "currency": "EUR",
        "payment_method": "CARD",
        "description": "Degalai VW",
        "project": "",
        "occurred_on": "2026-03-05",
        **fields,
    }


@pytest.mark.django_db
def test_add_form_labels_and_success(admin_client):
    page = admin_client.get(ADD_URL).content.decode()
    for label in ("Tipas", "Kategorija", "Suma", "Valiuta", "Būdas", "Aprašymas", "Projektas (nebūtina)", "Data"):
        assert label in page
    assert 'placeholder="pvz., Degalai VW"' in page
    assert ">Išlaidos<" in page
    assert ">Mokesčiai<" in page
    assert "Koregavimas" not in page

    response = admin_client.post(ADD_URL, form_data(), follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Įrašas pridėtas."]
    entry = LedgerEntry.objects.get()
    assert (entry.amount, entry.payment_method, entry.description) == (Decimal("45.60"), "CARD", "Degalai VW")
    assert entry.occurred_at.isoformat() == "2026-03-04T22:00:00+00:00"  # Vilnius midnight
    assert len(audit_rows(AuditAction.FINANCE_LEDGER_ENTRY_CREATED)) == 1


@pytest.mark.django_db
def test_a_double_submit_records_one_cost(admin_client):
    data = form_data()
    admin_client.post(ADD_URL, data)

    response = admin_client.post(ADD_URL, data, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Įrašas pridėtas.", "Įrašas jau buvo pridėtas."]
    assert LedgerEntry.objects.count() == 1
    assert len(audit_rows(AuditAction.FINANCE_LEDGER_ENTRY_CREATED)) == 1


@pytest.mark.django_db
def test_add_form_errors_lose_nothing(admin_client):
    response = admin_client.post(ADD_URL, form_data(amount="0", description="Tepalai"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Tepalai" in page
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_unknown_project_is_a_message(admin_client):
    response = admin_client.post(ADD_URL, form_data(project=str(uuid.uuid4())))

    assert [str(m) for m in response.context["messages"]] == ["Projektas nerastas"]
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_project_screen_link_prefills_the_project(admin_client):
    project = make_project()

    page = admin_client.get(ADD_URL, {"projektas": str(project.pk)}).content.decode()

    assert f'value="{project.pk}"' in page


@pytest.mark.django_db
def test_list_columns_badges_and_filters(admin_client, admin_user):
    project = make_project()
    fuel = add_cost(admin_user, "12.50", project=project, description="Degalai")
    reverse_cost(admin_user, fuel, reason="Klaida")
    add_cost(admin_user, "99", entry_type="TAX", category="TAXES", description="PVM")

    html = admin_client.get(LIST_URL).content.decode()

    assert "<h1>Knygos įrašai</h1>" in html
    for label in ("Tipas", "Kategorija", "Suma", "Aprašymas", "Projektas", "Data", "Įrašė"):
        assert label in html
    assert "Korekc." in html
    assert "Koreguota" in html
    assert "12,50\u00a0€" in html
    assert "-12,50\u00a0€" in html
    assert html.count(">Koreguoti</a>") == 1  # only the untouched TAX entry can still be corrected
    taxes = admin_client.get(LIST_URL, {"entry_type__exact": "TAX"}).content.decode()
    assert "PVM" in taxes
    assert "Degalai" not in taxes
    by_project = admin_client.get(LIST_URL, {"projektas": str(project.pk)}).content.decode()
    assert "PVM" not in by_project
    assert "Degalai" in by_project
    overhead = admin_client.get(LIST_URL, {"projektas": "be-projekto"}).content.decode()
    assert "PVM" in overhead
    assert "Degalai" not in overhead


@pytest.mark.django_db
def test_empty_list(admin_client):
    assert "Įrašų nėra." in admin_client.get(LIST_URL).content.decode()


@pytest.mark.django_db
def test_reverse_button_once(admin_client, admin_user):
    entry = add_cost(admin_user, "30")
    page = admin_client.get(reverse_url(entry)).content.decode()
    assert "Koregavimo priežastis" in page

    first = admin_client.post(reverse_url(entry), {"reason": "Dublikatas"}, follow=True)
    second = admin_client.post(reverse_url(entry), {"reason": "Dublikatas"}, follow=True)

    assert [str(m) for m in first.context["messages"]] == ["Įrašas pakoreguotas."]
    assert [str(m) for m in second.context["messages"]] == ["Įrašas jau koreguotas"]
    assert LedgerEntry.objects.filter(reverses_entry=entry).count() == 1
    assert len(audit_rows(AuditAction.FINANCE_LEDGER_ENTRY_REVERSED)) == 1


@pytest.mark.django_db
def test_entries_cannot_be_edited_or_deleted(admin_client, admin_user):
    entry = add_cost(admin_user, "10")

    change = admin_client.post(f"/admin/finance/ledgerentry/{entry.pk}/change/", {"amount": "1"})
    delete = admin_client.post(f"/admin/finance/ledgerentry/{entry.pk}/delete/", {"post": "yes"})

    assert (change.status_code, delete.status_code) == (403, 403)
    assert LedgerEntry.objects.get().amount == Decimal("10.00")


@pytest.mark.django_db
def test_flag_off_hides_the_ledger(admin_client, admin_user, settings):
    entry = add_cost(admin_user, "10")
    settings.ENABLE_FINANCE_LEDGER = False

    assert admin_client.get(LIST_URL).status_code == 403
    assert admin_client.get(ADD_URL).status_code == 403
    assert admin_client.post(reverse_url(entry), {"reason": "x"}).status_code == 403
    index = admin_client.get("/admin/").content.decode()
    assert "Knygos įrašai" not in index
    assert "Suvestinė" not in index
    assert 'href="/admin/finansai/"' not in index


@pytest.mark.django_db
@pytest.mark.parametrize("path", [LIST_URL, ADD_URL])
def test_non_staff_are_sent_to_sign_in(client, contractor_user, path):
    client.force_login(contractor_user)

    response = client.get(path)

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_project_screen_shows_costs_and_profit(admin_client, admin_user):
    project = make_project("PAID")
    add_payment(project, PaymentType.DEPOSIT, "500")
    add_cost(admin_user, "120", project=project, category="MATERIALS", description="Sėklos")

    html = admin_client.get(f"/admin/projects/project/{project.pk}/change/").content.decode()

    assert 'id="islaidos"' in html
    assert "Sėklos" in html
    assert "Medžiagos" in html
    assert 'Pelnas: <strong class="vp-money">380,00\u00a0€</strong>' in html
    assert f"/admin/finance/ledgerentry/add/?projektas={project.pk}" in html


@pytest.mark.django_db
def test_project_screen_without_the_flag_has_no_costs(admin_client, settings):
    settings.ENABLE_FINANCE_LEDGER = False
    project = make_project("PAID")

    html = admin_client.get(f"/admin/projects/project/{project.pk}/change/").content.decode()

    assert 'id="islaidos"' not in html
    assert "Pelnas" not in html
