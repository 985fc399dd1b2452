"""The client portal (ui.md §4.7): permission matrix, every status-card state, acceptance, consent, query counts."""

import pytest
from django.utils import timezone

from messaging.tests.factories import add_confirmation
from payments.models import PaymentType
from payments.tests.factories import add_payment
from projects.models import EvidenceCategory, ProjectStatus
from projects.tests.factories import add_estimate_rule, add_evidence, make_project
from vejapro.core.audit.actions import AuditAction
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db
NOT_FOUND = "Nerasta arba nėra prieigos"


def _pages(project):
    base = f"/client/projektai/{project.pk}/"
    return [base, f"{base}sertifikatas/", f"{base}patvirtinti/", f"{base}mokejimas/avansas/"]


def test_permission_matrix(client, client_user, outsider_client, contractor_user, admin_user):
    project = make_project(ProjectStatus.ACTIVE, client=client_user)
    for path in ["/client/", "/client/projektai/", "/client/pagalba/", *_pages(project)]:
        anonymous = client.get(path)
        assert anonymous.status_code == 302, path
        assert anonymous["Location"].startswith("/login?next=")
        for other in (contractor_user, admin_user):
            client.force_login(other)
            response = client.get(path)
            assert response.status_code == 404, path
            assert NOT_FOUND in response.content.decode()
        client.logout()
    client.force_login(outsider_client)
    for path in _pages(project):
        response = client.get(path)
        assert response.status_code == 404, path
        assert NOT_FOUND in response.content.decode()
    assert client.post(f"/client/projektai/{project.pk}/sutikimas/", {"consent": "on"}).status_code == 404
    assert client.get("/client/projektai/not-a-uuid/").status_code == 404
    client.force_login(client_user)
    assert client.get(f"/client/projektai/{project.pk}/").status_code == 200
    certificate = client.get(f"/client/projektai/{project.pk}/sertifikatas/")
    assert certificate.status_code == 200
    assert certificate["Content-Type"] == "application/pdf"


def _card_of(client, project):
    page = client.get(f"/client/projektai/{project.pk}/").content.decode()
    return page.split('class="status-card"')[1].split("</div>\n</div>")[0]


STATES = [
    ("draft_quote", "Peržiūrėkite pateiktą įvertinimą.", "Peržiūrėti įvertinimą", ""),
    ("draft_priced", "Apmokėkite avansą, kad projektas būtų patvirtintas.", "Apmokėti avansą", "mokejimas/avansas/"),
    ("draft_deposit", "Laukiama patvirtinimo.", "Peržiūrėti", ""),
    ("paid", "Darbai bus suplanuoti artimiausiu metu.", "Peržiūrėti projektą", ""),
    ("scheduled", "Darbai suplanuoti: 2026-06-01 10:00.", "Peržiūrėti projektą", ""),
    ("pending_expert", "Laukiama eksperto patikros.", "Peržiūrėti projektą", ""),
    ("certified_no_final", "Apmokėkite likutį.", "Apmokėti likutį", "mokejimas/likutis/"),
    ("certified_final", "Patvirtinkite darbų priėmimą.", "Patvirtinti darbų priėmimą", "patvirtinti/"),
    (
        "active",
        "Jūsų veja paruošta. Priežiūros patarimai – skiltyje „Pagalba“.",  # noqa: RUF001
        "Atsisiųsti sertifikatą",
        "sertifikatas/",
    ),
]


def _project_in(state, client_user):
    if state == "draft_quote":
        info = {"client_id": str(client_user.pk), "name": "Jonas", "quote_pending": True}
        return make_project(client_info=info, client_user_id=str(client_user.pk), total_price_client=500)
    if state == "draft_priced":
        return make_project(client=client_user, total_price_client=500)
    if state == "draft_deposit":
        project = make_project(client=client_user, total_price_client=500)
        add_payment(project)
        return project
    if state == "scheduled":
        moment = timezone.make_aware(timezone.datetime(2026, 6, 1, 10, 0))
        return make_project(ProjectStatus.SCHEDULED, client=client_user, scheduled_for=moment)
    if state == "certified_no_final":
        return make_project(ProjectStatus.CERTIFIED, client=client_user)
    if state == "certified_final":
        project = make_project(ProjectStatus.CERTIFIED, client=client_user)
        add_payment(project, PaymentType.FINAL, "400.00")
        return project
    status = {
        "paid": ProjectStatus.PAID,
        "pending_expert": ProjectStatus.PENDING_EXPERT,
        "active": ProjectStatus.ACTIVE,
    }
    return make_project(status[state], client=client_user)


