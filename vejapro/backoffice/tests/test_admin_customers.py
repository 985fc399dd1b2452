"""«Klientai» list and profile (ui.md §3.4) and the global search (ui.md §3.13)."""

import re

import pytest

from messaging.tests.factories import add_confirmation, add_outbox
from payments.tests.factories import add_payment
from projects.tests.factories import make_project

LIST_URL = "/admin/klientai/"


@pytest.mark.django_db
def test_customers_group_projects_by_client_key(admin_client):
    first = make_project(name="Jonas", email="jonas@gmail.com", phone="+37061234567")
    make_project(name="Jonas", email="jonas@gmail.com", phone="+37061234567", status="ACTIVE")
    make_project(name="Petras", email="petras@example.com", phone=None, status="SCHEDULED")

    html = admin_client.get(LIST_URL).content.decode()

    assert "<h1>Klientai</h1>" in html
    for label in (
        "Vardas",
        "Kontaktas",
        "Projektai",
        "Statusas",
        "Depozitas",
        "Galutinis",
        "Dėmesys",
        "Aktyvumas",
        "Veiksmai",
    ):
        assert label in html
    assert "Jonas" in html
    assert "Petras" not in html  # default: only customers needing attention
    assert "j***@g***.com / +370******67" in html
    assert "jonas@gmail.com" not in html
    assert "2 · Aktyvus" in html
    assert "2 · Juodraštis" not in html
    assert f'href="/admin/klientai/{first.client_key}/"' in html


@pytest.mark.django_db
def test_show_all_and_fallback_note(admin_client):
    make_project(name="Petras", email="petras@example.com", phone=None, status="SCHEDULED")

    default = admin_client.get(LIST_URL).content.decode()
    show_all = admin_client.get(LIST_URL, {"visi": "1"}).content.decode()

    assert "Nėra klientų, kuriems reikia dėmesio. Rodomi visi klientai." in default
    assert "Petras" in default
    assert "Petras" in show_all
    assert "Nėra klientų, kuriems reikia dėmesio" not in show_all
    for chip in ("Visos", "Laukia patvirtinimo", "Nepavykę pranešimai"):
        assert f">{chip}</a>" in default


@pytest.mark.django_db
def test_chips_and_search(admin_client):
    waiting = make_project(name="Laukiantis", email="laukia@example.com", phone=None, status="CERTIFIED")
    add_payment(waiting, payment_type="FINAL")
    failed = make_project(name="Nepavykęs", email="nepavykes@example.com", phone=None, status="PAID")
    add_outbox(failed, status="FAILED")

    pending = admin_client.get(LIST_URL, {"filtras": "pending_confirmation"}).content.decode()
    outbox = admin_client.get(LIST_URL, {"filtras": "failed_outbox"}).content.decode()
    found = admin_client.get(LIST_URL, {"visi": "1", "q": "nepavyk"}).content.decode()
    nothing = admin_client.get(LIST_URL, {"visi": "1", "q": "nėra-tokio"}).content.decode()

    assert "Laukiantis" in pending
    assert "Nepavykęs" not in pending
    assert "Nepavykęs" in outbox
    assert "Laukiantis" not in outbox
    assert "Nepavykęs" in found
    assert "Laukiantis" not in found
    assert "Nėra klientų" in nothing
    assert "Kai bus projektų, klientai atsiras automatiškai." in nothing


@pytest.mark.django_db
def test_low_confidence_key_pill(admin_client):
    make_project(name="Tik telefonas", email=None, phone="+37060000123")

    html = admin_client.get(LIST_URL, {"visi": "1"}).content.decode()

    assert 'title="Žemas tikrumas">?</span>' in html


@pytest.mark.django_db
def test_profile_tabs(admin_client):
    project = make_project(name="Ona", email="ona@gmail.com", phone="+37061112233", status="CERTIFIED")
    add_payment(project, amount="250")
    add_payment(project, payment_type="FINAL", amount="750")
    add_confirmation(project)
    add_outbox(project, status="FAILED")

    html = admin_client.get(f"/admin/klientai/{project.client_key}/").content.decode()

    assert "<h1>Ona</h1>" in html
    assert "← Atgal" in html
    for tab in ("Santrauka", "Projektai", "Mokėjimai", "Patvirtinimai", "Komunikacija", "Istorija"):
        assert tab in html
    assert "o***@g***.com / +370******33" in html
    assert "1\u00a0000,00\u00a0€" in html
    assert "Rekomenduojama: Persiųsti patvirtinimą" in html
    assert "Persiųsti patvirtinimą" in html
    assert "Aktyvuoti" in html
    assert "Galutinio mokėjimo patvirtinimas" in html
    assert "FINAL_PAYMENT_CONFIRMATION" not in html
    assert "ona@gmail.com" not in html


@pytest.mark.django_db
def test_profile_of_an_unknown_key_is_404(admin_client):
    assert admin_client.get("/admin/klientai/neegzistuoja/").status_code == 404


