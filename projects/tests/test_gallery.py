"""GET /api/v1/gallery (api.md §7.7, workflow.md §11): the public before/after feed."""

import base64
from datetime import UTC, datetime, timedelta

import pytest

from projects.models import ProjectStatus
from projects.tests.factories import add_evidence

pytestmark = pytest.mark.django_db
URL = "/api/v1/gallery"
T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
CONSENTED = {"marketing_consent": True, "marketing_consent_at": T0}


@pytest.fixture(autouse=True)
def _marketing_on(settings):
    settings.ENABLE_MARKETING_MODULE = True


@pytest.fixture
def published_pair(make_owned_project):
    """A consenting certified project with a published before photo and ``n`` published after photos."""

    def make(n_after=1, status=ProjectStatus.CERTIFIED, at=T0, **after_fields):
        project = make_owned_project(status, **CONSENTED)
        add_evidence(
            project,
            "SITE_BEFORE",
            show_on_web=True,
            file_url=f"/media/evidences/{project.pk}/before.jpg",
            medium_url=f"/media/evidences/{project.pk}/before_md.webp",
            uploaded_at=at - timedelta(days=30),
        )
        afters = [
            add_evidence(
                project,
                show_on_web=True,
                file_url=f"/media/evidences/{project.pk}/after{i}.jpg",
                thumbnail_url=f"/media/evidences/{project.pk}/after{i}_thumb.webp",
                uploaded_at=at - timedelta(minutes=i),
                **after_fields,
            )
            for i in range(n_after)
        ]
        return project, afters

    return make


def test_items_pair_each_after_photo_with_the_earliest_published_before(api, make_owned_project):
    project = make_owned_project(
        ProjectStatus.ACTIVE, client_info={"name": "Slaptas Vardas", "address": "Gatvė 1"}, **CONSENTED
    )
    add_evidence(project, "SITE_BEFORE", show_on_web=True, file_url="/b-late.jpg", uploaded_at=T0 - timedelta(days=1))
    add_evidence(project, "SITE_BEFORE", show_on_web=True, file_url="/b-early.jpg", uploaded_at=T0 - timedelta(days=9))
    add_evidence(project, "SITE_BEFORE", file_url="/b-hidden.jpg", uploaded_at=T0 - timedelta(days=20))
    after = add_evidence(
        project,
        show_on_web=True,
        is_featured=True,
        location_tag="Vilniaus raj.",
        file_url="/a.jpg",
        medium_url="/a_md.webp",
        thumbnail_url="/a_thumb.webp",
        uploaded_at=T0,
    )
    add_evidence(project, file_url="/a-hidden.jpg", uploaded_at=T0)

    response = api().get(URL)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert response.json() == {
        "items": [
            {
                "id": str(after.pk),
                "project_id": str(project.pk),
                "before_url": "/b-early.jpg",
                "after_url": "/a_md.webp",
                "thumbnail_url": "/a_thumb.webp",
                "location_tag": "Vilniaus raj.",
                "is_featured": True,
                "uploaded_at": "2026-05-01T12:00:00+00:00",
            }
        ],
        "next_cursor": None,
        "has_more": False,
    }
    assert "Slaptas" not in response.content.decode()


def test_before_url_prefers_the_medium_variant(api, published_pair):
    project, [after] = published_pair()
    [item] = api().get(URL).json()["items"]
    assert item["before_url"] == f"/media/evidences/{project.pk}/before_md.webp"
    assert item["after_url"] == after.file_url  # no medium variant: the original


def test_projects_that_do_not_qualify_are_skipped(api, make_owned_project, published_pair):
    _, [shown] = published_pair()
    no_before = make_owned_project(ProjectStatus.CERTIFIED, **CONSENTED)
    add_evidence(no_before, show_on_web=True)
    no_consent = make_owned_project(ProjectStatus.CERTIFIED)
    add_evidence(no_consent, "SITE_BEFORE", show_on_web=True)
    add_evidence(no_consent, show_on_web=True)
    not_certified = make_owned_project(ProjectStatus.PENDING_EXPERT, **CONSENTED)
    add_evidence(not_certified, "SITE_BEFORE", show_on_web=True)
    add_evidence(not_certified, show_on_web=True)

    items = api().get(URL).json()["items"]

    assert [item["id"] for item in items] == [str(shown.pk)]


