"""Contractor and expert portal tokens minted by the admin (api.md §5.6)."""

import time
import uuid

import jwt
import pytest

from vejapro.core.models import AuditLog
from vejapro.core.tests.jwt_helpers import TEST_SECRET

pytestmark = pytest.mark.django_db

KINDS = [
    ("contractor-token", "contractor_user", "SUBCONTRACTOR", "contractor", "CONTRACTOR_TOKEN_ISSUED"),
    ("expert-token", "expert_user", "EXPERT", "expert", "EXPERT_TOKEN_ISSUED"),
]


def url(user_id, kind: str) -> str:
    return f"/api/v1/admin/users/{user_id}/{kind}"


@pytest.mark.parametrize(("kind", "target_fixture", "role", "portal", "action"), KINDS)
def test_admin_mints_the_portal_token(request, api, admin_user, settings, kind, target_fixture, role, portal, action):
    settings.PUBLIC_BASE_URL = "https://vejapro.test"
    target = request.getfixturevalue(target_fixture)
    before = int(time.time())

    response = api(admin_user).get(url(target.pk, kind))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at", "user_id", "portal_url"}
    assert body["user_id"] == str(target.pk)
    assert body["portal_url"] == f"https://vejapro.test/{portal}?token={body['token']}"
    claims = jwt.decode(body["token"], TEST_SECRET, algorithms=["HS256"], audience="authenticated")
    assert claims["sub"] == str(target.pk)
    assert claims["email"] == target.email
    assert claims["app_metadata"] == {"role": role}
    assert claims["exp"] == body["expires_at"]
    assert claims["exp"] - claims["iat"] == 168 * 3600
    assert claims["iat"] >= before
    uuid.UUID(claims["jti"])
    row = AuditLog.objects.get()
    assert (row.action, row.entity_type, str(row.entity_id)) == (action, "user", str(target.pk))
    assert (row.actor_type, row.actor_id) == ("ADMIN", str(admin_user.pk))
    assert row.old_value is None
    assert row.new_value == {"user_id": str(target.pk), "ttl_hours": 168}
    assert row.metadata is None


@pytest.mark.parametrize(("kind", "target_fixture", "role", "portal", "action"), KINDS)
def test_minted_token_is_accepted_as_a_bearer(
    request, api, admin_user, client, kind, target_fixture, role, portal, action
):
    target = request.getfixturevalue(target_fixture)
    token = api(admin_user).get(url(target.pk, kind)).json()["token"]

    response = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.json() == {"user_id": str(target.pk), "role": role, "email": target.email}


@pytest.mark.parametrize(("kind", "target_fixture", "role", "portal", "action"), KINDS)
@pytest.mark.parametrize(
    ("caller_fixture", "status", "detail"),
    [
        (None, 401, "Truksta Bearer zetono"),
        ("client_user", 403, "Draudžiama"),
        ("contractor_user", 403, "Draudžiama"),
        ("expert_user", 403, "Draudžiama"),
    ],
)
def test_only_admins_may_mint(request, api, kind, target_fixture, role, portal, action, caller_fixture, status, detail):
    target = request.getfixturevalue(target_fixture)
    caller = request.getfixturevalue(caller_fixture) if caller_fixture else None

    response = api(caller).get(url(target.pk, kind))

    assert response.status_code == status
    assert response.json() == {"detail": detail}
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("kind", ["contractor-token", "expert-token"])
@pytest.mark.parametrize("user_id", ["not-a-uuid", "123", str(uuid.uuid4())])
def test_unknown_or_non_uuid_user_is_404(api, admin_user, kind, user_id):
    response = api(admin_user).get(url(user_id, kind))

    assert response.status_code == 404
    assert response.json() == {"detail": "Vartotojas nerastas"}


@pytest.mark.parametrize(
    ("kind", "target_fixture", "detail"),
    [
        ("contractor-token", "expert_user", "User role must be SUBCONTRACTOR"),
        ("contractor-token", "client_user", "User role must be SUBCONTRACTOR"),
        ("expert-token", "contractor_user", "User role must be EXPERT"),
        ("expert-token", "admin_user", "User role must be EXPERT"),
    ],
)
def test_wrong_role_is_400(request, api, admin_user, kind, target_fixture, detail):
    target = request.getfixturevalue(target_fixture)

    response = api(admin_user).get(url(target.pk, kind))

    assert response.status_code == 400
    assert response.json() == {"detail": detail}
    assert not AuditLog.objects.filter(action__endswith="_TOKEN_ISSUED").exists()


@pytest.mark.parametrize(("kind", "target_fixture", "role", "portal", "action"), KINDS)
def test_inactive_user_is_400(request, api, admin_user, kind, target_fixture, role, portal, action):
    target = request.getfixturevalue(target_fixture)
    target.is_active = False
    target.save()

    response = api(admin_user).get(url(target.pk, kind))

    assert response.status_code == 400
    assert response.json() == {"detail": "Vartotojas neaktyvus"}
    assert not AuditLog.objects.exists()