@pytest.mark.django_db
def test_profile_empty_tabs(admin_client):
    project = make_project(name="Tuščias", email="tuscias@example.com", phone=None, status="SCHEDULED")

    html = admin_client.get(f"/admin/klientai/{project.client_key}/").content.decode()

    for text in ("Nėra mokėjimų", "Nėra patvirtinimų", "Nėra pranešimų", "Nėra istorijos"):
        assert text in html


@pytest.mark.django_db
def test_search_needs_three_characters(admin_client):
    assert "Įveskite bent 3 simbolius." in admin_client.get("/admin/paieska/", {"q": "ab"}).content.decode()


@pytest.mark.django_db
def test_search_groups_and_labels_without_contacts(admin_client):
    first = make_project(name="Marius Marijonas", email="marius@gmail.com", phone="+37061234567")
    second = make_project(name="Marius Kitas", email="kitas@gmail.com", phone=None, status="PAID")

    html = admin_client.get("/admin/paieska/", {"q": "marius"}).content.decode()

    assert "Projektai" in html
    # Short id, client name, Lithuanian status label (issue 12): never the status code or a contact.
    assert f"Projektas {str(first.pk)[:8]} · Marius Marijonas · Juodraštis" in html
    assert f"Projektas {str(second.pk)[:8]} · Marius Kitas · Apmokėtas" in html
    assert "DRAFT" not in html
    assert "marius@gmail.com" not in html
    assert "+37061234567" not in html


@pytest.mark.django_db
def test_search_with_one_hit_redirects_and_none_says_so(admin_client):
    project = make_project(name="Vienintelis", email="vienas@example.com", phone=None)

    one = admin_client.get("/admin/paieska/", {"q": "Vienintel"})
    none = admin_client.get("/admin/paieska/", {"q": "niekas-tokio"})

    assert (one.status_code, one["Location"]) == (302, f"/admin/projects/project/{project.pk}/change/")
    assert "Nieko nerasta" in none.content.decode()


@pytest.mark.django_db
def test_profile_query_count_does_not_grow_with_projects(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count: int) -> str:
        key = ""
        for _ in range(count):
            project = make_project(name="Daug projektų", email="daug@example.com", phone="+37060000999")
            add_payment(project)
            add_outbox(project, status="FAILED")
            add_confirmation(project)
            key = project.client_key
        return key

    key = add(3)
    url = f"/admin/klientai/{key}/"
    admin_client.get(url)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    add(27)
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(url)

    assert response.status_code == 200
    assert len(large) == len(small)


@pytest.mark.django_db
def test_search_finds_a_customer_who_needs_no_attention(admin_client):
    waiting = make_project(name="Laukiantis", email="laukia@example.com", phone=None, status="CERTIFIED")
    add_payment(waiting, payment_type="FINAL")
    make_project(name="Ramus Petraitis", email="ramus@example.com", phone=None, status="SCHEDULED")

    found = admin_client.get(LIST_URL, {"q": "Petraitis"}).content.decode()
    nothing = admin_client.get(LIST_URL, {"q": "nėra-tokio"}).content.decode()

    assert "Ramus Petraitis" in found
    assert "Laukiantis" not in found
    assert "Nėra klientų, kuriems reikia dėmesio. Rodomi visi klientai." in found
    assert "Nėra klientų" in nothing
    assert "Rodomi visi klientai" not in nothing


@pytest.mark.django_db
def test_projects_without_contacts_are_separate_customers(admin_client):
    first = make_project(name="Be kontaktų Ona", email=None, phone=None)
    second = make_project(name="Be kontaktų Jonas", email=None, phone=None, status="PAID")
    add_payment(second, amount="250")

    html = admin_client.get(LIST_URL, {"visi": "1"}).content.decode()

    assert "Be kontaktų Ona" in html
    assert "Be kontaktų Jonas" in html
    links = re.findall(r'href="(/admin/klientai/unknown:[^"]+/)"', html)
    assert len(links) == 2
    profiles = [admin_client.get(link).content.decode() for link in links]
    ona = next(page for page in profiles if "<h1>Be kontaktų Ona</h1>" in page)
    jonas = next(page for page in profiles if "<h1>Be kontaktų Jonas</h1>" in page)
    assert str(first.pk)[:8] in ona
    assert str(second.pk)[:8] not in ona
    assert "250,00\u00a0€" in jonas
    assert "250,00\u00a0€" not in ona
    assert admin_client.get(f"{LIST_URL}unknown/").status_code == 404
    assert admin_client.get(f"{LIST_URL}unknown:ne-uuid/").status_code == 404


@pytest.mark.django_db
def test_a_customer_without_name_or_contact_is_named_by_the_project(admin_client):
    project = make_project(name=None, email=None, phone=None)

    html = admin_client.get(LIST_URL, {"visi": "1"}).content.decode()
    profile = admin_client.get(f"{LIST_URL}unknown:{project.pk}/").content.decode()

    assert f"Klientas {str(project.pk)[:8]}" in html
    assert "Klientas unknown" not in html
    assert f"<h1>Klientas {str(project.pk)[:8]}</h1>" in profile
