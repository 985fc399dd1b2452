"""Session sign-in of the admin and the portals (api.md §2.7, ui.md §3.1, §4.1): local passwords in local mode, only
break-glass superusers' local passwords once Supabase is configured, everyone else through Supabase."""

import logging
import uuid
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from vejapro.core.accounts import supabase
from vejapro.core.accounts.services import SignInFailed, user_sign_in_supabase
from vejapro.core.models import AuditLog, User
from vejapro.core.tests.jwt_helpers import EcKey, hs256

pytestmark = pytest.mark.django_db

PASSWORD = "Slaptas-123"
SIGN_IN = "vejapro.core.accounts.supabase.auth_password_sign_in"


@pytest.fixture
def supabase_mode(settings):
    settings.SUPABASE_URL = "https://abcd.supabase.co"
    settings.SUPABASE_KEY = "sb_publishable_key"
    return settings


def signed_in(token: str):
    return mock.patch(SIGN_IN, return_value=(200, {"access_token": token, "refresh_token": "r"}))


def admin_login(email: str, password: str) -> tuple[Client, object]:
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": email, "password": password})
    return client, response


# --- Local mode ---------------------------------------------------------------------------------------------------


def test_local_mode_checks_the_local_password_and_never_calls_supabase(client_user):
    with mock.patch(SIGN_IN) as sign_in:
        assert authenticate(username="klientas@vejapro.test", password=PASSWORD) == client_user
        assert authenticate(username="klientas@vejapro.test", password="wrong") is None

    sign_in.assert_not_called()


def test_the_email_is_matched_case_insensitively(client_user):
    assert authenticate(username="  Klientas@VejaPRO.test ", password=PASSWORD) == client_user


def form_error_codes(response) -> list[str]:
    return [error.code for error in response.context["form"].non_field_errors().as_data()]


def test_an_inactive_local_user_is_refused_as_inactive_not_as_a_wrong_password(admin_user):
    admin_user.is_active = False
    admin_user.save()

    assert authenticate(username=admin_user.email, password=PASSWORD) == admin_user
    assert authenticate(username=admin_user.email, password="wrong") is None
    client, response = admin_login(admin_user.email, PASSWORD)
    assert response.status_code == 200
    assert form_error_codes(response) == ["inactive"]
    assert "Paskyra išjungta." in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_session_of_a_user_deactivated_later_ends(admin_user):
    client, _response = admin_login(admin_user.email, PASSWORD)
    assert client.get("/admin/").status_code == 200
    admin_user.is_active = False
    admin_user.save()

    assert client.get("/admin/").status_code == 302


def test_an_unknown_email_is_a_wrong_password(admin_user):
    assert authenticate(username="nera@vejapro.test", password=PASSWORD) is None
    _client, response = admin_login("nera@vejapro.test", PASSWORD)
    assert form_error_codes(response) == ["invalid_login"]


# --- Supabase configured ------------------------------------------------------------------------------------------


def test_with_supabase_a_local_password_of_an_ordinary_user_is_refused(supabase_mode, admin_user):
    with mock.patch(SIGN_IN, return_value=(400, {"error": "invalid_grant"})) as sign_in:
        client, response = admin_login(admin_user.email, PASSWORD)

    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302
    sign_in.assert_called_once_with(email=admin_user.email, password=PASSWORD)


def test_with_supabase_a_break_glass_superuser_uses_the_local_password(supabase_mode):
    User.objects.create_superuser("breakglass@vejapro.test", PASSWORD)

    with mock.patch(SIGN_IN) as sign_in:
        client, response = admin_login("breakglass@vejapro.test", PASSWORD)

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    sign_in.assert_not_called()