@pytest.mark.parametrize(("state", "step", "button", "target"), STATES)
def test_every_status_card_state(client, client_user, state, step, button, target):
    project = _project_in(state, client_user)
    client.force_login(client_user)
    card = _card_of(client, project)
    assert f"Kitas žingsnis:</strong> {step}" in card
    assert card.count('class="btn') <= 2
    assert f'class="btn" href="/client/projektai/{project.pk}/{target}">{button}</a>' in card


def test_dashboard_shows_the_projects_that_need_the_client(client, client_user):
    due = _project_in("certified_final", client_user)
    _project_in("paid", client_user)
    client.force_login(client_user)
    page = client.get("/client/").content.decode()
    assert "Sveiki!" in page
    action = page.split("Reikia jūsų veiksmo")[1].split("Mano projektai</h2>")[0]
    assert f"/client/projektai/{due.pk}/patvirtinti/" in action
    assert action.count('class="status-card"') == 1
    assert "Įvertinti naują sklypą" in page


def test_empty_dashboard(client, client_user):
    client.force_login(client_user)
    page = client.get("/client/").content.decode()
    assert "Projektų dar nėra" in page
    assert "Pradėkite nuo įvertinimo." in page


@pytest.mark.parametrize("count", [3, 30])
def test_query_counts_do_not_grow(client, client_user, django_assert_num_queries, count):
    for _ in range(count):
        add_payment(make_project(ProjectStatus.CERTIFIED, client=client_user), PaymentType.FINAL)
    client.force_login(client_user)
    # session, user, the annotated project list, and the sliding session's save (select, update)
    with django_assert_num_queries(6):
        client.get("/client/")
    with django_assert_num_queries(6):
        client.get("/client/projektai/")


def test_project_page_query_count_does_not_grow_with_photos(client, client_user, django_assert_num_queries):
    project = make_project(ProjectStatus.ACTIVE, client=client_user)
    for _ in range(12):
        add_evidence(project, EvidenceCategory.SITE_BEFORE)
    client.force_login(client_user)
    # session, user, project, photos, payments, and the sliding session's save
    with django_assert_num_queries(8):
        page = client.get(f"/client/projektai/{project.pk}/").content.decode()
    assert page.count('loading="lazy"') == 12
    assert "Prieš darbus" in page


def test_acceptance_in_the_portal(client, client_user):
    project = _project_in("certified_final", client_user)
    add_confirmation(project)
    client.force_login(client_user)
    page = client.get(f"/client/projektai/{project.pk}/patvirtinti/").content.decode()
    assert "Darbų priėmimo patvirtinimas" in page
    assert "Patvirtinkite, kad darbai atlikti ir priimti." in page
    response = client.post(f"/client/projektai/{project.pk}/patvirtinti/", follow=True)
    assert "Ačiū! Patvirtinimas gautas. Jūsų projektas aktyvuotas." in response.content.decode()
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    audit = AuditLog.objects.get(action=AuditAction.EMAIL_CONFIRMED, entity_id=project.pk)
    assert audit.metadata["via"] == "client_portal"
    repeat = client.post(f"/client/projektai/{project.pk}/patvirtinti/", follow=True).content.decode()
    assert "Šis patvirtinimas jau gautas. Ačiū!" in repeat
    assert AuditLog.objects.filter(action=AuditAction.EMAIL_CONFIRMED).count() == 1


def test_acceptance_without_a_valid_confirmation(client, client_user):
    project = _project_in("certified_final", client_user)
    client.force_login(client_user)
    page = client.post(f"/client/projektai/{project.pk}/patvirtinti/", follow=True).content.decode()
    assert "Patvirtinimo nuoroda nebegalioja. Susisiekite su mumis: +370 658 49514." in page


