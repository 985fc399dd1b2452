"""Unknown ``/api`` paths answer the 404 «Nerastas» envelope for every method (issue 14 §6): CSRF protection, which
guards the session forms, must not answer an unsafe method there with 403 «Draudžiama» first."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

METHODS = ["post", "put", "patch", "delete", "get", "options"]
PATHS = ["/api/v1/no-such-endpoint", "/api/v1/admin/no-such/thing", "/api/v2/projects", "/api"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("path", PATHS)
def test_every_method_on_an_unknown_api_path_is_404_nerastas(method, path):
    client = Client(enforce_csrf_checks=True)

    body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}

    response = getattr(client, method)(path, **body)

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_signed_in_back_office_session_gets_the_404_too(admin_user, method):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    response = getattr(client, method)("/api/v1/no-such-endpoint", data="{}", content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}
