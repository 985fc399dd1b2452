"""GET|HEAD /health (api.md §16.1, security-ops.md §11)."""

from unittest import mock

import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_database_ok(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"status": "ok", "db": "ok"}


def test_health_head_has_same_status_and_no_body(client):
    response = client.head("/health")

    assert response.status_code == 200
    assert response.content == b""


def test_health_degraded_when_database_fails(client):
    with mock.patch("vejapro.core.system.views.database_is_healthy", return_value=False):
        response = client.get("/health")

    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "db": "error"}


def test_health_head_degraded_is_503_too(client):
    with mock.patch("vejapro.core.system.views.database_is_healthy", return_value=False):
        response = client.head("/health")

    assert response.status_code == 503
    assert response.content == b""


def test_database_failure_is_detected():
    from vejapro.core.system.selectors import database_is_healthy

    with mock.patch("vejapro.core.system.selectors.connection.cursor", side_effect=RuntimeError("db down")):
        assert database_is_healthy() is False


def test_other_methods_are_refused(client):
    assert client.post("/health").status_code == 405


def test_health_carries_the_security_headers(client):
    response = client.head("/health")

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"


def test_staging_allow_list_applies(client, settings):
    settings.STAGING_IP_ALLOWLIST = ["10.0.0.0/8"]

    assert client.get("/health", REMOTE_ADDR="192.0.2.1").status_code == 404
    assert client.get("/health", REMOTE_ADDR="10.0.0.5").status_code == 200


def test_admin_allow_list_does_not_apply(client, settings):
    settings.ADMIN_IP_ALLOWLIST = ["10.0.0.0/8"]

    assert client.get("/health", REMOTE_ADDR="192.0.2.1").status_code == 200


def test_no_rate_limit(client, rate_limits):
    rate_limits.RATE_LIMIT_API_PER_MIN = 1

    assert [client.head("/health").status_code for _ in range(5)] == [200] * 5