def test_payment_pages(client, client_user, settings):
    settings.BANK_ACCOUNT_IBAN = "LT12 3456 7890 1234 5678"
    project = _project_in("draft_priced", client_user)
    client.force_login(client_user)
    page = client.get(f"/client/projektai/{project.pk}/mokejimas/avansas/").content.decode()
    assert "Kaip sumokėti avansą" in page
    assert "LT12 3456 7890 1234 5678" in page
    assert f"Projektas {str(project.pk)[:8]}" in page
    assert "Susisiekite su mumis dėl avanso mokėjimo arba mokėkite nuoroda, kurią atsiuntėme." in page
    refused = client.get(f"/client/projektai/{project.pk}/mokejimas/likutis/", follow=True).content.decode()
    assert "Šis veiksmas šiuo metu negalimas." in refused


def test_marketing_consent_card(client, client_user):
    project = make_project(ProjectStatus.ACTIVE, client=client_user)
    client.force_login(client_user)
    page = client.post(f"/client/projektai/{project.pk}/sutikimas/", {"consent": "on"}, follow=True).content.decode()
    assert "Sutikimas išsaugotas." in page
    client.post(f"/client/projektai/{project.pk}/sutikimas/", {"consent": "on"})
    assert AuditLog.objects.filter(action=AuditAction.MARKETING_CONSENT_UPDATE).count() == 1
    page = client.post(f"/client/projektai/{project.pk}/sutikimas/", {}, follow=True).content.decode()
    assert "Sutikimas atšauktas. Nuotraukos pašalintos iš galerijos." in page
    project.refresh_from_db()
    assert project.marketing_consent is False


def test_help_page(client, client_user):
    client.force_login(client_user)
    page = client.get("/client/pagalba/").content.decode()
    for text in (
        "Dažnai užduodami klausimai",
        "Kaip veikia kainos įvertinimas?",
        "Kaip apmokėti avansą ar likutį?",
        "Kada bus atlikti darbai?",
        "Kaip prižiūrėti naują veją?",
        "+370 658 49514",
        "info@vejapro.lt",
    ):
        assert text in page


def test_draft_editing_reprices_and_audits_once(client, client_user):
    rule = add_estimate_rule("lawn_installation", "seeding", price_per_m2="3", minimum_price="0")
    estimate = {"service": rule.service, "method": rule.method, "distance_km": 10, "addons": [], "notes": ""}
    info = {
        "client_id": str(client_user.pk),
        "phone": "+37061111111",
        "address": "Senas g. 1",
        "quote_pending": True,
        "estimate": estimate,
    }
    project = make_project(client_info=info, client_user_id=str(client_user.pk), area_m2=100, total_price_client=350)
    client.force_login(client_user)
    page = client.get(f"/client/projektai/{project.pk}/").content.decode()
    assert "Redaguoti" in page
    url = f"/client/projektai/{project.pk}/redaguoti/"
    data = {"phone": "+37062222222", "address": "Naujas g. 2", "area_m2": "200", "notes": "Šuo kieme"}
    bad = client.post(url, {**data, "area_m2": "0"}).content.decode()
    assert "Įveskite tinkamą plotą (1-100000 m2)." in bad
    assert 'value="Naujas g. 2"' in bad
    done = client.post(url, data, follow=True).content.decode()
    assert "Duomenys atnaujinti." in done
    assert "Nauja kaina: 650,00\xa0€" in done
    client.post(url, data)
    audit = AuditLog.objects.get(action=AuditAction.DRAFT_UPDATED)
    assert audit.metadata == {"fields": ["phone", "address", "notes", "area_m2"]}
    project.refresh_from_db()
    assert project.total_price_client == 650
    assert project.client_info["address"] == "Naujas g. 2"


def test_draft_editing_is_closed_after_the_quote(client, client_user):
    project = make_project(client=client_user, total_price_client=500)
    client.force_login(client_user)
    page = client.get(f"/client/projektai/{project.pk}/redaguoti/", follow=True).content.decode()
    assert "Šis veiksmas šiuo metu negalimas." in page
