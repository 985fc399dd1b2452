"""Lithuanian error pages outside /api (404, 500, 403, 400 and the CSRF failure)."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("vejapro.core.tests.urls")]


def page_text(response) -> str:
    assert response["Content-Type"] == "text/html; charset=utf-8"
    return response.content.decode()


def test_unknown_page_is_the_lithuanian_404(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    text = page_text(response)
    assert "<h1>Nerastas</h1>" in text
    assert "Puslapis, kurio ieškote, neegzistuoja." in text
    assert '<html lang="lt">' in text


def test_unhandled_page_exception_is_the_lithuanian_500_without_details():
    response = Client(raise_request_exception=False).get("/_test/boom")

    assert response.status_code == 500
    text = page_text(response)
    assert "Įvyko vidinė klaida" in text
    assert "kaboom" not in text


def test_permission_denied_page(client):
    response = client.get("/_test/denied")

    assert response.status_code == 403
    assert "Prieiga uždrausta" in page_text(response)


def test_csrf_failure_page():
    response = Client(enforce_csrf_checks=True).post("/_test/csrf", data={"a": "b"})

    assert response.status_code == 403
    text = page_text(response)
    assert "Saugumo patikra nepavyko. Atnaujinkite puslapį ir bandykite dar kartą." in text


def test_bad_request_page(client):
    response = client.get("/_test/suspicious")

    assert response.status_code == 400
    assert "Neteisinga užklausa" in page_text(response)


def test_error_pages_are_not_cached(client):
    response = client.get("/no-such-page")

    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/no-such-page", "/admin/login/"])
def test_error_pages_follow_the_language_switch_not_the_browser(client, settings, path):
    settings.STAGING_IP_ALLOWLIST = ["10.0.0.0/8"] if path == "/admin/login/" else []

    browser_english = client.get(path, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9", REMOTE_ADDR="192.0.2.1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    switched = client.get(path, REMOTE_ADDR="192.0.2.1")

    assert browser_english.status_code == switched.status_code == 404
    assert '<html lang="lt">' in browser_english.content.decode()
    assert '<html lang="en">' in switched.content.decode()
