import pytest


@pytest.mark.django_db
def test_me_returns_the_token_identity(api, contractor_user):
    response = api(contractor_user).get("/api/v1/auth/me")

    assert response.status_code == 200
    assert response.json() == {
        "user_id": str(contractor_user.pk),
        "role": "SUBCONTRACTOR",
        "email": contractor_user.email,
    }


@pytest.mark.django_db
def test_me_without_token_is_401_with_bearer_challenge(api):
    response = api().get("/api/v1/auth/me")

    assert response.status_code == 401
    assert response.json() == {"detail": "Truksta Bearer zetono"}
    assert response["WWW-Authenticate"] == "Bearer"
