"""POST /api/v1/deploy/webhook (api.md §16.2)."""

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db

URL = "/api/v1/deploy/webhook"


@pytest.fixture
def trigger_file(settings, tmp_path):
    settings.DEPLOY_WEBHOOK_SECRET = "deploy-secret-123"
    settings.DEPLOY_TRIGGER_FILE = str(tmp_path / "deploy-request")
    return tmp_path / "deploy-request"


def test_right_token_writes_the_trigger_file_and_audits(trigger_file):
    response = Client(enforce_csrf_checks=True).post(
        URL, HTTP_X_DEPLOY_TOKEN="deploy-secret-123", REMOTE_ADDR="203.0.113.4", HTTP_USER_AGENT="GitHub-Hookshot/1"
    )

    assert response.status_code == 202
    assert response.json() == {"status": "started"}
    written = datetime.fromisoformat(trigger_file.read_text().strip())
    assert written.utcoffset() == timedelta(0)
    assert abs(timezone.now() - written) < timedelta(minutes=1)
    row = AuditLog.objects.get()
    assert (row.action, row.entity_type, str(row.entity_id)) == (
        "DEPLOY_WEBHOOK_EXECUTED",
        "system",
        "00000000-0000-0000-0000-000000000000",
    )
    assert (row.actor_type, row.actor_id) == ("SYSTEM", None)
    assert row.new_value == {"status": "started"}
    assert row.old_value is None
    assert row.metadata is None
    assert row.ip_address == "203.0.113.4"


def test_each_call_rewrites_the_file(client, trigger_file):
    trigger_file.write_text("old\n")

    client.post(URL, HTTP_X_DEPLOY_TOKEN="deploy-secret-123")

    assert trigger_file.read_text() != "old\n"
    assert AuditLog.objects.count() == 1


@pytest.mark.parametrize("token", [None, "", "wrong", "deploy-secret-12", "deploy-secret-123 "])
def test_wrong_or_missing_token_is_404(client, trigger_file, token):
    extra = {"HTTP_X_DEPLOY_TOKEN": token} if token is not None else {}

    response = client.post(URL, **extra)

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}
    assert not trigger_file.exists()
    assert not AuditLog.objects.exists()


def test_unset_secret_is_404_even_for_an_empty_token(client, trigger_file, settings):
    settings.DEPLOY_WEBHOOK_SECRET = ""

    response = client.post(URL, HTTP_X_DEPLOY_TOKEN="")

    assert response.status_code == 404
    assert not trigger_file.exists()


def test_unwritable_trigger_file_is_a_masked_500(client, trigger_file, settings, tmp_path):
    settings.DEPLOY_TRIGGER_FILE = str(tmp_path / "missing-dir" / "deploy-request")

    response = client.post(URL, HTTP_X_DEPLOY_TOKEN="deploy-secret-123")

    assert response.status_code == 500
    assert response.json() == {"detail": "Įvyko vidinė klaida"}
    assert not AuditLog.objects.exists()


def test_get_is_not_allowed(client, trigger_file):
    response = client.get(URL, HTTP_X_DEPLOY_TOKEN="deploy-secret-123")

    assert response.status_code == 405
    assert not trigger_file.exists()


def test_not_behind_the_admin_allow_list(client, trigger_file, settings):
    settings.ADMIN_IP_ALLOWLIST = ["10.0.0.0/8"]

    response = client.post(URL, HTTP_X_DEPLOY_TOKEN="deploy-secret-123", REMOTE_ADDR="203.0.113.4")

    assert response.status_code == 202


def test_global_rate_limit_applies(client, trigger_file, rate_limits):
    rate_limits.RATE_LIMIT_API_PER_MIN = 1
    client.post(URL, HTTP_X_DEPLOY_TOKEN="deploy-secret-123")

    response = client.post(URL, HTTP_X_DEPLOY_TOKEN="deploy-secret-123")

    assert response.status_code == 429
