"""«Skambučių užklausos»: the list, «Nauja skambučio užklausa» and «Skambučio valdymas» (ui.md §3.5)."""

import pytest

from messaging.models import CallRequest
from messaging.tests.factories import add_appointment, add_call_request
from projects.models import Project
from vejapro.core.tests.audit import assert_audited

LIST = "/admin/messaging/callrequest/"


def change_url(lead) -> str:
    return f"{LIST}{lead.pk}/change/"


@pytest.fixture(autouse=True)
def _call_assistant_on(settings):
    settings.ENABLE_CALL_ASSISTANT = True


@pytest.mark.django_db
def test_list_shows_new_leads_first_with_masked_contacts(admin_client):
    add_call_request("Nauja Ona", phone="+37061234567", email="ona@gmail.com")
    add_call_request("Uždarytas Jonas", status="CLOSED")

    html = admin_client.get(LIST).content.decode()

    assert "<title>Skambučių užklausos | VejaPRO</title>" in html
    assert "Yra 1 naujos užklausos. Prioritetas: NEW." in html
    assert "Nauja Ona" in html
    assert "Uždarytas Jonas" not in html
    assert "o***@g***.com / +370******67" in html
    assert "ona@gmail.com" not in html
    assert "Svetainė" in html
    assert "Nauja anketa" in html
    for chip in ("Nauji", "Visi", "Susisiekta", "Suplanuota", "Uždaryta"):
        assert f">{chip}</a>" in html
    everything = admin_client.get(LIST, {"busena": "all"}).content.decode()
    assert "Uždarytas Jonas" in everything


@pytest.mark.django_db
def test_list_without_new_leads_says_so(admin_client):
    html = admin_client.get(LIST).content.decode()

    assert "Naujų užklausų nėra. Galite peržiūrėti visą srautą." in html
    assert "Nėra įrašų" in html


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow_with_rows(admin_client, django_assert_num_queries, rows):
    for number in range(rows):
        add_call_request(f"Klientas {number}")
    admin_client.get(LIST)

    # Session, user, the NEW count, the page count and the page.
    with django_assert_num_queries(5):
        response = admin_client.get(LIST)

    assert response.content.decode().count('class="field-client_column"') == rows


@pytest.mark.django_db
def test_add_creates_a_public_lead(admin_client, admin_user):
    page = admin_client.get(f"{LIST}add/").content.decode()
    missing = admin_client.post(f"{LIST}add/", {"name": "", "phone": ""})
    response = admin_client.post(
        f"{LIST}add/", {"name": "Petras", "phone": "+370 612 34567", "email": "", "preferred_time": "", "notes": ""}
    )

    assert "Nauja skambučio užklausa" in page
    assert "Vardas ir telefonas yra privalomi." in missing.content.decode()
    lead = CallRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == change_url(lead)
    assert (lead.name, lead.phone, lead.source, lead.status) == ("Petras", "+370 612 34567", "public", "NEW")
    assert_audited("CALL_REQUEST_CREATED", entity_id=lead.pk, actor_type="ADMIN", actor_id=str(admin_user.pk))
    followed = admin_client.get(response["Location"]).content.decode()
    assert "Skambučio užklausa sukurta." in followed


@pytest.mark.django_db
def test_call_management_screen_shows_contacts_in_clear_and_saves_through_the_service(admin_client):
    lead = add_call_request("Ona", phone="+37061234567", email="ona@gmail.com")

    html = admin_client.get(change_url(lead)).content.decode()
    response = admin_client.post(
        change_url(lead), {"status": "CONTACTED", "preferred_time_0": "", "preferred_time_1": "", "notes": "Skambinti"}
    )

    assert "Skambučio valdymas" in html
    assert 'href="tel:+37061234567"' in html
    assert 'href="mailto:ona@gmail.com"' in html
    assert "Pastabos operatoriui" in html
    assert "Sukurti projektą" in html
    assert 'data-confirm="Ištrinti šią skambučio užklausą?"' in html
    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.status, lead.notes) == ("CONTACTED", "Skambinti")
    assert_audited("CALL_REQUEST_UPDATED", entity_id=lead.pk, new_value={"status": "CONTACTED"})


@pytest.mark.django_db
def test_create_project_button_converts_once(admin_client):
    lead = add_call_request("Ona")
    url = f"{LIST}{lead.pk}/sukurti-projekta/"

    assert admin_client.get(url).status_code == 405
    first = admin_client.post(url, follow=True)
    second = admin_client.post(url, follow=True)

    project = Project.objects.get()
    assert "Projektas sukurtas." in first.content.decode()
    assert "Užklausa jau konvertuota" in second.content.decode()
    assert f'href="/admin/projects/project/{project.pk}/change/"' in second.content.decode()
    assert "Sukurti projektą</button>" not in second.content.decode()
    assert_audited("PROJECT_CREATED", count=1, metadata={"source": "call_request"})


@pytest.mark.django_db
def test_delete_button_removes_the_lead(admin_client):
    lead = add_call_request("Ona")
    url = f"{LIST}{lead.pk}/istrinti/"

    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == LIST
    assert "Skambučio užklausa ištrinta." in response.content.decode()
    assert not CallRequest.objects.exists()
    assert_audited("CALL_REQUEST_DELETED", entity_id=lead.pk)


@pytest.mark.django_db
def test_screens_are_hidden_while_the_assistant_is_off(admin_client, settings):
    settings.ENABLE_CALL_ASSISTANT = False
    lead = add_call_request()

    assert admin_client.get(LIST).status_code == 403
    assert admin_client.get(change_url(lead)).status_code == 403
    assert admin_client.post(f"{LIST}{lead.pk}/istrinti/").status_code == 403
    assert CallRequest.objects.filter(pk=lead.pk).exists()
    assert "Skambučių užklausos" not in admin_client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_a_lead_with_visits_is_closed_not_deleted(admin_client):
    lead = add_call_request("Ona")
    add_appointment(call_request=lead, status="CANCELLED")

    response = admin_client.post(f"{LIST}{lead.pk}/istrinti/", follow=True)

    assert response.redirect_chain[-1][0] == change_url(lead)
    assert "Užklausa turi susietų vizitų \u2013 uždarykite ją." in response.content.decode()
    assert CallRequest.objects.filter(pk=lead.pk).exists()
    assert_audited("CALL_REQUEST_DELETED", count=0)
