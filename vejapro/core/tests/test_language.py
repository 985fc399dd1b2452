"""Lithuanian first (ui.md §1): the browser's language does not switch the UI; the footer switch does."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_lithuanian_even_when_the_browser_prefers_english():
    response = Client().get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "lt"
    assert 'lang="lt"' in response.content.decode()


def test_the_switch_sets_english_and_returns_to_the_page():
    client = Client()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/admin/login/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/"
    page = client.get("/admin/login/")
    assert page.headers["Content-Language"] == "en"
    assert 'lang="en"' in page.content.decode()


def test_an_unknown_language_cookie_falls_back_to_lithuanian():
    client = Client()
    client.cookies["django_language"] = "xx"

    assert client.get("/admin/login/").headers["Content-Language"] == "lt"


def test_the_switch_is_in_the_admin_footer(admin_client):
    page = admin_client.get("/admin/").content.decode()

    assert 'action="/i18n/setlang/"' in page
    assert 'value="en"' in page


def test_pages_vary_on_the_language_cookie_not_on_the_browser_language():
    response = Client().get("/admin/login/")

    vary = {value.strip() for value in response["Vary"].split(",")}
    assert "Cookie" in vary
    assert "Accept-Language" not in vary