def test_supabase_admin_signs_in_and_is_mirrored_with_one_audit_row(supabase_mode):
    sub = str(uuid.uuid4())
    token = hs256(sub=sub, email="Savininkas@Vejapro.lt", app_metadata={"role": "ADMIN"})

    with signed_in(token) as sign_in:
        client, response = admin_login("savininkas@vejapro.lt", "supabase-password")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    sign_in.assert_called_once_with(email="savininkas@vejapro.lt", password="supabase-password")
    user = User.objects.get(pk=sub)
    assert (user.email, user.role, user.is_staff, user.has_usable_password()) == (
        "savininkas@vejapro.lt",
        "ADMIN",
        True,
        False,
    )
    row = AuditLog.objects.get()
    assert (row.action, row.metadata, row.new_value) == (
        "USER_CREATED",
        {"source": "login"},
        {"role": "ADMIN", "is_active": True},
    )
    assert (row.actor_type, row.ip_address) == ("SYSTEM", "127.0.0.1")


def test_supabase_es256_tokens_are_verified_through_the_jwks(supabase_mode):
    key = EcKey()
    sub = str(uuid.uuid4())
    with (
        mock.patch("vejapro.core.accounts.supabase.fetch_jwks", return_value={"keys": [key.jwk]}),
        signed_in(key.sign(sub=sub, app_metadata={"role": "EXPERT"})),
    ):
        supabase.jwks_cache.clear()
        user = authenticate(username="ekspertas@example.com", password="pw")
    supabase.jwks_cache.clear()

    assert (str(user.pk), user.role) == (sub, "EXPERT")


def test_the_role_comes_from_the_token_and_updates_the_mirror(supabase_mode, contractor_user):
    token = hs256(sub=str(contractor_user.pk), email=contractor_user.email, app_metadata={"role": "ADMIN"})

    with signed_in(token):
        user = authenticate(username=contractor_user.email, password="pw")

    assert user == contractor_user
    contractor_user.refresh_from_db()
    assert (contractor_user.role, contractor_user.is_staff) == ("ADMIN", True)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ((400, {"error": "invalid_grant"}), "invalid_credentials"),
        ((422, None), "invalid_credentials"),
        ((503, None), "unavailable"),
        ((200, {"token_type": "bearer"}), "unavailable"),
        ((200, None), "unavailable"),
        ((200, {"access_token": hs256(secret="another-secret-another-secret-1234567")}), "unavailable"),
        ((200, {"access_token": hs256(app_metadata={}, user_metadata={"role": "ADMIN"})}), "role"),
        ((200, {"access_token": hs256(app_metadata={"role": "OWNER"})}), "role"),
        ((200, {"access_token": hs256(sub="legacy-client-7")}), "invalid_credentials"),
    ],
)
def test_sign_in_failures_name_their_reason(supabase_mode, answer, reason):
    with mock.patch(SIGN_IN, return_value=answer), pytest.raises(SignInFailed) as failed:
        user_sign_in_supabase(email="jonas@example.com", password="pw")

    assert failed.value.reason == reason
    assert authenticate(username="jonas@example.com", password="pw") is None


def test_supabase_unreachable_is_unavailable_and_logged(supabase_mode, caplog):
    with (
        mock.patch(SIGN_IN, side_effect=supabase.SupabaseUnavailable("Supabase auth unreachable: ConnectTimeout")),
        caplog.at_level(logging.WARNING, logger="vejapro.core.accounts.services"),
        pytest.raises(SignInFailed) as failed,
    ):
        user_sign_in_supabase(email="jonas@example.com", password="secret-pw")

    assert failed.value.reason == "unavailable"
    assert "ConnectTimeout" in caplog.text
    assert "secret-pw" not in caplog.text
    assert "jonas@example.com" not in caplog.text


def test_a_deactivated_supabase_user_is_refused_as_inactive(supabase_mode, admin_user):
    admin_user.is_active = False
    admin_user.save()
    token = hs256(sub=str(admin_user.pk), email=admin_user.email, app_metadata={"role": "ADMIN"})

    with signed_in(token):
        client, response = admin_login(admin_user.email, "pw")

    assert form_error_codes(response) == ["inactive"]
    assert client.get("/admin/").status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.is_active is False


def test_empty_credentials_never_reach_supabase(supabase_mode):
    with mock.patch(SIGN_IN) as sign_in:
        assert authenticate(username="", password="pw") is None
        assert authenticate(username="jonas@example.com", password="") is None

    sign_in.assert_not_called()
