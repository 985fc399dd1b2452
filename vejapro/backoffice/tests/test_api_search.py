"""GET /api/v1/admin/search (api.md §15.5) and the admin's «Paieška» (ui.md §3.13): one search, one label."""

import pytest

from payments.tests.factories import add_payment
from projects.tests.factories import make_project

URL = "/api/v1/admin/search"
pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(contractor_user, expert_user):
    project = make_project(
        "PAID",
        client_info={
            "name": "Jonas Jonaitis",
            "email": "jonas@gmail.com",
            "phone": "+37061234567",
            "address": "Vilnius, Pilaitė",
        },
        contractor=contractor_user,
        expert=expert_user,
    )
    add_payment(project, receipt_no="DEMO-6-A", key="DEMO-6-DEPOSIT")
    make_project("DRAFT", name="Kitas", email="kitas@example.com", phone=None)
    return project


def _hit(project) -> dict:
    return {
        "type": "project",
        "id": str(project.pk),
        "label": f"Projektas {str(project.pk)[:8]} · Jonas Jonaitis · Vilnius · Apmokėtas",
        "href": f"/admin/projects/project/{project.pk}/change/",
    }


@pytest.mark.parametrize(
    "q",
    ["Vilnius", "pilait", "Petras", "ekspertė", "DEMO-6", "6-DEPOSIT", "jonaitis", "jonas@", "61234", "PAID"],
)
def test_finds_by_address_people_payments_and_contacts(api, admin_user, paid, q):
    response = api(admin_user).get(URL, {"q": q})

    assert response.status_code == 200
    assert response.json() == {"items": [_hit(paid)]}


def test_labels_carry_no_contact_and_no_status_code(api, admin_user):
    project = make_project(
        "PENDING_EXPERT", client_info={"name": "jonas@gmail.com", "address": "+37061234567", "phone": "+37061234567"}
    )

    [hit] = api(admin_user).get(URL, {"q": "61234"}).json()["items"]

    assert hit["label"] == f"Projektas {str(project.pk)[:8]} · Laukia eksperto"


def test_the_admin_search_shows_the_same_labels(admin_client, paid):
    make_project("DRAFT", client_info={"name": "Jonas Jonaitis", "address": "Vilnius"})

    html = admin_client.get("/admin/paieska/", {"q": "Vilnius"}).content.decode()

    assert _hit(paid)["label"] in html
    assert "jonas@gmail.com" not in html


@pytest.mark.parametrize("q", ["ab", "  ab  ", "   "])
def test_fewer_than_three_characters_find_nothing(api, admin_user, paid, q):
    response = api(admin_user).get(URL, {"q": q})

    assert (response.status_code, response.json()) == (200, {"items": []})


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "x" * 129}, {"q": "abc", "limit": "51"}])
def test_bad_query_is_422(api, admin_user, params):
    response = api(admin_user).get(URL, params)

    assert response.status_code == 422


def test_limit_caps_the_hits(api, admin_user):
    for _ in range(3):
        make_project(name="Marius", email=None, phone=None)

    assert len(api(admin_user).get(URL, {"q": "marius", "limit": 2}).json()["items"]) == 2


@pytest.mark.parametrize("count", [3, 30])
def test_queries_do_not_grow_with_hits(api, admin_user, django_assert_num_queries, count):
    for _ in range(count):
        make_project(name="Marius", email=None, phone=None)
    client = api(admin_user)

    # The bearer's user and the projects.
    with django_assert_num_queries(2):
        response = client.get(URL, {"q": "marius"})

    assert len(response.json()["items"]) == count
