"""GET and POST /admin/margins (api.md §15.6) on the margin service the back office uses."""

import datetime as dt
from decimal import Decimal

import pytest

from finance.models import Margin
from finance.services import margin_create
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.tests.audit import audit_rows

URL = "/api/v1/admin/margins"


@pytest.mark.django_db
def test_post_closes_the_active_version_and_answers_margin_out(api, admin_user):
    client = api(admin_user)
    first = client.post_json(URL, {"service_type": "Vejos įrengimas", "margin_percent": 20})

    second = client.post_json(URL, {"service_type": "Vejos įrengimas", "margin_percent": "22.505"})

    assert (first.status_code, second.status_code) == (200, 200)
    body = second.json()
    margin = Margin.objects.get(pk=body["id"])
    assert body == {
        "id": str(margin.pk),
        "service_type": "Vejos įrengimas",
        "margin_percent": 22.51,
        "valid_from": margin.valid_from.astimezone(dt.UTC).isoformat(),
        "valid_until": None,
        "created_by": str(admin_user.pk),
        "created_at": margin.created_at.astimezone(dt.UTC).isoformat(),
        "is_active": True,
    }
    assert Margin.objects.get(pk=first.json()["id"]).valid_until is not None
    rows = audit_rows(AuditAction.ADMIN_MARGIN_CREATED)
    assert len(rows) == 2
    assert rows[1].old_value == {"id": first.json()["id"], "margin_percent": 20.0}


@pytest.mark.django_db
def test_get_lists_newest_first_with_version_and_recent_count(api, admin_user):
    actor = Actor.for_user(admin_user)
    old = margin_create(service_type="Veja", margin_percent=Decimal("10"), actor=actor)
    Margin.objects.filter(pk=old.pk).update(created_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    new = margin_create(service_type="Veja", margin_percent=Decimal("12"), actor=actor)

    body = api(admin_user).get(URL).json()

    assert [item["id"] for item in body["items"]] == [str(new.pk), str(old.pk)]
    assert [item["is_active"] for item in body["items"]] == [True, False]
    assert (body["rules_version"], body["recent_changes_count"]) == (2, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"service_type": "", "margin_percent": 5}, "service_type"),
        ({"service_type": "x" * 65, "margin_percent": 5}, "service_type"),
        ({"service_type": "Veja", "margin_percent": -1}, "margin_percent"),
        ({"service_type": "Veja", "margin_percent": 1000}, "margin_percent"),
        ({"service_type": "Veja"}, "margin_percent"),
    ],
)
def test_bad_input_is_422(api, admin_user, body, field):
    response = api(admin_user).post_json(URL, body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]
    assert not Margin.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    ("who", "expected"),
    [(None, 401), ("client_user", 403), ("expert_user", 403), ("contractor_user", 403)],
)
def test_permission_matrix(api, request, method, who, expected):
    user = request.getfixturevalue(who) if who else None
    client = api(user)
    response = client.get(URL) if method == "get" else client.post_json(URL, {"service_type": "V", "margin_percent": 1})

    assert response.status_code == expected
    assert not Margin.objects.exists()
