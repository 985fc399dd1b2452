"""JWT verification, role claim and bearer parsing (api.md §2.1-§2.4, §2.7)."""

import time
import uuid
from unittest import mock

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from vejapro.core.accounts.supabase import jwks_cache
from vejapro.core.tests.jwt_helpers import TEST_SECRET, EcKey, claims, hand_signed, hs256

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me"
INVALID = {"detail": "Netinkamas žetonas"}
MISSING = {"detail": "Truksta Bearer zetono"}
SUPABASE_URL = "https://abcd.supabase.co"


@pytest.fixture(autouse=True)
def _fresh_jwks_cache():
    jwks_cache.clear()
    yield
    jwks_cache.clear()


@pytest.fixture
def ec_key() -> EcKey:
    return EcKey()


@pytest.fixture
def supabase_mode(settings, ec_key):
    """Supabase configured; the JWKS fetch of the adapter returns the locally made key set."""
    settings.SUPABASE_URL = SUPABASE_URL
    with mock.patch("vejapro.core.accounts.supabase.fetch_jwks", return_value={"keys": [ec_key.jwk]}) as fetch:
        yield fetch


def me(client, token: str | None = None, header: str | None = None):
    if header is None and token is not None:
        header = f"Bearer {token}"
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    return client.get(ME, **extra)


def assert_invalid(response) -> None:
    assert response.status_code == 401
    assert response.json() == INVALID
    assert response["WWW-Authenticate"] == "Bearer"


# --- HS256 ------------------------------------------------------------------------------------------------


def test_valid_hs256_token(client):
    sub = str(uuid.uuid4())

    response = me(client, hs256(sub=sub, email="jonas@example.com"))

    assert response.status_code == 200
    assert response.json() == {"user_id": sub, "role": "CLIENT", "email": "jonas@example.com"}


def test_wrong_secret(client):
    assert_invalid(me(client, hs256(secret="another-secret-another-secret-1234567")))


def test_wrong_audience(client):
    assert_invalid(me(client, hs256(aud="anon")))


def test_missing_audience_when_one_is_expected(client):
    assert_invalid(me(client, hs256(aud=...)))


def test_empty_audience_setting_disables_the_check(client, settings):
    settings.SUPABASE_JWT_AUDIENCE = ""

    assert me(client, hs256(aud="anything-at-all")).status_code == 200
    assert me(client, hs256(aud=...)).status_code == 200


def test_custom_audience(client, settings):
    settings.SUPABASE_JWT_AUDIENCE = "vejapro"

    assert me(client, hs256(aud="vejapro")).status_code == 200
    assert_invalid(me(client, hs256(aud="authenticated")))


def test_expired_token(client):
    assert_invalid(me(client, hs256(exp=int(time.time()) - 120)))


def test_expiry_has_thirty_seconds_of_leeway(client):
    assert me(client, hs256(exp=int(time.time()) - 10)).status_code == 200


def test_token_not_yet_valid(client):
    assert_invalid(me(client, hs256(nbf=int(time.time()) + 600)))


def test_missing_exp(client):
    assert_invalid(me(client, hs256(exp=...)))


def test_missing_sub(client):
    assert_invalid(me(client, hs256(sub=...)))


@pytest.mark.parametrize("sub", ["", "   "])
def test_empty_sub(client, sub):
    assert_invalid(me(client, hs256(sub=sub)))


def test_alg_none_is_refused(client):
    token = jwt.encode(claims(), key=None, algorithm="none")

    assert_invalid(me(client, token))


def test_hs512_is_refused(client):
    assert_invalid(me(client, jwt.encode(claims(), TEST_SECRET * 2, algorithm="HS512")))


def test_rs256_is_refused(client):
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    assert_invalid(me(client, jwt.encode(claims(), private_key, algorithm="RS256")))


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30", "...."])
def test_unparseable_token(client, token):
    assert_invalid(me(client, token))


