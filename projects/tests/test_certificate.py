"""GET /api/v1/projects/{id}/certificate (api.md §7.3, workflow.md §9.4)."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from projects.models import ProjectStatus
from vejapro.core.actors import Actor
from vejapro.core.audit.services import audit_record

pytestmark = pytest.mark.django_db
CHECKLIST = {"ground": True, "seed": True, "edges": True, "cleanliness": True}


def url(project_id) -> str:
    return f"/api/v1/projects/{project_id}/certificate"


@pytest.fixture
def certified(make_owned_project, expert_user):
    project = make_owned_project(
        ProjectStatus.CERTIFIED,
        client_info={"client_id": "c-1", "name": "Žydrūnas Čepėnas", "address": "Ąžuolų g. 5, Vilnius"},
        client_user_id="c-1",
        certified_at=datetime(2026, 3, 31, 22, 30, tzinfo=UTC),  # already 1 April in Vilnius
    )
    audit_record(
        entity_type="project",
        entity_id=project.pk,
        action="STATUS_CHANGE",
        actor=Actor.for_user(expert_user),
        old_value={"status": "PENDING_EXPERT"},
        new_value={"status": "CERTIFIED"},
        metadata={"checklist": {**CHECKLIST, "seed": True}, "notes": ""},
    )
    return project


def pdf_of(response) -> PdfReader:
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def embedded_fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                names.add(str(font["/BaseFont"]))
    return names


def test_admin_gets_an_a4_pdf_with_embedded_dejavu_and_the_content(api, certified, admin_user, expert_user):
    response = api(admin_user).get(url(certified.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"inline; filename=certificate_{certified.pk}.pdf"
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF-")
    reader = pdf_of(response)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert any("DejaVuSans" in name for name in embedded_fonts(reader))

    text = text_of(reader)
    for expected in [
        "Vejos įrengimo sertifikatas",
        "VejaPRO",
        "http://127.0.0.1:8000",
        str(certified.pk),
        "Žydrūnas Čepėnas",
        "Ąžuolų g. 5, Vilnius",
        "120,5 m²",
        "2026-04-01",
        "Pagrindo lygumas (nėra duobių > 2cm)",
        "Sėjos tolygumas (≥80% ploto)",
        "Kraštų apdirbimas",
        "Sklypo švara",
        expert_user.full_name,
    ]:
        assert expected in text, expected
    assert "Roboto bazės stabilumas" not in text


def test_only_ticked_items_are_listed_and_defaults_are_used(api, make_owned_project, admin_user, expert_user):
    project = make_owned_project(
        ProjectStatus.ACTIVE, client_info={}, client_user_id=None, area_m2=None, has_robot=True, assigned_expert=None
    )
    audit_record(
        entity_type="project",
        entity_id=project.pk,
        action="STATUS_CHANGE",
        actor=Actor.for_user(expert_user),
        old_value={"status": "PENDING_EXPERT"},
        new_value={"status": "CERTIFIED"},
        metadata={"checklist": {"robot": True, "perimeter": True, "ground": False}},
    )

    text = text_of(pdf_of(api(admin_user).get(url(project.pk))))

    assert "Klientas" in text
    assert "Roboto bazės stabilumas" in text
    assert "Perimetro kabelio vientisumas" in text
    assert "Pagrindo lygumas" not in text
    assert "Ekspertas" not in text
    assert "Plotas" not in text
    assert "Adresas" not in text


def test_expert_without_a_full_name_is_shown_by_email(api, certified, expert_user, client_user):
    expert_user.full_name = ""
    expert_user.save()
    certified.client_user_id = str(client_user.pk)
    certified.save()

    text = text_of(pdf_of(api(client_user).get(url(certified.pk))))

    assert expert_user.email in text


@pytest.mark.parametrize("status", [ProjectStatus.DRAFT, ProjectStatus.PENDING_EXPERT])
def test_uncertified_project_is_400(api, make_owned_project, admin_user, status):
    project = make_owned_project(status)
    response = api(admin_user).get(url(project.pk))
    assert (response.status_code, response.json()) == (400, {"detail": "Projektas nėra sertifikuotas"})


@pytest.mark.parametrize("project_id", ["abc", "00000000-0000-0000-0000-000000000000"])
def test_unknown_project_is_404(api, admin_user, project_id):
    response = api(admin_user).get(url(project_id))
    assert (response.status_code, response.json()) == (404, {"detail": "Projektas nerastas"})


def test_permission_matrix(
    api,
    make_owned_project,
    admin_user,
    client_user,
    contractor_user,
    expert_user,
    outsider_client,
    other_contractor,
    other_expert,
):
    project = make_owned_project(ProjectStatus.CERTIFIED)
    for user, status in [
        (None, 401),
        (outsider_client, 403),
        (other_contractor, 403),
        (other_expert, 403),
        (admin_user, 200),
        (client_user, 200),
        (contractor_user, 200),
        (expert_user, 200),
    ]:
        response = api(user).get(url(project.pk))
        assert response.status_code == status, user
        if status == 403:
            assert response.json() == {"detail": "Prieiga uždrausta"}
