"""POST /api/v1/auth/refresh, the Supabase session refresh proxy (api.md §5.2)."""

import json
import time
from unittest import mock

import pytest

from vejapro.core.accounts.supabase import SupabaseUnavailable

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/refresh"


@pytest.fixture
def supabase(settings):
    settings.SUPABASE_URL = "https://abcd.supabase.co"
    settings.SUPABASE_KEY = "sb_publishable_key"
    return settings


def refresh(client, body, **extra):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **extra)


def upstream(status: int = 200, data=None):
    return mock.patch("vejapro.core.accounts.supabase.auth_refresh", return_value=(status, data))


def test_refresh_returns_the_new_session(client, supabase):
    answer = {"access_token": "new-access", "refresh_token": "new-refresh", "expires_at": 1900000000}
    with upstream(200, answer) as call:
        response = refresh(client, {"refresh_token": "  old-refresh  "})

    assert response.status_code == 200
    assert response.json() == {"access_token": "new-access", "refresh_token": "new-refresh", "expires_at": 1900000000}
    call.assert_called_once_with(refresh_token="old-refresh")


def test_refresh_token_sent_is_kept_when_upstream_gives_none(client, supabase):
    with upstream(200, {"access_token": "new-access", "expires_at": 1900000000}):
        response = refresh(client, {"refresh_token": "old-refresh"})

    assert response.json()["refresh_token"] == "old-refresh"


def test_expires_at_from_expires_in(client, supabase):
    before = int(time.time())
    with upstream(200, {"access_token": "a", "expires_in": 600}):
        expires_at = refresh(client, {"refresh_token": "r"}).json()["expires_at"]

    assert before + 600 <= expires_at <= int(time.time()) + 600


@pytest.mark.parametrize(
    "answer",
    [
        {"access_token": "a"},
        {"access_token": "a", "expires_at": "soon"},
        {"access_token": "a", "expires_in": "a while"},
        {"access_token": "a", "expires_at": True},
    ],
)
def test_expires_at_defaults_to_an_hour(client, supabase, answer):
    before = int(time.time())
    with upstream(200, answer):
        expires_at = refresh(client, {"refresh_token": "r"}).json()["expires_at"]

    assert before + 3600 <= expires_at <= int(time.time()) + 3600


@pytest.mark.parametrize("status", [400, 401, 403, 500])
def test_upstream_refusal_is_401(client, supabase, status):
    with upstream(status, {"error": "invalid_grant"}):
        response = refresh(client, {"refresh_token": "r"})

    assert response.status_code == 401
    assert response.json() == {"detail": "Nepavyko atnaujinti sesijos"}
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("data", [None, {"token": "x"}, {"access_token": ""}, ["access_token"]])
def test_unusable_upstream_answer_is_502(client, supabase, data):
    with upstream(200, data):
        response = refresh(client, {"refresh_token": "r"})

    assert response.status_code == 502
    assert response.json() == {"detail": "Įvyko vidinė klaida"}


def test_network_error_is_502(client, supabase):
    failure = SupabaseUnavailable("Supabase auth unreachable: ConnectTimeout")
    with mock.patch("vejapro.core.accounts.supabase.auth_refresh", side_effect=failure):
        response = refresh(client, {"refresh_token": "r"})

    assert response.status_code == 502
    assert response.json() == {"detail": "Įvyko vidinė klaida"}


@pytest.mark.parametrize("body", ["{not json", "[]", '"text"', "null", "", "[" * 100_000 + "]" * 100_000])
def test_body_must_be_a_json_object(client, supabase, body):
    with upstream() as call:
        response = refresh(client, body)

    assert response.status_code == 400
    assert response.json() == {"detail": "Neteisingas JSON body"}
    call.assert_not_called()


@pytest.mark.parametrize("body", [{}, {"refresh_token": ""}, {"refresh_token": "   "}, {"refresh_token": 5}])
def test_refresh_token_is_required(client, supabase, body):
    with upstream() as call:
        response = refresh(client, body)

    assert response.status_code == 400
    assert response.json() == {"detail": "refresh_token privalomas"}
    call.assert_not_called()


@pytest.mark.parametrize(("url", "key"), [("", "sb_key"), ("https://abcd.supabase.co", ""), ("", "")])
def test_local_mode_is_404(client, settings, url, key):
    settings.SUPABASE_URL = url
    settings.SUPABASE_KEY = key
    with upstream() as call:
        response = refresh(client, {"refresh_token": "r"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}
    call.assert_not_called()


def test_a_bearer_header_is_not_needed_nor_checked(client, supabase):
    with upstream(200, {"access_token": "a", "expires_at": 1900000000}):
        response = refresh(client, {"refresh_token": "r"}, HTTP_AUTHORIZATION="Bearer expired.or.garbage")

    assert response.status_code == 200
