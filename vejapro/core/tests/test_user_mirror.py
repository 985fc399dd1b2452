"""The local user mirror of token callers (api.md §2.3)."""

import logging
import uuid

import pytest

from vejapro.core.models import AuditLog, User
from vejapro.core.tests.jwt_helpers import hs256

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me"


def me(client, token: str):
    return client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_first_request_creates_the_row_with_one_audit(client):
    sub = str(uuid.uuid4())

    response = me(client, hs256(sub=sub, email="Jonas@Example.com", app_metadata={"role": "ADMIN"}))

    assert response.status_code == 200
    user = User.objects.get(pk=sub)
    assert (user.email, user.role, user.is_active, user.is_staff) == ("jonas@example.com", "ADMIN", True, True)
    assert not user.has_usable_password()
    row = AuditLog.objects.get()
    assert (row.action, row.entity_type, str(row.entity_id)) == ("USER_CREATED", "user", sub)
    assert (row.actor_type, row.actor_id) == ("SYSTEM", None)
    assert row.old_value is None
    assert row.new_value == {"role": "ADMIN", "is_active": True}
    assert row.metadata == {"source": "login"}


def test_repeated_requests_change_nothing(client):
    token = hs256(sub=str(uuid.uuid4()))
    me(client, token)

    me(client, token)
    me(client, token)

    assert User.objects.count() == 1
    assert AuditLog.objects.count() == 1


def test_token_without_email_gets_the_placeholder_address(client):
    sub = str(uuid.uuid4())

    response = me(client, hs256(sub=sub, email=...))

    assert response.json() == {"user_id": sub, "role": "CLIENT", "email": None}
    assert User.objects.get(pk=sub).email == f"{sub}@users.vejapro.local"


def test_email_of_another_row_gets_the_placeholder_and_a_warning(client, client_user, caplog):
    sub = str(uuid.uuid4())

    with caplog.at_level(logging.WARNING, logger="vejapro.core.accounts.services"):
        response = me(client, hs256(sub=sub, email=client_user.email))

    assert response.status_code == 200
    assert User.objects.get(pk=sub).email == f"{sub}@users.vejapro.local"
    assert any("placeholder" in record.getMessage() for record in caplog.records)
    assert client_user.email not in caplog.text


def test_changed_role_and_email_are_updated_with_one_audit(client, contractor_user):
    token = hs256(sub=str(contractor_user.pk), email="naujas@example.com", app_metadata={"role": "ADMIN"})

    response = me(client, token)

    assert response.json()["role"] == "ADMIN"
    contractor_user.refresh_from_db()
    assert (contractor_user.role, contractor_user.email, contractor_user.is_staff) == (
        "ADMIN",
        "naujas@example.com",
        True,
    )
    row = AuditLog.objects.get()
    assert (row.action, row.entity_type, str(row.entity_id)) == ("USER_UPDATED", "user", str(contractor_user.pk))
    assert row.actor_type == "SYSTEM"
    assert row.old_value == {"role": "SUBCONTRACTOR", "is_active": True}
    assert row.new_value == {"role": "ADMIN", "is_active": True}
    assert row.metadata == {"source": "login"}


def test_demotion_clears_is_staff(client, admin_user):
    me(client, hs256(sub=str(admin_user.pk), email=admin_user.email, app_metadata={"role": "CLIENT"}))

    admin_user.refresh_from_db()
    assert (admin_user.role, admin_user.is_staff) == ("CLIENT", False)


def test_only_a_changed_email_is_updated(client, expert_user):
    me(client, hs256(sub=str(expert_user.pk), email="ona@example.com", app_metadata={"role": "EXPERT"}))

    expert_user.refresh_from_db()
    assert expert_user.email == "ona@example.com"
    row = AuditLog.objects.get()
    assert row.action == "USER_UPDATED"
    assert row.old_value == row.new_value == {"role": "EXPERT", "is_active": True}


def test_email_used_by_another_row_is_left_unchanged_and_not_audited_again(client, expert_user, client_user):
    token = hs256(sub=str(expert_user.pk), email=client_user.email, app_metadata={"role": "EXPERT"})

    me(client, token)
    me(client, token)

    expert_user.refresh_from_db()
    assert expert_user.email == "ekspertas@vejapro.test"
    assert not AuditLog.objects.exists()


def test_deactivated_user_is_401(client, contractor_user):
    contractor_user.is_active = False
    contractor_user.save()

    response = me(client, hs256(sub=str(contractor_user.pk), app_metadata={"role": "SUBCONTRACTOR"}))

    assert response.status_code == 401
    assert response.json() == {"detail": "Netinkamas žetonas"}
    assert response["WWW-Authenticate"] == "Bearer"


def test_deactivated_user_is_not_updated(client, contractor_user):
    contractor_user.is_active = False
    contractor_user.save()

    me(client, hs256(sub=str(contractor_user.pk), app_metadata={"role": "ADMIN"}))

    contractor_user.refresh_from_db()
    assert contractor_user.role == "SUBCONTRACTOR"
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("sub", ["auth0|12345", "legacy-client-7", "123"])
def test_non_uuid_sub_gets_no_row(client, sub):
    response = me(client, hs256(sub=sub, app_metadata={"role": "CLIENT"}))

    assert response.status_code == 200
    assert response.json()["user_id"] == sub
    assert not User.objects.exists()
    assert not AuditLog.objects.exists()


def test_mirror_audit_rows_carry_the_resolved_client_ip_and_user_agent(client, settings):
    settings.TRUSTED_PROXY_CIDRS = ["127.0.0.1/32"]
    sub = str(uuid.uuid4())

    client.get(
        ME,
        HTTP_AUTHORIZATION=f"Bearer {hs256(sub=sub)}",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_REAL_IP="203.0.113.44",
        HTTP_USER_AGENT="VejaPRO-App/1.0",
    )
    client.get(
        ME,
        HTTP_AUTHORIZATION=f"Bearer {hs256(sub=sub, app_metadata={'role': 'EXPERT'})}",
        REMOTE_ADDR="198.51.100.9",
        HTTP_X_REAL_IP="203.0.113.44",
    )

    rows = AuditLog.objects.order_by("action").values_list("action", "actor_type", "ip_address", "user_agent")
    assert list(rows) == [
        ("USER_CREATED", "SYSTEM", "203.0.113.44", "VejaPRO-App/1.0"),
        ("USER_UPDATED", "SYSTEM", "198.51.100.9", None),
    ]
