"""GET /api/v1/auth/me (api.md §5.3)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role_fixture", "role"),
    [
        ("client_user", "CLIENT"),
        ("contractor_user", "SUBCONTRACTOR"),
        ("expert_user", "EXPERT"),
        ("admin_user", "ADMIN"),
    ],
)
def test_every_role_sees_its_token_identity(request, api, role_fixture, role):
    user = request.getfixturevalue(role_fixture)

    response = api(user).get("/api/v1/auth/me")

    assert response.status_code == 200
    assert response.json() == {"user_id": str(user.pk), "role": role, "email": user.email}


def test_me_without_token_is_401_with_bearer_challenge(api):
    response = api().get("/api/v1/auth/me")

    assert response.status_code == 401
    assert response.json() == {"detail": "Truksta Bearer zetono"}
    assert response["WWW-Authenticate"] == "Bearer"
