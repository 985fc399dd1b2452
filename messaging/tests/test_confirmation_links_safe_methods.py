"""Link scanners never confirm (issue 14 §1, api.md §1.7): GET and HEAD of a public confirmation link change nothing
whatever their ``Accept``; only a POST acts. And a token that is not exactly a token is unknown (issue 14 §5)."""

import pytest
from django.test import Client

from messaging.models import ClientConfirmation, ConfirmationStatus
from messaging.tests.factories import add_confirmation
from payments.tests.factories import add_payment
from projects.models import Project, ProjectStatus
from projects.tests.factories import make_project
from vejapro.core.tests.audit import audit_actions

pytestmark = pytest.mark.django_db

TOKEN = "AB7KQ2XZ-Q1"
CANONICAL = f"/api/v1/public/confirm-payment/{TOKEN}"
ALIAS = f"/api/v1/public/activations/{TOKEN}/confirm"
# What mail gateways and link checkers send: */*, nothing, or a JSON preference.
SCANNER_ACCEPTS = [{"HTTP_ACCEPT": "*/*"}, {}, {"HTTP_ACCEPT": "application/json"}, {"HTTP_ACCEPT": "text/html"}]


@pytest.fixture(autouse=True)
def _flags(settings):
    settings.ENABLE_EMAIL_INTAKE = True


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def pending():
    project = make_project(ProjectStatus.CERTIFIED)
    add_payment(project, "FINAL", "500.00")
    add_confirmation(project, TOKEN)
    return project


def assert_nothing_changed(project):
    project.refresh_from_db()
    assert project.status == ProjectStatus.CERTIFIED
    assert ClientConfirmation.objects.get().status == ConfirmationStatus.PENDING
    assert ClientConfirmation.objects.get().attempts == 0
    assert audit_actions() == []


@pytest.mark.parametrize("url", [CANONICAL, ALIAS])
@pytest.mark.parametrize("headers", SCANNER_ACCEPTS)
def test_head_never_confirms(client, pending, url, headers):
    response = client.head(url, **headers)

    assert response.status_code == 200
    assert response.content == b""
    assert_nothing_changed(pending)


@pytest.mark.parametrize("url", [CANONICAL, ALIAS])
@pytest.mark.parametrize("headers", SCANNER_ACCEPTS)
def test_get_never_confirms(client, pending, url, headers):
    response = client.get(url, **headers)

    assert response.status_code == 200
    assert_nothing_changed(pending)


@pytest.mark.parametrize("url", [CANONICAL, ALIAS])
def test_a_non_html_get_answers_the_json_preview(client, pending, url):
    response = client.get(url, HTTP_ACCEPT="*/*")

    assert response.status_code == 200
    assert response.json() == {
        "token_valid": True,
        "action": "POST this URL to confirm",
        "project_id": str(pending.pk),
    }


@pytest.mark.parametrize(
    ("url", "setup", "status"),
    [
        ("/api/v1/public/confirm-payment/NOPE", None, 404),
        ("/api/v1/public/activations/NOPE/confirm", None, 404),
        (CANONICAL, {"status": ConfirmationStatus.EXPIRED}, 400),
        (ALIAS, {"status": ConfirmationStatus.EXPIRED}, 400),
        (CANONICAL, {"status": ConfirmationStatus.FAILED}, 400),
        (CANONICAL, {"status": ConfirmationStatus.CONFIRMED}, 200),  # a POST answers already_confirmed
        (ALIAS, {"status": ConfirmationStatus.CONFIRMED}, 400),  # a POST answers «jau panaudotas»
    ],
)
def test_the_preview_answers_the_status_a_post_would_have(client, url, setup, status):
    project = make_project(ProjectStatus.CERTIFIED)
    add_payment(project, "FINAL", "500.00")
    if setup is not None:
        add_confirmation(project, TOKEN, **setup)

    response = client.get(url)
    head = client.head(url)

    assert response.status_code == head.status_code == status
    assert response.json()["token_valid"] is False
    assert head.content == b""
    project.refresh_from_db()
    assert project.status == ProjectStatus.CERTIFIED
    assert audit_actions() == []  # not even the unknown-token audit: a GET writes nothing


@pytest.mark.parametrize("url", [CANONICAL, ALIAS])
def test_only_a_post_confirms(client, pending, url):
    for _ in range(3):
        client.get(url)
        client.head(url)
    assert_nothing_changed(pending)

    response = client.post(url, data={}, content_type="application/json")

    assert response.status_code == 200
    assert Project.objects.get().status == ProjectStatus.ACTIVE


@pytest.mark.parametrize(
    "path_token",
    [
        f"%20{TOKEN}%20",
        f"%20{TOKEN}",
        f"{TOKEN}%20",
        f"%09{TOKEN}",
        f"{TOKEN}%0A",
        f"%0D%0A{TOKEN}",
        f"{TOKEN}.",
        f"{TOKEN[:4]}%20{TOKEN[4:]}",
        f"{TOKEN}%00",
    ],
)
def test_a_token_that_is_not_exactly_a_token_is_unknown(client, pending, path_token):
    response = client.post(f"/api/v1/public/confirm-payment/{path_token}", data={}, content_type="application/json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}
    pending.refresh_from_db()
    assert pending.status == ProjectStatus.CERTIFIED
    assert audit_actions() == ["EMAIL_CONFIRMATION_INVALID_TOKEN"]


def test_a_percent_encoded_token_character_is_still_the_token(client, pending):
    """``%41`` is ``A``: the decoded path carries exactly the token, so it confirms (and the logs redact it)."""
    encoded = "%" + format(ord(TOKEN[0]), "02X") + TOKEN[1:]

    response = client.post(f"/api/v1/public/confirm-payment/{encoded}", data={}, content_type="application/json")

    assert response.status_code == 200
