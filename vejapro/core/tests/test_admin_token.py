"""GET /api/v1/admin/token, the development admin token (api.md §5.1)."""

import time
import uuid

import jwt
import pytest

from vejapro.core.models import AuditLog
from vejapro.core.tests.jwt_helpers import TEST_SECRET

pytestmark = pytest.mark.django_db

URL = "/api/v1/admin/token"
SECRET_HEADER = "HTTP_X_ADMIN_TOKEN_SECRET"
NOT_FOUND = {"detail": "Nerastas"}


@pytest.fixture
def enabled(settings):
    settings.ADMIN_TOKEN_ENDPOINT_ENABLED = True
    settings.ADMIN_TOKEN_ENDPOINT_SECRET = "dev-admin-secret"
    return settings


def test_mints_an_admin_token(client, enabled):
    before = int(time.time())

    response = client.get(URL, **{SECRET_HEADER: "dev-admin-secret"})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    claims = jwt.decode(body["token"], TEST_SECRET, algorithms=["HS256"], audience="authenticated")
    assert claims["sub"] == "00000000-0000-0000-0000-000000000001"
    assert claims["email"] == "admin@test.local"
    assert claims["app_metadata"] == {"role": "ADMIN"}
    assert claims["aud"] == "authenticated"
    assert before <= claims["iat"] <= int(time.time())
    assert claims["exp"] == body["expires_at"] == claims["iat"] + 12 * 3600
    uuid.UUID(claims["jti"])
    assert jwt.get_unverified_header(body["token"])["alg"] == "HS256"
    assert not AuditLog.objects.exists()


def test_token_is_accepted_as_a_bearer(client, enabled):
    token = client.get(URL, **{SECRET_HEADER: "dev-admin-secret"}).json()["token"]

    response = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.json() == {
        "user_id": "00000000-0000-0000-0000-000000000001",
        "role": "ADMIN",
        "email": "admin@test.local",
    }


def test_configured_sub_email_and_ttl(client, enabled):
    enabled.ADMIN_TOKEN_SUB = "11111111-1111-1111-1111-111111111111"
    enabled.ADMIN_TOKEN_EMAIL = "ops@vejapro.test"
    enabled.ADMIN_TOKEN_TTL_HOURS = 2

    token = client.get(URL, **{SECRET_HEADER: "dev-admin-secret"}).json()["token"]

    claims = jwt.decode(token, TEST_SECRET, algorithms=["HS256"], audience="authenticated")
    assert (claims["sub"], claims["email"], claims["exp"] - claims["iat"]) == (
        "11111111-1111-1111-1111-111111111111",
        "ops@vejapro.test",
        2 * 3600,
    )


@pytest.mark.parametrize("ttl", [0, -5])
def test_non_positive_ttl_means_one_hour(client, enabled, ttl):
    enabled.ADMIN_TOKEN_TTL_HOURS = ttl

    body = client.get(URL, **{SECRET_HEADER: "dev-admin-secret"}).json()

    claims = jwt.decode(body["token"], TEST_SECRET, algorithms=["HS256"], audience="authenticated")
    assert claims["exp"] - claims["iat"] == 3600


def test_disabled_endpoint_is_404_even_with_the_secret(client, settings):
    settings.ADMIN_TOKEN_ENDPOINT_ENABLED = False
    settings.ADMIN_TOKEN_ENDPOINT_SECRET = "dev-admin-secret"

    response = client.get(URL, **{SECRET_HEADER: "dev-admin-secret"})

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_enabled_without_a_secret_is_404(client, enabled):
    enabled.ADMIN_TOKEN_ENDPOINT_SECRET = ""

    assert client.get(URL, **{SECRET_HEADER: ""}).json() == NOT_FOUND
    assert client.get(URL).status_code == 404


@pytest.mark.parametrize("given", [None, "", "wrong", "dev-admin-secret ", "DEV-ADMIN-SECRET", "dev-admin-secre"])
def test_wrong_or_missing_header_is_404(client, enabled, given):
    extra = {SECRET_HEADER: given} if given is not None else {}

    response = client.get(URL, **extra)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("environment", ["production", "prod", "PRODUCTION"])
def test_production_is_404_whatever_the_flag(client, enabled, environment):
    enabled.ENVIRONMENT = environment

    response = client.get(URL, **{SECRET_HEADER: "dev-admin-secret"})

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("role_fixture", ["admin_user", "client_user", "contractor_user", "expert_user"])
def test_a_bearer_token_does_not_open_it(request, api, enabled, role_fixture):
    user = request.getfixturevalue(role_fixture)

    response = api(user).get(URL)

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
