"""«Kalendorius» (ui.md §3.6): month grid, day list, «Laukia patvirtinimo» block, visit screens and buttons."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from messaging.models import Appointment
from messaging.tests.factories import add_appointment, add_call_request
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited

URL = "/admin/kalendorius/"


@pytest.fixture(autouse=True)
def _calendar_on(settings):
    settings.ENABLE_CALENDAR = True


@pytest.mark.django_db
def test_month_grid_counts_live_visits_and_the_day_lists_them(admin_client, admin_user):
    project = make_project("PAID", name="Ona Onaitė", total_price_client="1234.50")
    lead = add_call_request("Skambinęs Jonas")
    # 2027-01-12 10:00 and 13:00 Vilnius (UTC+2).
    add_appointment(project=project, resource=admin_user, starts_at=datetime(2027, 1, 12, 8, tzinfo=UTC), minutes=90)
    add_appointment(
        call_request=lead, resource=admin_user, status="HELD", starts_at=datetime(2027, 1, 12, 11, tzinfo=UTC)
    )
    add_appointment(
        call_request=lead, resource=admin_user, status="CANCELLED", starts_at=datetime(2027, 1, 13, 8, tzinfo=UTC)
    )

    html = admin_client.get(URL, {"men": "2027-01", "day": "2027-01-12"}).content.decode()

    assert "<title>Kalendorius | VejaPRO</title>" in html
    assert "Sausis 2027" in html
    assert '<th scope="col">Pr</th>' in html
    assert '<th scope="col">Sk</th>' in html
    cell = html.split('data-day="2027-01-12">', 1)[1].split("</a>", 1)[0]
    assert "2 darb." in cell
    assert "2,5 val." in cell
    cancelled_day = html.split('data-day="2027-01-13">', 1)[1].split("</a>", 1)[0]
    assert "darb." not in cancelled_day
    day = html.split('id="diena"', 1)[1]
    assert "10:00 - 11:30" in day
    assert "90 min." in day
    assert "Ona Onaitė" in day
    assert "13:00 - 14:00" in day
    assert "Skambinęs Jonas" in day
    assert "1\u00a0234,50\u00a0€" in day
    assert "Laikinai rezervuota" in day
    assert "Patvirtinta" in day


@pytest.mark.django_db
def test_empty_day_and_no_holds_block(admin_client):
    html = admin_client.get(URL, {"day": "2027-02-03"}).content.decode()

    assert "Šiai dienai darbų nerasta." in html
    assert 'id="laukia"' not in html
    assert "Vasaris 2027" in html


@pytest.mark.django_db
def test_holds_block_confirms_and_cancels(admin_client):
    lead = add_call_request("Laukiantis")
    hold = add_appointment(call_request=lead, status="HELD", starts_at=timezone.now() - timedelta(hours=1))
    other = add_appointment(call_request=add_call_request("Kitas"), status="HELD")

    html = admin_client.get(URL).content.decode()
    assert "Laukia patvirtinimo" in html
    assert f'data-hold="{hold.pk}"' in html
    assert 'class="vp-hold vp-hold-overdue"' in html

    confirm_url = f"/admin/messaging/appointment/{hold.pk}/patvirtinti/"
    assert admin_client.get(confirm_url).status_code == 405
    confirmed = admin_client.post(confirm_url, {"next": URL}, follow=True)
    cancelled = admin_client.post(f"/admin/messaging/appointment/{other.pk}/atsaukti/", {"next": URL}, follow=True)

    assert confirmed.redirect_chain[0][0] == URL
    assert "Patvirtinta" in confirmed.content.decode()
    assert "Vizitas atšauktas." in cancelled.content.decode()
    assert list(Appointment.objects.order_by("status").values_list("status", flat=True)) == ["CANCELLED", "CONFIRMED"]
    assert_audited("APPOINTMENT_CONFIRMED", entity_id=hold.pk)
    assert_audited("APPOINTMENT_UPDATED", entity_id=other.pk, new_value={"status": "CANCELLED"})


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [3, 30])
def test_month_query_count_does_not_grow_with_visits(admin_client, admin_user, django_assert_num_queries, rows):
    lead = add_call_request()
    for number in range(rows):
        add_appointment(
            call_request=lead,
            resource=admin_user,
            status="HELD",
            starts_at=datetime(2027, 1, 4, 6, tzinfo=UTC) + timedelta(hours=2 * number),
        )
    admin_client.get(URL, {"men": "2027-01", "day": "2027-01-04"})

    # Session, user, the month, the day and the holds.
    with django_assert_num_queries(5):
        response = admin_client.get(URL, {"men": "2027-01", "day": "2027-01-04"})

    assert response.content.decode().count("data-hold=") == rows


@pytest.mark.django_db
def test_new_visit_form_books_and_refuses_overlaps(admin_client, admin_user):
    project = make_project("PAID")
    other = make_project("PAID")
    fields = {"resource": admin_user.pk, "visit_type": "PRIMARY", "status": "CONFIRMED", "notes": ""}

    page = admin_client.get("/admin/messaging/appointment/add/").content.decode()
    missing = admin_client.post("/admin/messaging/appointment/add/", {"project": project.pk, **fields})
    created = admin_client.post(
        "/admin/messaging/appointment/add/",
        {"project": project.pk, "starts_at": "2027-01-12 10:00", "ends_at": "2027-01-12 11:00", **fields},
    )
    taken = admin_client.post(
        "/admin/messaging/appointment/add/",
        {"project": other.pk, "starts_at": "2027-01-12 10:30", "ends_at": "2027-01-12 11:30", **fields},
    )

    assert "Naujas vizitas" in page
    assert "Jei nepasirinkta, sistema parinks automatiškai." in page
    assert "Pradžios ir pabaigos laikas yra privalomi." in missing.content.decode()
    visit = Appointment.objects.get()
    assert created.status_code == 302
    assert visit.starts_at == datetime(2027, 1, 12, 8, tzinfo=UTC)
    assert "Šis laikas užimtas." in taken.content.decode()
    project.refresh_from_db()
    assert project.scheduled_for == visit.starts_at


@pytest.mark.django_db
def test_visit_screen_shows_times_read_only_and_cancels(admin_client):
    visit = add_appointment(project=make_project("PAID"))

    html = admin_client.get(f"/admin/messaging/appointment/{visit.pk}/change/").content.decode()

    assert "Laiko keisti negalima: atšaukite vizitą ir sukurkite naują." in html
    assert 'name="starts_at"' not in html
    assert "Atšaukti vizitą" in html


@pytest.mark.django_db
def test_navigation_and_bookmark(admin_client):
    html = admin_client.get("/admin/").content.decode()

    assert 'href="/admin/kalendorius/"' in html
    response = admin_client.get("/admin/calendar")
    assert (response.status_code, response["Location"]) == (302, URL)


@pytest.mark.django_db
def test_calendar_is_hidden_while_the_flag_is_off(admin_client, settings):
    settings.ENABLE_CALENDAR = False

    assert admin_client.get(URL).status_code == 404
    assert admin_client.get("/admin/messaging/appointment/").status_code == 403
    assert 'href="/admin/kalendorius/"' not in admin_client.get("/admin/").content.decode()


@pytest.mark.django_db
def test_dashboard_shows_unconfirmed_and_todays_visits(admin_client):
    project = make_project("SCHEDULED", name="Šiandienė")
    lead = add_call_request("Laukia")
    add_appointment(project=project, starts_at=timezone.now() + timedelta(minutes=5))
    add_appointment(call_request=lead, status="HELD", starts_at=timezone.now() + timedelta(days=3))

    html = admin_client.get("/admin/").content.decode()

    card = html.split('data-card="held_visits"', 1)[1].split("</a>", 1)[0]
    assert ">1</span>" in card
    assert "Nepatvirtinti vizitai" in card
    assert 'href="/admin/messaging/appointment/?status__exact=HELD" data-card="held_visits"' in html
    today = html.split('id="vp-today"', 1)[1].split("</section>", 1)[0]
    assert "Šiandienos vizitai" in today
    assert "Šiandienė" in today
    assert f'href="/admin/projects/project/{project.pk}/change/"' in today


@pytest.mark.django_db
def test_project_and_lead_screens_list_their_visits(admin_client):
    project = make_project("SCHEDULED")
    lead = add_call_request()
    visit = add_appointment(project=project)
    add_appointment(call_request=lead, status="CANCELLED")

    project_html = admin_client.get(f"/admin/projects/project/{project.pk}/change/").content.decode()

    section = project_html.split('id="vizitai"', 1)[1].split("</section>", 1)[0]
    assert "Vizitai" in section
    assert f'href="/admin/messaging/appointment/{visit.pk}/change/"' in section
    assert "Pirmasis vizitas" in section
