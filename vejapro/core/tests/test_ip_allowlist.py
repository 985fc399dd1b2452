"""IP allow-lists (security-ops.md §6): 404 Nerastas, never 403, for requests from outside the list."""

import pytest

from vejapro.core.http.middleware import is_admin_allowlist_path

pytestmark = pytest.mark.django_db

OUTSIDE = "192.0.2.10"
INSIDE = "10.1.2.3"


@pytest.fixture
def admin_list(settings):
    settings.ADMIN_IP_ALLOWLIST = ["10.0.0.0/8", "203.0.113.7"]
    return settings


@pytest.fixture
def staging_list(settings):
    settings.STAGING_IP_ALLOWLIST = ["10.0.0.0/8"]
    return settings


@pytest.mark.parametrize(
    ("path", "covered"),
    [
        ("/admin", True),
        ("/admin/", True),
        ("/admin/login/", True),
        ("/admin/projects/project/", True),
        ("/api/v1/admin/token", True),
        ("/api/v1/admin/finance/ledger", True),
        ("/api/v1/auth/refresh", True),
        ("/administrator", False),
        ("/api/v1/auth/me", False),
        ("/api/v1/auth/refresh/x", False),
        ("/api/v1/administration", False),
        ("/api/v1/deploy/webhook", False),
        ("/api/v1/webhook/stripe", False),
        ("/health", False),
        ("/client/", False),
    ],
)
def test_admin_list_covers_exactly_the_admin_paths(path, covered):
    assert is_admin_allowlist_path(path) is covered


def test_admin_page_from_outside_is_a_plain_lithuanian_not_found_page(client, admin_list):
    response = client.get("/admin/login/", REMOTE_ADDR=OUTSIDE)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Nerastas" in response.content.decode()


def test_admin_page_from_inside_is_served(client, admin_list):
    response = client.get("/admin/login/", REMOTE_ADDR=INSIDE)

    assert response.status_code == 200


def test_exact_ip_entry_matches(client, admin_list):
    assert client.get("/admin/login/", REMOTE_ADDR="203.0.113.7").status_code == 200
    assert client.get("/admin/login/", REMOTE_ADDR="203.0.113.8").status_code == 404


def test_admin_api_from_outside_is_json_nerastas(client, admin_list, settings):
    settings.ADMIN_TOKEN_ENDPOINT_ENABLED = True
    settings.ADMIN_TOKEN_ENDPOINT_SECRET = "s3cret"

    response = client.get("/api/v1/admin/token", HTTP_X_ADMIN_TOKEN_SECRET="s3cret", REMOTE_ADDR=OUTSIDE)

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}


def test_admin_api_from_inside_reaches_the_view(client, admin_list, settings):
    settings.ADMIN_TOKEN_ENDPOINT_ENABLED = True
    settings.ADMIN_TOKEN_ENDPOINT_SECRET = "s3cret"

    response = client.get("/api/v1/admin/token", HTTP_X_ADMIN_TOKEN_SECRET="s3cret", REMOTE_ADDR=INSIDE)

    assert response.status_code == 200


def test_refresh_is_behind_the_admin_list(client, admin_list, settings):
    settings.SUPABASE_URL = "https://abcd.supabase.co"
    settings.SUPABASE_KEY = "anon"

    response = client.post("/api/v1/auth/refresh", data={}, content_type="application/json", REMOTE_ADDR=OUTSIDE)

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}


def test_public_api_health_and_deploy_hook_are_not_behind_the_admin_list(client, admin_list):
    assert client.get("/api/v1/auth/me", REMOTE_ADDR=OUTSIDE).status_code == 401
    assert client.get("/health", REMOTE_ADDR=OUTSIDE).status_code == 200


def test_admin_list_follows_the_trusted_proxy(client, admin_list, settings):
    settings.TRUSTED_PROXY_CIDRS = ["127.0.0.1/32"]

    via_real_ip = client.get("/admin/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=INSIDE)
    via_forwarded_for = client.get(
        "/admin/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{OUTSIDE}, {INSIDE}"
    )
    left_most_does_not_count = client.get(
        "/admin/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"{INSIDE}, {OUTSIDE}"
    )
    proxy_itself = client.get("/admin/login/", REMOTE_ADDR="127.0.0.1")

    assert via_real_ip.status_code == 200
    assert via_forwarded_for.status_code == 200
    assert left_most_does_not_count.status_code == 404
    assert proxy_itself.status_code == 404


def test_spoofed_headers_from_an_untrusted_peer_are_ignored(client, admin_list, settings):
    settings.TRUSTED_PROXY_CIDRS = ["127.0.0.1/32"]

    response = client.get("/admin/login/", REMOTE_ADDR=OUTSIDE, HTTP_X_REAL_IP=INSIDE, HTTP_X_FORWARDED_FOR=INSIDE)

    assert response.status_code == 404


def test_ipv6_entries(client, settings):
    settings.ADMIN_IP_ALLOWLIST = ["2001:db8::/32"]

    assert client.get("/admin/login/", REMOTE_ADDR="2001:db8::5").status_code == 200
    assert client.get("/admin/login/", REMOTE_ADDR="2001:db9::5").status_code == 404


def test_staging_list_closes_every_path_from_outside(client, staging_list):
    for path in ("/health", "/api/v1/auth/me", "/api/v1/nothing", "/admin/login/"):
        response = client.get(path, REMOTE_ADDR=OUTSIDE)
        assert response.status_code == 404, path
    assert client.post("/api/v1/webhook/stripe", REMOTE_ADDR=OUTSIDE).json() == {"detail": "Nerastas"}
    assert "Nerastas" in client.get("/health", REMOTE_ADDR=OUTSIDE).content.decode()


def test_staging_list_lets_listed_clients_through(client, staging_list):
    assert client.get("/health", REMOTE_ADDR=INSIDE).status_code == 200
    assert client.get("/api/v1/auth/me", REMOTE_ADDR=INSIDE).status_code == 401


def test_staging_list_then_admin_list(client, staging_list, settings):
    settings.ADMIN_IP_ALLOWLIST = ["10.9.0.0/16"]

    assert client.get("/admin/login/", REMOTE_ADDR=INSIDE).status_code == 404
    assert client.get("/admin/login/", REMOTE_ADDR="10.9.1.1").status_code == 200


def test_empty_lists_let_everyone_through(client):
    assert client.get("/admin/login/", REMOTE_ADDR=OUTSIDE).status_code == 200
