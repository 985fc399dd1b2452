"""«Projektai» list and the editable part of the project screen (ui.md §3.3)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.tests.factories import add_confirmation, add_outbox
from payments.models import Payment
from payments.tests.factories import add_payment
from projects.evidence.services import evidence_upload
from projects.models import Project
from projects.tests.factories import add_evidence, image_bytes, make_project
from vejapro.core.actors import Actor
from vejapro.core.models import AuditLog

LIST_URL = "/admin/projects/project/"


def _rows(html: str) -> list[str]:
    body = html.split('id="result_list"', 1)[1].split("</tbody>", 1)[0]
    return body.split("<tr")[2:]


@pytest.mark.django_db
def test_list_shows_masked_contacts_and_the_columns(admin_client):
    project = make_project(name="Jonas Jonaitis", email="jonas@gmail.com", phone="+37061234567")

    html = admin_client.get(LIST_URL).content.decode()

    for header in ("Klientas", "Statusas", "Problema", "Paskutinis", "Veiksmas"):
        assert f">{header}</" in html
    assert "Jonas Jonaitis" in html
    assert "j***@g***.com / +370******67" in html
    assert str(project.pk)[:8] in html
    assert "jonas@gmail.com" not in html
    assert "+37061234567" not in html
    assert "Juodraštis" in html
    assert "Nėra įnašo" in html
    assert "Reikia įrašyti depozitą" in html
    assert f'href="/admin/projects/project/{project.pk}/change/#veiksmas-depozitas">Įrašyti depozitą' in html


@pytest.mark.django_db
def test_a_client_without_a_name_is_shown_by_the_key(admin_client):
    project = make_project(name="", email="be.vardo@example.com", phone=None)

    html = admin_client.get(LIST_URL).content.decode()

    assert f"Klientas {project.client_key[:8]}" in html
    assert "b***@e***.com" in html


@pytest.mark.django_db
def test_default_filter_is_waiting_for_action(admin_client):
    waiting = make_project(name="Laukiantis")
    calm = make_project(name="Ramus", status="SCHEDULED")

    default = admin_client.get(LIST_URL).content.decode()
    everything = admin_client.get(LIST_URL + "?veiksmo=visi").content.decode()

    assert "Laukiantis" in default
    assert "Ramus" not in default
    assert "Laukiantis" in everything
    assert "Ramus" in everything
    assert "1 projektas reikalauja dėmesio" in default
    assert 'class="vp-chip vp-chip-on" href="?">Laukiantys veiksmo' in default
    by_status = admin_client.get(LIST_URL + "?busena=SCHEDULED").content.decode()
    assert "Ramus" in by_status
    assert "Laukiantis" not in by_status
    assert waiting.pk != calm.pk


@pytest.mark.django_db
def test_rows_are_tinted_by_urgency(admin_client):
    high = make_project(name="Skubus", status="CERTIFIED")
    add_payment(high, payment_type="FINAL")
    medium = make_project(name="Vidutinis", status="SCHEDULED")
    add_outbox(medium, status="FAILED")
    make_project(name="Žemas")

    html = admin_client.get(LIST_URL).content.decode()

    row_by_name = {name: next(row for row in _rows(html) if name in row) for name in ("Skubus", "Vidutinis", "Žemas")}
    assert "vp-urgency-high" in row_by_name["Skubus"]
    assert "Laukia patvirtinimo" in row_by_name["Skubus"]
    assert "vp-urgency-medium" in row_by_name["Vidutinis"]
    assert "Nepavykęs pranešimas" in row_by_name["Vidutinis"]
    assert "vp-urgency-low" in row_by_name["Žemas"]


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["Petraitis", "petras@", "+3706999", "61234"])
def test_search_by_name_email_phone(admin_client, term):
    make_project(name="Petras Petraitis", email="petras@example.com", phone="+37069991234")
    make_project(name="Kitas", email="kitas@example.com", phone="+37061234000")

    html = admin_client.get(LIST_URL, {"veiksmo": "visi", "q": term}).content.decode()

    if term == "61234":
        assert "Kitas" in html
    else:
        assert "Petras Petraitis" in html
        assert "Kitas" not in html


@pytest.mark.django_db
def test_search_by_project_id_prefix(admin_client):
    project = make_project(name="Su ID")
    make_project(name="Kitas")

    html = admin_client.get(LIST_URL, {"veiksmo": "visi", "q": str(project.pk)[:8]}).content.decode()

    assert "Su ID" in html
    assert "Kitas" not in html


@pytest.mark.django_db
def test_filters_by_contractor_expert_and_consent(admin_client, contractor_user, expert_user):
    make_project(name="Rangovo", status="PAID", assigned_contractor=contractor_user)
    make_project(name="Eksperto", status="PENDING_EXPERT", assigned_expert=expert_user)
    make_project(name="Sutikęs", status="ACTIVE", marketing_consent=True, marketing_consent_at="2026-01-01T00:00Z")

    by_contractor = admin_client.get(LIST_URL, {"rangovas": str(contractor_user.pk)}).content.decode()
    by_expert = admin_client.get(LIST_URL, {"ekspertas": str(expert_user.pk)}).content.decode()
    by_consent = admin_client.get(LIST_URL, {"sutikimas": "taip"}).content.decode()

    assert "Rangovo" in by_contractor
    assert "Eksperto" not in by_contractor
    assert "Eksperto" in by_expert
    assert "Rangovo" not in by_expert
    assert "Sutikęs" in by_consent
    assert "Rangovo" not in by_consent
    for title in ("Būsena", "Rangovas", "Ekspertas", "Rinkodaros sutikimas"):
        assert f"<summary>{title}</summary>" in by_contractor


def _seed(count: int) -> None:
    for number in range(count):
        project = make_project(name=f"Klientas {number}", email=f"k{number}@example.com", phone=f"+3706100{number:04d}")
        if number % 3 == 0:
            add_payment(project)
        if number % 4 == 0:
            add_outbox(project, status="FAILED")
        if number % 5 == 0:
            add_confirmation(project)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?veiksmo=visi", "?veiksmo=visi&q=Klientas", "?busena=DRAFT"])
def test_project_list_query_count_does_not_grow_with_rows(admin_client, query):
    _seed(3)
    admin_client.get(LIST_URL + query)
    with CaptureQueriesContext(connection) as small:
        assert admin_client.get(LIST_URL + query).status_code == 200

    _seed(27)
    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(LIST_URL + query)

    assert response.status_code == 200
    assert Project.objects.count() == 30
    assert len(large) == len(small)


def _related_rows(project, admin_user, count: int) -> None:
    for number in range(count):
        add_payment(project, payment_type="FINAL", collected_by=admin_user)
        add_outbox(project, status="FAILED")
        add_confirmation(project)
        add_evidence(
            project,
            "SITE_BEFORE" if number % 2 else "EXPERT_CERTIFICATION",
            file_url=f"/media/{project.pk}/{number}.jpg",
            uploaded_by=admin_user,
            show_on_web=bool(number % 2),
        )
        AuditLog.objects.create(
            entity_type="project", entity_id=project.pk, action="STATUS_CHANGE", actor_type="ADMIN", actor_id="x",
            new_value={"status": "CERTIFIED"},
        )  # fmt: skip


@pytest.mark.django_db
def test_project_screen_query_count_does_not_grow_with_related_rows(admin_client, admin_user):
    project = make_project(status="CERTIFIED")
    Project.objects.filter(pk=project.pk).update(marketing_consent=True, marketing_consent_at=project.created_at)
    _related_rows(project, admin_user, 3)
    url = f"/admin/projects/project/{project.pk}/change/"
    admin_client.get(url)
    with CaptureQueriesContext(connection) as small:
        admin_client.get(url)
    _related_rows(project, admin_user, 27)

    with CaptureQueriesContext(connection) as large:
        response = admin_client.get(url)

    assert response.status_code == 200
    assert Payment.objects.filter(project=project).count() == 30
    assert len(large) == len(small)


@pytest.mark.django_db
def test_status_is_read_only_on_the_project_screen(admin_client):
    project = make_project(name="Senas", area_m2=Decimal("10"))
    url = f"/admin/projects/project/{project.pk}/change/"

    html = admin_client.get(url).content.decode()
    assert 'name="status"' not in html
    response = admin_client.post(
        url,
        {
            "status": "ACTIVE",
            "is_certified": "on",
            "client_name": "Naujas Vardas",
            "email": "naujas@gmail.com",
            "phone": "+37060000001",
            "address": "Kaunas",
            "title": "Veja",
            "area_m2": "55.5",
            "total_price_client": "1000",
            "internal_cost": "400",
            "has_robot": "on",
        },
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == ["Išsaugota"]
    project.refresh_from_db()
    assert project.status == "DRAFT"
    assert project.is_certified is False
    assert project.client_info["name"] == "Naujas Vardas"
    assert (project.area_m2, project.has_robot) == (Decimal("55.50"), True)
    row = AuditLog.objects.get(entity_id=project.pk, action="PROJECT_UPDATED")
    assert row.old_value["area_m2"] == 10.0
    assert row.new_value["area_m2"] == 55.5
    assert row.new_value["name"] == "[REDACTED]"
    assert row.new_value["email"] == "[REDACTED]"
    assert "status" not in row.new_value
    assert project.client_key != make_project().client_key


@pytest.mark.django_db
def test_saving_without_changes_writes_no_audit(admin_client):
    project = make_project(name="Ramus", email="ramus@gmail.com", phone="+37060000002")
    url = f"/admin/projects/project/{project.pk}/change/"

    response = admin_client.post(
        url,
        {"client_name": "Ramus", "email": "ramus@gmail.com", "phone": "+37060000002", "address": "", "title": ""},
        follow=True,
    )

    assert [str(message) for message in response.context["messages"]] == ["Niekas nepakeista."]
    assert not AuditLog.objects.filter(entity_id=project.pk).exists()


@pytest.mark.django_db
def test_project_screen_shows_contacts_in_clear_with_links(admin_client):
    project = make_project(email="jonas@gmail.com", phone="+37061234567")

    html = admin_client.get(f"/admin/projects/project/{project.pk}/change/").content.decode()

    assert 'value="jonas@gmail.com"' in html
    assert 'href="mailto:jonas@gmail.com"' in html
    assert 'href="tel:+37061234567"' in html


@pytest.mark.django_db
def test_delete_only_a_draft_without_facts(admin_client):
    spam = make_project(name="Šlamštas")
    paid = make_project(name="Su mokėjimu")
    add_payment(paid)

    assert "Ištrinti projektą" in admin_client.get(f"/admin/projects/project/{spam.pk}/change/").content.decode()
    assert "Ištrinti projektą" not in admin_client.get(f"/admin/projects/project/{paid.pk}/change/").content.decode()
    refused = admin_client.post(f"/admin/projects/project/{paid.pk}/veiksmas/istrinti/", follow=True)
    response = admin_client.post(f"/admin/projects/project/{spam.pk}/veiksmas/istrinti/", follow=True)

    assert [str(m) for m in refused.context["messages"]] == [
        "Projektas turi mokėjimų ar patvirtinimų, jo ištrinti negalima"
    ]
    assert [str(m) for m in response.context["messages"]] == ["Projektas ištrintas."]
    assert list(Project.objects.values_list("pk", flat=True)) == [paid.pk]
    deleted = AuditLog.objects.get(action="PROJECT_DELETED")
    assert (deleted.entity_id, deleted.old_value, deleted.actor_type) == (spam.pk, {"status": "DRAFT"}, "ADMIN")
    # Django's own delete view stays closed.
    assert admin_client.post(f"/admin/projects/project/{paid.pk}/delete/", {"post": "yes"}).status_code == 403


@pytest.mark.django_db
def test_a_project_past_draft_cannot_be_deleted(admin_client):
    project = make_project(status="PAID")

    response = admin_client.post(f"/admin/projects/project/{project.pk}/veiksmas/istrinti/", follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Ištrinti galima tik juodraščio būsenos projektą"]
    assert Project.objects.filter(pk=project.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_a_draft_removes_its_stored_photos(admin_client, admin_user, settings):
    project = make_project(name="Šlamštas su nuotrauka")
    upload = SimpleUploadedFile("a.jpg", image_bytes(size=(400, 300)), content_type="image/jpeg")
    admin = Actor.for_user(admin_user)
    evidence_upload(project=project, category="SITE_BEFORE", upload=upload, actor=admin)
    stored = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert len(stored) == 3

    response = admin_client.post(f"/admin/projects/project/{project.pk}/veiksmas/istrinti/", follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Projektas ištrintas."]
    assert not Project.objects.filter(pk=project.pk).exists()
    assert [path for path in stored if path.exists()] == []
