"""The OpenAPI document of /api/v1 and Swagger UI (api.md §17): flag-gated, complete, self-hosted."""

import re

import pytest

from vejapro.tests.openapi import assert_response_documented, openapi_document
from vejapro.tests.test_permission_matrix import api_routes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "flag"), [("/openapi.json", "OPENAPI_ENABLED"), ("/docs", "DOCS_ENABLED")])
def test_off_answers_the_json_404_envelope(client, settings, path, flag):
    setattr(settings, flag, False)

    response = client.get(path)

    assert (response.status_code, response.json()) == (404, {"detail": "Nerastas"})


def test_the_document_is_served_with_the_bearer_scheme(client, settings):
    settings.OPENAPI_ENABLED = True

    response = client.get("/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    }
    assert document["paths"]["/api/v1/audit-logs"]["get"]["security"] == [{"bearerAuth": []}]
    assert document["paths"]["/api/v1/webhook/stripe"]["post"].get("security", []) == []
    params = {param["name"] for param in document["paths"]["/api/v1/admin/customers"]["get"]["parameters"]}
    assert {"attention_only", "limit", "cursor", "as_of", "financial_state", "q"} <= params


def test_every_api_route_and_method_is_in_the_document():
    documented = {
        path.removeprefix("/api/v1/"): {method.upper() for method in operations if method != "parameters"}
        for path, operations in openapi_document()["paths"].items()
    }
    served = {re.sub(r"<str:(\w+)>", r"{\1}", route): methods for route, methods in api_routes().items()}

    assert documented == served


def test_every_error_is_the_envelope():
    for operations in openapi_document()["paths"].values():
        for operation in operations.values():
            for status in ("401", "403", "404", "422"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema["required"] == ["detail"]


def test_swagger_ui_is_self_hosted_and_runs_no_inline_script(client, settings):
    settings.DOCS_ENABLED = True

    response = client.get("/docs")

    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    assert all('src="/static/drf_spectacular_sidecar/' in attrs or 'src="/docs?script=' in attrs for attrs in scripts)
    assert "http://" not in html
    assert "https://" not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "https:" not in policy
    script = client.get("/docs", {"script": ""})
    assert script.status_code == 200
    assert "/openapi.json" in script.content.decode()


@pytest.fixture
def project(client_user, contractor_user, expert_user):
    from projects.tests.factories import make_project

    return make_project("CERTIFIED", client=client_user, contractor=contractor_user, expert=expert_user)


@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("admin_user", "/api/v1/admin/dashboard"),
        ("admin_user", "/api/v1/admin/customers"),
        ("admin_user", "/api/v1/admin/customers/stats"),
        ("admin_user", "/api/v1/admin/search?q=Jonas"),
        ("admin_user", "/api/v1/audit-logs"),
        ("expert_user", "/api/v1/audit-logs"),
        ("admin_user", "/api/v1/admin/projects"),
        ("admin_user", "/api/v1/admin/projects/view"),
        ("admin_user", "/api/v1/admin/projects/{project}/notifications"),
        ("admin_user", "/api/v1/admin/projects/{project}/confirmations"),
        ("client_user", "/api/v1/client/projects"),
        ("client_user", "/api/v1/projects/{project}"),
        ("client_user", "/api/v1/audit-logs"),
        ("client_user", "/api/v1/admin/customers?limit=0"),
        (None, "/api/v1/admin/search?q=Jonas"),
        ("admin_user", "/api/v1/admin/customers/nera/profile"),
        ("admin_user", "/api/v1/gallery"),
        ("admin_user", "/api/v1/auth/me"),
    ],
)
def test_real_responses_are_what_the_document_says(request, api, project, user, path):
    caller = request.getfixturevalue(user) if user else None

    response = api(caller).get(path.format(project=project.pk))

    assert_response_documented(response)
