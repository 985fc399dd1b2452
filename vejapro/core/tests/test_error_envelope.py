"""The JSON error envelope for every /api failure (api.md §1.2), also outside DRF."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("vejapro.core.tests.urls")]

MASKED = {"detail": "Įvyko vidinė klaida"}


@pytest.mark.parametrize("path", ["/api/v1/no-such-endpoint", "/api/v1/", "/api", "/api/v2/projects", "/api/x"])
def test_unknown_api_paths_answer_json_nerastas(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"detail": "Nerastas"}


def test_unknown_api_path_with_post_is_not_redirected(client):
    response = client.post("/api/v1/auth/me/", data={}, content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}


def test_malformed_json_is_422_with_the_list_shape(client):
    response = client.post("/api/v1/_test/echo", data="{not json", content_type="application/json")

    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body"], "msg": "Netinkamas JSON", "type": "json_invalid"}]}


def test_validation_failure_is_422_naming_the_field(client):
    response = client.post("/api/v1/_test/echo", data={"name": "x" * 11}, content_type="application/json")

    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["body", "name"]
    assert error["type"] == "max_length"


def test_missing_field_is_422(client):
    response = client.post("/api/v1/_test/echo", data={}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]
    assert response.json()["detail"][0]["type"] == "required"


def test_json_array_body_is_422(client):
    response = client.post("/api/v1/_test/echo", data=[1], content_type="application/json")

    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body"], "msg": "Laukiamas JSON objektas", "type": "dict_type"}]}


def test_unhandled_exception_in_an_api_view_is_masked(client):
    response = client.get("/api/v1/_test/boom")

    assert response.status_code == 500
    assert response.json() == MASKED


def test_unhandled_exception_shows_the_real_text_when_exposed(client, settings):
    settings.EXPOSE_ERROR_DETAILS = True

    response = client.get("/api/v1/_test/boom")

    assert response.status_code == 500
    assert response.json() == {"detail": "RuntimeError: kaboom in the view"}


def test_unhandled_exception_in_a_plain_view_under_api_is_masked(client):
    response = client.get("/api/v1/_test/plain-boom")

    assert response.status_code == 500
    assert response.json() == MASKED


def test_plain_view_exception_real_text_when_exposed(client, settings):
    settings.EXPOSE_ERROR_DETAILS = True

    response = client.get("/api/v1/_test/plain-boom")

    assert response.json() == {"detail": "RuntimeError: kaboom in a plain view"}


def test_django_permission_denied_in_an_api_view_is_403(client):
    response = client.get("/api/v1/_test/denied")

    assert response.status_code == 403
    assert response.json() == {"detail": "Draudžiama"}


def test_django_405_under_api_is_the_envelope(client):
    response = client.get("/api/v1/_test/post-only")

    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}
    assert response["Allow"] == "POST"


def test_drf_405_is_the_envelope(api, admin_user):
    response = api(admin_user).post_json("/api/v1/auth/me")

    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}


def test_oversized_json_body_is_413(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    response = client.post("/api/v1/_test/echo", data={"name": "x" * 200}, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"detail": "Request Entity Too Large"}


def test_request_data_too_big_raised_by_a_view_is_413(client):
    response = client.post("/api/v1/_test/plain-too-big")

    assert response.status_code == 413
    assert response.json() == {"detail": "Request Entity Too Large"}


def test_suspicious_request_under_api_is_400(client):
    response = client.get("/api/v1/_test/plain-suspicious")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad Request"}


def test_csrf_failure_under_api_is_the_envelope():
    response = Client(enforce_csrf_checks=True).post("/api/v1/_test/csrf", data={"a": "b"})

    assert response.status_code == 403
    assert response.json() == {"detail": "Draudžiama"}


def test_401_carries_the_bearer_challenge(client):
    response = client.get("/api/v1/auth/me")

    assert response.status_code == 401
    assert response.json() == {"detail": "Truksta Bearer zetono"}
    assert response["WWW-Authenticate"] == "Bearer"


def test_401_for_a_bad_token_carries_the_bearer_challenge(client):
    response = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION="Bearer not.a.jwt")

    assert response.status_code == 401
    assert response.json() == {"detail": "Netinkamas žetonas"}
    assert response["WWW-Authenticate"] == "Bearer"


def test_api_responses_are_utf8_json(api, admin_user, client):
    ok = api(admin_user).get("/api/v1/auth/me")
    error = client.get("/api/v1/auth/me")

    assert ok["Content-Type"] == "application/json; charset=utf-8"
    assert error["Content-Type"] == "application/json; charset=utf-8"
    assert "Truksta Bearer zetono" in error.content.decode("utf-8")


def test_lithuanian_error_texts_are_sent_as_utf8_not_escaped(client):
    response = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION="Bearer x.y.z")

    assert "Netinkamas žetonas".encode() in response.content
