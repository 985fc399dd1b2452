"""/login, /register, POST /logout and the magic links (ui.md §4.1, security-ops.md §7)."""

import uuid
from datetime import timedelta
from unittest import mock

import jwt
import pytest
from django.utils import timezone

from portals.access import PORTAL_SESSION_SECONDS
from projects.tests.factories import make_project
from vejapro.core.accounts import supabase
from vejapro.core.accounts.services import token_mint
from vejapro.core.audit.actions import AuditAction
from vejapro.core.http.errors import Forbidden
from vejapro.core.models import AuditLog, Role, TokenRedemption, User
from vejapro.core.settings_helpers import jwt_secret

pytestmark = pytest.mark.django_db
PASSWORD = "Slaptas-123"


def _login(client, email, password=PASSWORD, **extra):
    return client.post("/login", {"email": email, "password": password, **extra})


@pytest.mark.parametrize(
    ("fixture", "home"),
    [
        ("admin_user", "/admin/"),
        ("client_user", "/client/"),
        ("contractor_user", "/contractor/"),
        ("expert_user", "/expert/"),
    ],
)
def test_login_redirects_by_role_with_a_14_day_session(client, request, fixture, home):
    user = request.getfixturevalue(fixture)
    response = _login(client, user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == home
    assert client.session.get_expiry_age() == PORTAL_SESSION_SECONDS


def test_login_page_texts_and_policy(client):
    response = client.get("/login")
    page = response.content.decode()
    for text in (
        "Prisijungimas",
        "Prisijunkite prie savo paskyros.",
        "El. paštas",
        'placeholder="jusu@email.lt"',
        "Slaptažodis",
        "Prisijungti",
        "Neturite paskyros? Registruotis",
        "Grįžti į pradžią",
    ):
        assert text in page, text
    assert response["Content-Security-Policy"].startswith("default-src 'none'; script-src 'self'; style-src 'self'")
    assert response["Cache-Control"] == "no-store"
    assert 'name="csrfmiddlewaretoken"' in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password": ""}, "Įveskite el. paštą ir slaptažodį."),
        ({"email": "klientas@vejapro.test", "password": ""}, "Įveskite el. paštą ir slaptažodį."),
        ({"email": "klientas@vejapro.test", "password": "neteisingas"}, "Neteisingi prisijungimo duomenys."),
        ({"email": "niekas@vejapro.test", "password": "neteisingas"}, "Neteisingi prisijungimo duomenys."),
    ],
)
def test_login_errors_keep_the_address(client, client_user, data, message):
    response = client.post("/login", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    if data["email"]:
        assert f'value="{data["email"]}"' in page
    assert "_auth_user_id" not in client.session


def test_login_refuses_a_disabled_account(client, client_user):
    client_user.is_active = False
    client_user.save()
    assert "Paskyra išjungta." in _login(client, client_user.email).content.decode()


def test_login_supabase_unavailable(client, settings):
    settings.SUPABASE_URL = "https://supabase.example"
    with mock.patch.object(supabase, "auth_password_sign_in", side_effect=supabase.SupabaseUnavailable("down")):
        page = _login(client, "jonas@vejapro.test").content.decode()
    assert "Prisijungimo paslauga šiuo metu neprieinama." in page


def test_login_supabase_role_not_recognised(client, settings):
    settings.SUPABASE_URL = "https://supabase.example"
    minted = token_mint(sub=str(uuid.uuid4()), email="jonas@vejapro.test", role="CLIENT", ttl_hours=1)
    with (
        mock.patch.object(supabase, "auth_password_sign_in", return_value=(200, {"access_token": minted.token})),
        mock.patch("vejapro.core.accounts.services.role_from_claims", side_effect=Forbidden("role")),
    ):
        page = _login(client, "jonas@vejapro.test").content.decode()
    assert "Paskyros rolė neatpažinta arba šiame portale nepalaikoma." in page


def test_login_supabase_signs_in_and_mirrors_the_user(client, settings):
    settings.SUPABASE_URL = "https://supabase.example"
    sub = str(uuid.uuid4())
    minted = token_mint(sub=sub, email="jonas@vejapro.test", role="CLIENT", ttl_hours=1)
    with mock.patch.object(
        supabase, "auth_password_sign_in", return_value=(200, {"access_token": minted.token})
    ) as call:
        response = _login(client, "Jonas@VejaPRO.test")
    call.assert_called_once_with(email="jonas@vejapro.test", password=PASSWORD)
    assert response["Location"] == "/client/"
    assert User.objects.get(pk=sub).role == Role.CLIENT


def test_login_rate_limit_per_email(client, client_user, rate_limits):
    for _ in range(5):
        assert _login(client, client_user.email, "blogas").status_code == 200
    response = _login(client, client_user.email)
    assert response.status_code == 429
    assert "Per daug bandymų. Pabandykite po minutės." in response.content.decode()
    assert AuditLog.objects.filter(action=AuditAction.RATE_LIMIT_BLOCKED).count() == 1


def test_login_rate_limit_per_ip(client, rate_limits):
    for index in range(10):
        assert _login(client, f"zmogus{index}@vejapro.test", "blogas").status_code == 200
    assert _login(client, "dar.vienas@vejapro.test", "blogas").status_code == 429


def test_confirmed_email_prefills_the_form(client):
    page = client.get("/login?patvirtinta=1&email=jonas@vejapro.test").content.decode()
    assert "El. paštas patvirtintas! Dabar galite prisijungti." in page
    assert 'value="jonas@vejapro.test"' in page


def test_logout_is_post_only(client, client_user):
    client.force_login(client_user)
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


# --- /register ---


def _register(client, email="naujas@vejapro.test", password="Ilgas-slaptazodis", again=None):
    return client.post("/register", {"email": email, "password": password, "password_again": again or password})


def test_register_local_mode_creates_an_active_client(client):
    response = _register(client)
    page = response.content.decode()
    assert "Registracija sėkminga! Dabar galite prisijungti." in page
    user = User.objects.get(email="naujas@vejapro.test")
    assert user.role == Role.CLIENT
    assert user.is_active
    audit = AuditLog.objects.get(action=AuditAction.USER_CREATED, entity_id=user.pk)
    assert audit.metadata == {"source": "register"}
    assert _login(client, "naujas@vejapro.test", "Ilgas-slaptazodis")["Location"] == "/client/"


@pytest.mark.parametrize(
    ("email", "password", "again", "message"),
    [
        ("", "", "", "Įveskite el. paštą ir slaptažodį."),
        ("naujas@vejapro.test", "trumpas", "trumpas", "Slaptažodis turi būti bent 8 simbolių."),
        ("naujas@vejapro.test", "Ilgas-slaptazodis", "Kitas-slaptazodis", "Slaptažodžiai nesutampa."),
        ("klientas@vejapro.test", "Ilgas-slaptazodis", "Ilgas-slaptazodis", "Šis el. pašto adresas jau registruotas."),
    ],
)
def test_register_errors(client, client_user, email, password, again, message):
    response = client.post("/register", {"email": email, "password": password, "password_again": again})
    page = response.content.decode()
    assert message in page
    if email:
        assert f'value="{email}"' in page
    assert User.objects.count() == 1


def test_register_supabase_mode_signs_up_and_sets_the_role(client, settings):
    settings.SUPABASE_URL = "https://supabase.example"
    settings.PUBLIC_BASE_URL = "https://vejapro.lt"
    with (
        mock.patch.object(supabase, "auth_sign_up", return_value=(200, {"id": "abc", "identities": [{}]})) as up,
        mock.patch.object(supabase, "auth_admin_set_role", return_value=(200, {})) as role,
    ):
        page = _register(client).content.decode()
    up.assert_called_once_with(
        email="naujas@vejapro.test", password="Ilgas-slaptazodis", redirect_to="https://vejapro.lt/login?patvirtinta=1"
    )
    role.assert_called_once_with(user_id="abc", role="CLIENT")
    assert "Registracija sėkminga! Patikrinkite savo el. paštą ir patvirtinkite paskyrą." in page
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ((200, {"id": "abc", "identities": []}), "Šis el. pašto adresas jau registruotas."),
        ((422, {"msg": "User already registered"}), "Šis el. pašto adresas jau registruotas."),
        ((500, None), "Registracija nepavyko. Bandykite vėliau."),
    ],
)
def test_register_supabase_errors(client, settings, answer, message):
    settings.SUPABASE_URL = "https://supabase.example"
    with (
        mock.patch.object(supabase, "auth_sign_up", return_value=answer),
        mock.patch.object(supabase, "auth_admin_set_role", return_value=(200, {})),
    ):
        assert message in _register(client).content.decode()


