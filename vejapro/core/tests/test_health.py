from unittest import mock

import pytest


@pytest.mark.django_db
def test_health_reports_database_ok(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "db": "ok"}


@pytest.mark.django_db
def test_health_head_has_same_status_and_no_body(client):
    response = client.head("/health")

    assert response.status_code == 200
    assert response.content == b""


@pytest.mark.django_db
def test_health_degraded_when_database_fails(client):
    with mock.patch("vejapro.core.views.database_is_healthy", return_value=False):
        response = client.get("/health")

    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "db": "error"}


@pytest.mark.django_db
def test_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/no-such-endpoint")

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}