def test_filters_by_location_and_featured(api, published_pair):
    _, [vilnius] = published_pair(location_tag="Vilniaus raj.", is_featured=True)
    _, [kaunas] = published_pair(location_tag="Kauno raj.")

    by_tag = api().get(URL, {"location_tag": "Kauno raj."}).json()["items"]
    featured = api().get(URL, {"featured_only": "true"}).json()["items"]
    everything = api().get(URL, {"featured_only": "false"}).json()["items"]

    assert [item["id"] for item in by_tag] == [str(kaunas.pk)]
    assert [item["id"] for item in featured] == [str(vilnius.pk)]
    assert len(everything) == 2


def test_pages_are_tie_safe_and_complete(api, published_pair):
    _, same_time = published_pair(n_after=1)
    for _ in range(4):
        _, more = published_pair(n_after=1)  # every after photo has the same uploaded_at
        same_time += more
    _, older = published_pair(n_after=3, at=T0 - timedelta(hours=1))
    expected = [str(p.pk) for p in sorted(same_time, key=lambda p: p.pk, reverse=True)]
    expected += [str(p.pk) for p in older]

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = api().get(URL, params).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        assert body["has_more"] == (body["next_cursor"] is not None)
        if not body["has_more"]:
            break
        cursor = body["next_cursor"]

    assert seen == expected
    assert pages == 4


def test_a_cursor_holding_only_a_timestamp_is_accepted(api, published_pair):
    published_pair(at=T0)
    _, [older] = published_pair(at=T0 - timedelta(days=1))
    cursor = base64.urlsafe_b64encode(T0.isoformat().encode()).decode()

    items = api().get(URL, {"cursor": cursor}).json()["items"]

    assert [item["id"] for item in items] == [str(older.pk)]


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        "bm90IGEgZGF0ZQ==",
        base64.urlsafe_b64encode(b"2026-01-01|nope").decode(),
        base64.urlsafe_b64encode(b"0001-01-01T00:00:00+05:00").decode(),
        base64.urlsafe_b64encode(b"2026-01-01\x00|x").decode(),
        base64.urlsafe_b64encode(b"a|b|c").decode(),
    ],
)
def test_invalid_cursor_is_400(api, cursor):
    response = api().get(URL, {"cursor": cursor})
    assert (response.status_code, response.json()) == (400, {"detail": "Neteisingas žymeklis"})


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 61}, {"limit": "x"}, {"featured_only": "maybe"}, {"location_tag": "Vilnius\x00"}],
)
def test_out_of_range_query_is_422(api, params):
    response = api().get(URL, params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", next(iter(params))]


def test_default_limit_is_24_and_60_is_allowed(api, published_pair):
    published_pair(n_after=30)
    assert len(api().get(URL).json()["items"]) == 24
    assert len(api().get(URL, {"limit": 60}).json()["items"]) == 30


def test_queries_do_not_grow_with_rows(api, published_pair, django_assert_num_queries):
    published_pair(n_after=2)
    with django_assert_num_queries(1):
        assert len(api().get(URL).json()["items"]) == 2
    for _ in range(10):
        published_pair(n_after=3)
    with django_assert_num_queries(1):
        assert len(api().get(URL, {"limit": 60}).json()["items"]) == 32


def test_public_endpoint_ignores_tokens(api, published_pair, admin_user):
    published_pair()
    response = api().get(URL, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 200
    assert api(admin_user).get(URL).status_code == 200


def test_flag_off_is_404(api, settings):
    settings.ENABLE_MARKETING_MODULE = False
    response = api().get(URL)
    assert (response.status_code, response.json()) == (404, {"detail": "Nerastas"})