def test_tampered_payload(client):
    header, _payload, signature = hs256().split(".")
    _h, other_payload, _s = hs256(app_metadata={"role": "ADMIN"}).split(".")

    assert_invalid(me(client, f"{header}.{other_payload}.{signature}"))


def test_local_mode_without_a_configured_secret_uses_the_development_secret(client, settings):
    settings.SUPABASE_JWT_SECRET = ""

    assert me(client, hs256(secret=settings.DEVELOPMENT_JWT_SECRET)).status_code == 200
    assert_invalid(me(client, hs256(secret=TEST_SECRET)))


def test_production_without_secret_and_url_is_a_masked_500(client, settings):
    settings.ENVIRONMENT = "production"
    settings.SUPABASE_JWT_SECRET = ""

    response = me(client, hs256())

    assert response.status_code == 500
    assert response.json() == {"detail": "Įvyko vidinė klaida"}


def test_production_without_secret_real_text_when_exposed(client, settings):
    settings.ENVIRONMENT = "production"
    settings.SUPABASE_JWT_SECRET = ""
    settings.EXPOSE_ERROR_DETAILS = True

    assert me(client, hs256()).json() == {"detail": "Nesukonfigūruotas SUPABASE_JWT_SECRET"}


# --- ES256 and the JWKS --------------------------------------------------------------------------------------


def test_valid_es256_token(client, supabase_mode, ec_key):
    sub = str(uuid.uuid4())

    response = me(client, ec_key.sign(sub=sub, app_metadata={"role": "EXPERT"}))

    assert response.status_code == 200
    assert response.json()["role"] == "EXPERT"
    supabase_mode.assert_called_once_with()


def test_hs256_still_works_when_supabase_is_configured(client, supabase_mode):
    assert me(client, hs256()).status_code == 200
    supabase_mode.assert_not_called()


def test_es256_in_local_mode_is_refused_without_fetching(client, ec_key):
    with mock.patch("vejapro.core.accounts.supabase.fetch_jwks") as fetch:
        response = me(client, ec_key.sign())

    assert_invalid(response)
    fetch.assert_not_called()


def test_es256_signed_by_another_key(client, supabase_mode):
    assert_invalid(me(client, EcKey(kid="key-1").sign()))


def test_es256_with_an_unknown_kid(client, supabase_mode, ec_key):
    assert_invalid(me(client, ec_key.sign(kid="unknown-kid")))


def test_es256_without_kid(client, supabase_mode, ec_key):
    token = jwt.encode(claims(), ec_key.private_key, algorithm="ES256")

    assert_invalid(me(client, token))


def test_es256_with_wrong_audience(client, supabase_mode, ec_key):
    assert_invalid(me(client, ec_key.sign(aud="anon")))


def test_hs256_token_signed_with_the_public_key_is_refused(client, supabase_mode, ec_key):
    # Key confusion: an attacker signs HS256 with the published public key.
    token = hand_signed({"alg": "HS256", "typ": "JWT", "kid": ec_key.kid}, claims(), ec_key.public_pem())

    assert_invalid(me(client, token))


def test_es256_header_with_an_hmac_signature_is_refused(client, supabase_mode, ec_key):
    token = hand_signed({"alg": "ES256", "typ": "JWT", "kid": ec_key.kid}, claims(), TEST_SECRET.encode())

    assert_invalid(me(client, token))


def test_es256_token_relabelled_as_hs256_is_refused(client, supabase_mode, ec_key):
    _header, payload, signature = ec_key.sign().split(".")
    hs_header = hs256().split(".")[0]

    assert_invalid(me(client, f"{hs_header}.{payload}.{signature}"))


def test_jwks_fetch_failure_is_401(client, settings, ec_key):
    settings.SUPABASE_URL = SUPABASE_URL
    with mock.patch("vejapro.core.accounts.supabase.fetch_jwks", side_effect=OSError("network down")):
        assert_invalid(me(client, ec_key.sign()))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr("vejapro.core.accounts.supabase.time.monotonic", fake)
    return fake