def test_register_rate_limit(client, rate_limits):
    for index in range(5):
        _register(client, email=f"z{index}@vejapro.test")
    assert _register(client, email="z9@vejapro.test").status_code == 429


# --- magic links ---


def _token(user, role=None, ttl_hours=1, sub=None):
    return token_mint(sub=sub or str(user.pk), email=user.email, role=role or user.role, ttl_hours=ttl_hours).token


def test_client_magic_link_opens_the_project_once(client, client_user, caplog):
    project = make_project(client=client_user)
    token = _token(client_user)
    response = client.get(f"/client?token={token}&project={project.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"/client/projektai/{project.pk}/"
    assert token not in response["Location"]
    assert client.session["_auth_user_id"] == str(client_user.pk)
    assert TokenRedemption.objects.count() == 1
    assert token not in caplog.text
    client.logout()
    again = client.get(f"/client?token={token}")
    assert again["Location"] == "/login?nuoroda=panaudota"
    assert "Nuoroda jau panaudota. Prisijunkite." in client.get(again["Location"]).content.decode()


@pytest.mark.parametrize(
    ("fixture", "path", "home"),
    [
        ("contractor_user", "/contractor", "/contractor/"),
        ("expert_user", "/expert", "/expert/"),
    ],
)
def test_staff_magic_links(client, request, fixture, path, home):
    user = request.getfixturevalue(fixture)
    assert client.get(f"{path}?token={_token(user)}")["Location"] == home


def test_expired_link(client, client_user):
    past = int((timezone.now() - timedelta(hours=1)).timestamp())
    claims = {"sub": str(client_user.pk), "app_metadata": {"role": "CLIENT"}, "exp": past, "jti": "pasenes"}
    token = jwt.encode(claims, jwt_secret(), algorithm="HS256")
    response = client.get(f"/client?token={token}")
    assert response["Location"] == "/login?nuoroda=nebegalioja"
    page = client.get(response["Location"]).content.decode()
    assert "Nuoroda nebegalioja. Prisijunkite el. paštu arba paprašykite naujos nuorodos." in page
    assert TokenRedemption.objects.count() == 0


@pytest.mark.parametrize("case", ["wrong_role", "legacy_sub", "garbage"])
def test_invalid_links(client, client_user, contractor_user, case):
    token = {
        "wrong_role": _token(contractor_user),
        "legacy_sub": _token(client_user, sub="legacy-42"),
        "garbage": "nėra-tokenas",
    }[case]
    assert client.get(f"/client?token={token}")["Location"] == "/login?nuoroda=nebegalioja"
    assert "_auth_user_id" not in client.session
    assert TokenRedemption.objects.count() == 0


def test_magic_link_redirect_carries_the_login_page_policy(client, client_user):
    response = client.get(f"/client?token={_token(client_user)}")
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
