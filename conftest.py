"""Shared fixtures: one user per role plus an outsider, bearer-token API clients, isolated media."""

import uuid

import pytest
from django.test import Client

from vejapro.core.accounts.services import token_mint
from vejapro.core.models import Role, User

# PostgreSQL refuses ``TRUNCATE audit_logs`` (migration core 0005). Django's test flush between transactional tests
# truncates every table, so here, and only here, the flush disables that trigger inside its own transaction and
# enables it again before committing (ALTER TABLE is transactional on PostgreSQL; the table owner may do it).
NO_TRUNCATE_TRIGGER = "audit_logs_no_truncate"
_TRIGGER_SWITCH = (
    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = '{name}' AND tgrelid = 'audit_logs'::regclass)"
    " THEN ALTER TABLE audit_logs {action} TRIGGER {name}; END IF; END $$"
)


def _flush_passes_the_audit_truncate_trigger() -> None:
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # no PostgreSQL driver: the SQLite run has no such trigger
        return
    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if "audit_logs" not in tables or not statements:
            return statements
        disable = _TRIGGER_SWITCH.format(name=NO_TRUNCATE_TRIGGER, action="DISABLE")
        enable = _TRIGGER_SWITCH.format(name=NO_TRUNCATE_TRIGGER, action="ENABLE")
        return [disable, *statements, enable]

    DatabaseOperations.sql_flush = sql_flush


_flush_passes_the_audit_truncate_trigger()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.RATELIMIT_ENABLE = False
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SMS_BACKEND = "locmem"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SUPABASE_URL = ""
    settings.SUPABASE_JWT_SECRET = "test-jwt-secret-that-is-long-enough-0123456789"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages render without a collectstatic run; test_static_files.py checks the hashed, compressed storage.
    settings.STATIC_ROOT = str(tmp_path / "static")
    (tmp_path / "static").mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The heartbeat alias shares the in-memory default cache, so no running `make run` worker is seen by a test.
    settings.CACHES = {**settings.CACHES, "worker": settings.CACHES["default"]}


def _user(email: str, role: str, **extra) -> User:
    return User.objects.create_user(email, password="Slaptas-123", role=role, is_staff=role == Role.ADMIN, **extra)


@pytest.fixture
def admin_user(db) -> User:
    return _user("admin@vejapro.test", Role.ADMIN, full_name="Adminas Adminauskas")


@pytest.fixture
def client_user(db) -> User:
    return _user("klientas@vejapro.test", Role.CLIENT, full_name="Jonas Klientas", phone="+37061234567")


@pytest.fixture
def contractor_user(db) -> User:
    return _user("rangovas@vejapro.test", Role.SUBCONTRACTOR, full_name="Rangovas Petras")


@pytest.fixture
def expert_user(db) -> User:
    return _user("ekspertas@vejapro.test", Role.EXPERT, full_name="Ekspertė Ona")


@pytest.fixture
def outsider_client(db) -> User:
    return _user("pasalinis@vejapro.test", Role.CLIENT, full_name="Pašalinis")


@pytest.fixture
def other_contractor(db) -> User:
    return _user("kitas.rangovas@vejapro.test", Role.SUBCONTRACTOR)


@pytest.fixture
def other_expert(db) -> User:
    return _user("kitas.ekspertas@vejapro.test", Role.EXPERT)


def bearer_for(user: User) -> str:
    return token_mint(sub=str(user.pk), email=user.email, role=user.role, ttl_hours=1).token


class ApiClient(Client):
    """A Django test client that sends ``Authorization: Bearer`` for one user (or none) and JSON bodies."""

    def __init__(self, user: User | None = None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        if user is not None:
            self.defaults["HTTP_AUTHORIZATION"] = f"Bearer {bearer_for(user)}"

    def post_json(self, path: str, data=None, **extra):
        return self.post(path, data=data if data is not None else {}, content_type="application/json", **extra)

    def patch_json(self, path: str, data=None, **extra):
        return self.patch(path, data=data if data is not None else {}, content_type="application/json", **extra)


@pytest.fixture
def api():
    """``api(user)`` gives a bearer client for that user; ``api()`` an anonymous one."""
    return lambda user=None: ApiClient(user)


@pytest.fixture
def rate_limits(settings):
    """Switch the limits on (they are off for every other test) with counters in a fresh in-memory cache."""
    settings.RATELIMIT_ENABLE = True
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit-test": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(uuid.uuid4())},
    }
    settings.RATELIMIT_USE_CACHE = "ratelimit-test"
    return settings


def pytest_collection_modifyitems(config, items):
    """``@pytest.mark.postgres`` tests need PostgreSQL (triggers, exclusion constraints, races); skip them on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)
