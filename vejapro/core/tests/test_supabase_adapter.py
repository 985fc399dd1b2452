"""The Supabase adapter's HTTP calls, with ``requests`` replaced (never the network)."""

from unittest import mock

import pytest
import requests

from vejapro.core.accounts import supabase


@pytest.fixture
def configured(settings):
    settings.SUPABASE_URL = "https://abcd.supabase.co"
    settings.SUPABASE_KEY = "sb_publishable_key"
    settings.SUPABASE_ANON_KEY = ""
    return settings


def fake_response(status: int, body=None, *, json_error: bool = False):
    response = mock.Mock(status_code=status)
    response.json.side_effect = ValueError("not json") if json_error else None
    response.json.return_value = body
    return response


def test_auth_refresh_posts_to_the_token_endpoint(configured):
    with mock.patch("vejapro.core.accounts.supabase.requests.post", return_value=fake_response(200, {"a": 1})) as post:
        result = supabase.auth_refresh(refresh_token="r-token")

    assert result == (200, {"a": 1})
    post.assert_called_once_with(
        "https://abcd.supabase.co/auth/v1/token",
        params={"grant_type": "refresh_token"},
        json={"refresh_token": "r-token"},
        headers={"apikey": "sb_publishable_key", "Authorization": "Bearer sb_publishable_key"},
        timeout=10,
    )


def test_auth_refresh_prefers_the_legacy_anon_key(configured):
    configured.SUPABASE_ANON_KEY = "eyJ.legacy.anon"
    with mock.patch("vejapro.core.accounts.supabase.requests.post", return_value=fake_response(200, {})) as post:
        supabase.auth_refresh(refresh_token="r")

    assert post.call_args.kwargs["headers"] == {"apikey": "eyJ.legacy.anon", "Authorization": "Bearer eyJ.legacy.anon"}


def test_auth_refresh_non_json_body(configured):
    with mock.patch("vejapro.core.accounts.supabase.requests.post", return_value=fake_response(502, json_error=True)):
        assert supabase.auth_refresh(refresh_token="r") == (502, None)


def test_auth_refresh_network_error(configured):
    with (
        mock.patch("vejapro.core.accounts.supabase.requests.post", side_effect=requests.ConnectTimeout("slow")),
        pytest.raises(supabase.SupabaseUnavailable, match="ConnectTimeout"),
    ):
        supabase.auth_refresh(refresh_token="r")


def test_fetch_jwks_reads_the_well_known_document(configured):
    response = fake_response(200, {"keys": []})
    with mock.patch("vejapro.core.accounts.supabase.requests.get", return_value=response) as get:
        assert supabase.fetch_jwks() == {"keys": []}

    get.assert_called_once_with("https://abcd.supabase.co/auth/v1/.well-known/jwks.json", timeout=5)
    response.raise_for_status.assert_called_once_with()


def test_password_sign_in_posts_to_the_token_endpoint(configured):
    with mock.patch("vejapro.core.accounts.supabase.requests.post", return_value=fake_response(200, {"a": 1})) as post:
        result = supabase.auth_password_sign_in(email="jonas@example.com", password="pw")

    assert result == (200, {"a": 1})
    post.assert_called_once_with(
        "https://abcd.supabase.co/auth/v1/token",
        params={"grant_type": "password"},
        json={"email": "jonas@example.com", "password": "pw"},
        headers={"apikey": "sb_publishable_key", "Authorization": "Bearer sb_publishable_key"},
        timeout=10,
    )


def test_password_sign_in_network_error(configured):
    with (
        mock.patch("vejapro.core.accounts.supabase.requests.post", side_effect=requests.ConnectionError("down")),
        pytest.raises(supabase.SupabaseUnavailable, match="ConnectionError"),
    ):
        supabase.auth_password_sign_in(email="jonas@example.com", password="pw")
