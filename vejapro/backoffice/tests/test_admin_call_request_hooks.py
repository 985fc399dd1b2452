"""The lead's places in the back office: navigation, the «Nauji skambučiai» card, the customer profile tab
«Skambučiai ir laiškai» and the «Skambučių užklausos» search group (ui.md §3.1, §3.2, §3.4, §3.13)."""

import re

import pytest

from messaging.tests.factories import add_call_request
from projects.tests.factories import make_project


@pytest.fixture
def assistant_on(settings):
    settings.ENABLE_CALL_ASSISTANT = True


def _nav_groups(html: str) -> list[str]:
    sidebar = html.split('id="nav-sidebar"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<caption>\s*<a href="[^"]*" class="section">([^<]+)</a>', sidebar)


@pytest.mark.django_db
@pytest.mark.usefixtures("assistant_on")
def test_navigation_has_call_requests_after_customers(admin_client):
    html = admin_client.get("/admin/projects/project/").content.decode()

    assert _nav_groups(html) == [
        "Darbo eilė",
        "Projektai",
        "Klientai",
        "Skambučių užklausos",
        "Mokėjimai",
        "Pranešimai",
        "Auditas",
        "Nustatymai",
    ]
    assert 'href="/admin/messaging/callrequest/"' in html


@pytest.mark.django_db
@pytest.mark.usefixtures("assistant_on")
def test_dashboard_card_counts_new_calls(admin_client):
    add_call_request("Nauja")
    add_call_request("Antra nauja")
    add_call_request("Uždaryta", status="CLOSED")

    html = admin_client.get("/admin/").content.decode()

    card = html.split('data-card="new_calls"', 1)[1].split("</a>", 1)[0]
    assert ">2</span>" in card
    assert "Nauji skambučiai" in card
    assert 'href="/admin/messaging/callrequest/?busena=NEW" data-card="new_calls"' in html


@pytest.mark.django_db
def test_dashboard_has_no_call_card_while_the_assistant_is_off(admin_client):
    add_call_request("Nauja")

    html = admin_client.get("/admin/").content.decode()

    assert 'data-card="new_calls"' not in html
    assert "Nauji skambučiai" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("assistant_on")
def test_customer_profile_lists_leads_with_the_same_email_or_phone(admin_client):
    project = make_project(name="Ona", email="Ona@Gmail.com", phone="+37061112233")
    by_email = add_call_request("Ona iš laiško", phone="", email="ona@gmail.com", source="email")
    by_phone = add_call_request("Ona skambino", phone="+37061112233", email=None, source="voice")
    add_call_request("Kitas klientas", phone="+37069999999", email="kitas@example.com")

    html = admin_client.get(f"/admin/klientai/{project.client_key}/").content.decode()

    tab = html.split('id="skambuciai"', 1)[1].split("</section>", 1)[0]
    assert 'href="#skambuciai">Skambučiai ir laiškai</a>' in html
    assert f'href="/admin/messaging/callrequest/{by_email.pk}/change/">Ona iš laiško</a>' in tab
    assert f'href="/admin/messaging/callrequest/{by_phone.pk}/change/">Ona skambino</a>' in tab
    assert "Kitas klientas" not in tab
    assert "El. laiškas" in tab
    assert "Skambutis" in tab


@pytest.mark.django_db
@pytest.mark.usefixtures("assistant_on")
def test_customer_profile_without_leads(admin_client):
    project = make_project(name="Tuščias", email="tuscias@example.com", phone=None)

    html = admin_client.get(f"/admin/klientai/{project.client_key}/").content.decode()

    assert "Nėra skambučių užklausų" in html


@pytest.mark.django_db
@pytest.mark.usefixtures("assistant_on")
def test_search_groups_leads_without_contacts(admin_client):
    project = make_project(name="Marius Marijonas", email="marius@gmail.com", phone=None)
    lead = add_call_request("Marius Skambintojas", phone="+37061234567", email="marius.s@gmail.com")

    html = admin_client.get("/admin/paieska/", {"q": "marius"}).content.decode()

    assert "Projektai" in html
    assert "Skambučių užklausos" in html
    assert f"Projektas {str(project.pk)[:8]} · Marius Marijonas · Juodraštis" in html
    assert f'href="/admin/messaging/callrequest/{lead.pk}/change/"' in html
    assert f"Skambučio užklausa {str(lead.pk)[:8]}…" in html
    assert "Marius Skambintojas" not in html
    assert "marius.s@gmail.com" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("assistant_on")
def test_search_by_id_prefix_or_phone_with_one_hit_opens_the_lead(admin_client):
    lead = add_call_request("Vienintelė", phone="+37061230000", email=None)

    by_id = admin_client.get("/admin/paieska/", {"q": str(lead.pk)[:8]})
    by_phone = admin_client.get("/admin/paieska/", {"q": "61230000"})

    assert (by_id.status_code, by_id["Location"]) == (302, f"/admin/messaging/callrequest/{lead.pk}/change/")
    assert (by_phone.status_code, by_phone["Location"]) == (302, f"/admin/messaging/callrequest/{lead.pk}/change/")


@pytest.mark.django_db
def test_search_leaves_leads_out_while_the_assistant_is_off(admin_client):
    add_call_request("Marius Skambintojas")

    html = admin_client.get("/admin/paieska/", {"q": "marius"}).content.decode()

    assert "Nieko nerasta" in html