def test_jwks_is_cached_for_an_hour(client, supabase_mode, ec_key, clock):
    me(client, ec_key.sign())
    clock.now += 3500
    me(client, ec_key.sign())
    assert supabase_mode.call_count == 1

    clock.now += 200
    assert me(client, ec_key.sign()).status_code == 200

    assert supabase_mode.call_count == 2


def test_unknown_kid_refetches_at_most_once_a_minute(client, settings, ec_key, clock):
    settings.SUPABASE_URL = SUPABASE_URL
    rotated = EcKey(kid="key-2")
    key_sets = [{"keys": [ec_key.jwk]}, {"keys": [ec_key.jwk, rotated.jwk]}]
    with mock.patch("vejapro.core.accounts.supabase.fetch_jwks", side_effect=key_sets + key_sets) as fetch:
        assert me(client, ec_key.sign()).status_code == 200
        clock.now += 30
        assert_invalid(me(client, rotated.sign()))
        assert fetch.call_count == 1

        clock.now += 31
        assert me(client, rotated.sign()).status_code == 200
        assert me(client, rotated.sign()).status_code == 200
        assert fetch.call_count == 2

        assert_invalid(me(client, EcKey(kid="key-3").sign()))
        assert_invalid(me(client, EcKey(kid="key-4").sign()))
        assert fetch.call_count == 2


def test_failed_refetch_keeps_the_known_keys(client, settings, ec_key, clock):
    settings.SUPABASE_URL = SUPABASE_URL
    with mock.patch(
        "vejapro.core.accounts.supabase.fetch_jwks", side_effect=[{"keys": [ec_key.jwk]}, OSError("down")]
    ) as fetch:
        me(client, ec_key.sign())
        clock.now += 3700

        response = me(client, ec_key.sign())

    assert response.status_code == 200
    assert fetch.call_count == 2


# --- Role claim -----------------------------------------------------------------------------------------------


def test_role_only_in_user_metadata_is_403(client):
    token = hs256(app_metadata={}, user_metadata={"role": "ADMIN"})

    response = me(client, token)

    assert response.status_code == 403
    assert response.json() == {"detail": "Trūksta rolės"}


def test_user_metadata_role_is_ignored_when_app_metadata_has_one(client):
    token = hs256(app_metadata={"role": "CLIENT"}, user_metadata={"role": "ADMIN"})

    assert me(client, token).json()["role"] == "CLIENT"


@pytest.mark.parametrize("app_metadata", [{"role": "OWNER"}, {"role": ""}, {"role": 7}, "ADMIN", None, ...])
def test_unknown_or_missing_role_is_403(client, app_metadata):
    response = me(client, hs256(app_metadata=app_metadata))

    assert response.status_code == 403
    assert response.json() == {"detail": "Trūksta rolės"}


def test_role_is_trimmed_and_upper_cased(client):
    assert me(client, hs256(app_metadata={"role": " subcontractor "})).json()["role"] == "SUBCONTRACTOR"


# --- Bearer parsing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_scheme_is_case_insensitive(client, scheme):
    assert me(client, header=f"{scheme} {hs256()}").status_code == 200


def test_token_is_trimmed(client):
    assert me(client, header=f"Bearer {hs256()}   ").status_code == 200


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Bearer    ", "Basic dXNlcjpwYXNz", "Token abc"])
def test_missing_or_other_scheme_or_empty_token(client, header):
    response = client.get(ME, HTTP_AUTHORIZATION=header) if header is not None else client.get(ME)

    assert response.status_code == 401
    assert response.json() == MISSING
    assert response["WWW-Authenticate"] == "Bearer"


def test_token_without_the_scheme(client):
    response = me(client, header=hs256())

    assert response.status_code == 401
    assert response.json() == MISSING
