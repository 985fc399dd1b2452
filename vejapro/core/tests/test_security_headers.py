"""Security headers on every response (security-ops.md §4.1), including the error answers of the gates."""

import pytest
from django.test import Client

STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "geolocation=(), microphone=(), camera=()",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Content-Security-Policy": STRICT_CSP,
}

pytestmark = [pytest.mark.django_db, pytest.mark.urls("vejapro.core.tests.urls")]


def assert_security_headers(response) -> None:
    for name, value in EXPECTED_HEADERS.items():
        assert response[name] == value, name


def test_json_response_carries_every_header(api, client_user):
    response = api(client_user).get("/api/v1/auth/me")

    assert response.status_code == 200
    assert_security_headers(response)


def test_health_carries_every_header(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert_security_headers(response)


def test_unknown_api_path_404_carries_every_header(client):
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert_security_headers(response)


def test_401_carries_every_header(client):
    response = client.get("/api/v1/auth/me")

    assert response.status_code == 401
    assert_security_headers(response)


def test_api_500_carries_every_header(client):
    response = client.get("/api/v1/_test/boom")

    assert response.status_code == 500
    assert_security_headers(response)


def test_page_500_carries_the_headers():
    response = Client(raise_request_exception=False).get("/_test/boom")

    assert response.status_code == 500
    for name in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy"):
        assert response[name] == EXPECTED_HEADERS[name]


def test_429_carries_every_header(client, settings, rate_limits):
    settings.RATE_LIMIT_API_PER_MIN = 1
    client.get("/api/v1/auth/me")

    response = client.get("/api/v1/auth/me")

    assert response.status_code == 429
    assert_security_headers(response)


def test_allow_list_404_carries_every_header(client, settings):
    settings.STAGING_IP_ALLOWLIST = ["10.0.0.0/8"]

    response = client.get("/api/v1/auth/me", REMOTE_ADDR="192.0.2.1")

    assert response.status_code == 404
    assert_security_headers(response)


def test_headers_set_by_the_view_are_kept(client):
    response = client.get("/api/v1/_test/own-headers")

    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["Permissions-Policy"] == "camera=(self)"
    assert response["Content-Security-Policy"] == "default-src 'self'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_headers_off_when_disabled(client, settings):
    settings.SECURITY_HEADERS_ENABLED = False

    response = client.get("/health")

    assert "Permissions-Policy" not in response
    assert "Strict-Transport-Security" not in response


def test_djangos_security_middleware_agrees_on_referrer_policy(client, settings):
    # Django sets Referrer-Policy first; its default (same-origin) would win over the §4.1 value.
    assert settings.SECURE_REFERRER_POLICY == "strict-origin-when-cross-origin"

    response = client.get("/health")

    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)


@pytest.mark.parametrize(("path", "status"), [("/_test/boom", 500), ("/no-such-page", 404), ("/admin/login/", 200)])
def test_html_pages_and_their_errors_carry_every_header_with_the_page_policy(path, status):
    response = Client(raise_request_exception=False).get(path)

    assert response.status_code == status
    assert {name: response[name] for name in EXPECTED_HEADERS} == {
        **EXPECTED_HEADERS,
        "Content-Security-Policy": PAGE_CSP,
    }
    assert (response["Cache-Control"], response["Pragma"]) == ("no-store", "no-cache")
