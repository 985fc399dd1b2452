"""Content-Security-Policy page families (security-ops.md §4.2): exact header strings in the spec's order."""

import pytest

from vejapro.core.http.csp import build_ordered_policy, html_page

STRICT = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
PAGE = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)
PAGE_WITH_SUPABASE = PAGE.replace("img-src 'self' data:;", "img-src 'self' data: https://abcd.supabase.co;")
WIZARD = PAGE.replace("connect-src 'self';", "connect-src 'self' https://nominatim.openstreetmap.org;")
LOGIN = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("vejapro.core.tests.urls")]


def test_json_gets_the_strict_default_policy(api, admin_user):
    response = api(admin_user).get("/api/v1/auth/me")

    assert response["Content-Security-Policy"] == STRICT


def test_admin_login_page_gets_the_admin_family_and_no_store(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == PAGE
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_admin_redirect_gets_the_admin_family(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Content-Security-Policy"] == PAGE
    assert response["Cache-Control"] == "no-store"


def test_admin_family_names_the_supabase_host_for_images(client, settings):
    settings.SUPABASE_URL = "https://abcd.supabase.co/"

    response = client.get("/admin/login/")

    assert response["Content-Security-Policy"] == PAGE_WITH_SUPABASE


def test_public_page_family_is_publicly_cacheable_for_five_minutes(client):
    response = client.get("/_test/public")

    assert response["Content-Security-Policy"] == PAGE
    assert response["Cache-Control"] == "public, max-age=300"
    assert "Pragma" not in response


def test_token_page_family_is_not_stored(client):
    response = client.get("/_test/token")

    assert response["Content-Security-Policy"] == PAGE
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_portal_family(client):
    response = client.get("/_test/portal")

    assert response["Content-Security-Policy"] == PAGE
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_estimate_wizard_adds_the_geocoder_to_connect_src(client):
    response = client.get("/_test/wizard")

    assert response["Content-Security-Policy"] == WIZARD


def test_login_family_has_its_own_policy_and_no_referrer(client):
    response = client.get("/_test/login")

    assert response["Content-Security-Policy"] == LOGIN
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_html_404_page_uses_the_page_family(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response["Content-Security-Policy"] == PAGE


def test_unknown_page_family_is_refused():
    with pytest.raises(ValueError, match="unknown page family"):
        html_page(family="blog")


def test_policy_keeps_the_configured_order_with_replace_update_and_removal():
    policy = build_ordered_policy(
        config={"default-src": ["'none'"], "frame-ancestors": ["'none'"], "base-uri": ["'none'"]},
        replace={"img-src": ["'self'"], "base-uri": None},
        update={"img-src": ["data:", "'self'"], "upgrade-insecure-requests": True},
    )

    assert policy == "img-src 'self' data:; default-src 'none'; frame-ancestors 'none'; upgrade-insecure-requests"


def test_debug_error_pages_keep_djangos_inline_styles(client, settings):
    settings.DEBUG = True

    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert "Content-Security-Policy" not in response


def test_admin_csv_export_keeps_the_strict_policy_and_is_not_stored(admin_client):
    response = admin_client.get("/admin/core/auditlog/eksportas/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Security-Policy"] == STRICT
    assert (response["Cache-Control"], response["Pragma"]) == ("no-store", "no-cache")


def test_admin_html_page_of_a_signed_in_admin_gets_the_admin_family(admin_client):
    response = admin_client.get("/admin/core/auditlog/")

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == PAGE
