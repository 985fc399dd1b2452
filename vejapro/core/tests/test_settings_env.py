"""Settings read from the process environment by one django-environ instance (security-ops.md §1-§2).

Each case imports ``vejapro.settings`` in a fresh interpreter with exactly the given environment, so nothing of the
test process (its ``DATABASE_URL``, for one) leaks in."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]

DEFAULTS = {
    # §2.1
    "ENVIRONMENT": "",
    "DEBUG": False,
    "ALLOWED_HOSTS": ["localhost", "127.0.0.1"],
    "CSRF_TRUSTED_ORIGINS": [],
    "DATABASE_URL": "",
    "LEGACY_DATABASE_URL": "",
    "REDIS_URL": "",
    "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
    "LOG_LEVEL": "INFO",
    "BUSINESS_PHONE": "+37065849514",
    "BUSINESS_EMAIL": "info@vejapro.lt",
    "BANK_ACCOUNT_NAME": "UAB VejaPRO",
    "BANK_ACCOUNT_IBAN": "",
    # §2.2
    "SUPABASE_URL": "",
    "SUPABASE_KEY": "",
    "SUPABASE_ANON_KEY": "",
    "SUPABASE_SERVICE_ROLE_KEY": "",
    "SUPABASE_JWT_SECRET": "",
    "SUPABASE_JWT_AUDIENCE": "authenticated",
    "STORAGE_BACKEND": "local",
    "MEDIA_ROOT": str(BASE_DIR / "media"),
    "SUPABASE_STORAGE_BUCKET_EVIDENCES": "evidences",
    "SUPABASE_STORAGE_BUCKET_FINANCE": "finance-documents",
    # §2.3
    "ADMIN_TOKEN_ENDPOINT_ENABLED": False,
    "ADMIN_TOKEN_ENDPOINT_SECRET": "",
    "ADMIN_TOKEN_TTL_HOURS": 12,
    "ADMIN_TOKEN_SUB": "00000000-0000-0000-0000-000000000001",
    "ADMIN_TOKEN_EMAIL": "admin@test.local",
    "CLIENT_TOKEN_TTL_HOURS": 168,
    "DEPLOY_WEBHOOK_SECRET": "",
    "DEPLOY_TRIGGER_FILE": "/var/lib/vejapro/deploy-request",
    # §2.4
    "ENABLE_MANUAL_PAYMENTS": True,
    "ENABLE_STRIPE": False,
    "STRIPE_SECRET_KEY": "",
    "STRIPE_WEBHOOK_SECRET": "",
    # §2.5
    "ENABLE_TWILIO": True,
    "SMS_BACKEND": "console",
    "TWILIO_ACCOUNT_SID": "",
    "TWILIO_AUTH_TOKEN": "",
    "TWILIO_FROM_NUMBER": "",
    "TWILIO_WEBHOOK_URL": "",
    "TWILIO_VOICE_WEBHOOK_URL": "",
    "TWILIO_WHATSAPP_FROM_NUMBER": "",
    "TWILIO_VOICE_NAME": "Google.lt-LT-Standard-A",
    "VOICE_MAX_REPROMPTS": 3,
    "ENABLE_WHATSAPP_PING": False,
    # §2.6
    "SMTP_HOST": "",
    "SMTP_PORT": 587,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_FROM_EMAIL": "",
    "SMTP_USE_TLS": True,
    "EMAIL_BACKEND": "messaging.transports.mail_backends.ConsoleEmailBackend",
    "CONFIRMATION_TTL_HOURS": 72,
    "ENABLE_EMAIL_INTAKE": True,
    "EMAIL_HOLD_DURATION_MINUTES": 1440,
    "EMAIL_OFFER_MAX_ATTEMPTS": 5,
    "ENABLE_EMAIL_WEBHOOK": False,
    "CLOUDMAILIN_USERNAME": "",
    "CLOUDMAILIN_PASSWORD": "",
    "CLOUDMAILIN_REPLY_TO_ADDRESS": "",
    "ENABLE_EMAIL_AUTO_REPLY": False,
    "EMAIL_AUTO_REPLY_MAX_PER_CR": 2,
    "ENABLE_EMAIL_AUTO_OFFER": False,
    "RATE_LIMIT_EMAIL_WEBHOOK_IP_PER_MIN": 60,
    "RATE_LIMIT_EMAIL_WEBHOOK_SENDER_PER_MIN": 5,
    # §2.7
    "ENABLE_CALL_ASSISTANT": False,
    "ENABLE_CALENDAR": False,
    "ENABLE_SCHEDULE_ENGINE": False,
    "ENABLE_MARKETING_MODULE": False,
    "ENABLE_NOTIFICATION_OUTBOX": True,
    "ENABLE_RECURRING_JOBS": True,
    "ENABLE_FINANCE_LEDGER": False,
    "ENABLE_FINANCE_METRICS": False,
    "FINANCE_METRICS_MAX_SSE_CONNECTIONS": 10,
    "SSE_MAX_STREAM_SECONDS": 300,
    "ENABLE_ADMIN_OPS_V1": False,
    "ENABLE_FINANCE_AI_INGEST": False,
    "ENABLE_FINANCE_AUTO_RULES": True,
    "ENABLE_VISION_AI": False,
    "ENABLE_AI_SUMMARY": False,
    "DASHBOARD_SSE_MAX_CONNECTIONS": 5,
    # §2.8
    "SCHEDULE_DEFAULT_RESOURCE_ID": "",
    "HOLD_DURATION_MINUTES": 3,
    "SCHEDULE_HOLD_EXPIRY_INTERVAL_SECONDS": 60,
    "NOTIFICATION_WORKER_INTERVAL_SECONDS": 5,
    "NOTIFICATION_WORKER_BATCH_SIZE": 50,
    "NOTIFICATION_WORKER_MAX_ATTEMPTS": 5,
    "SCHEDULE_PREVIEW_TTL_MINUTES": 15,
    "SCHEDULE_USE_SERVER_PREVIEW": True,
    "SCHEDULE_DAY_NAMESPACE_UUID": "cd487f5c-baca-4d84-b0e8-97f7bfef7248",
    # §2.9
    "ESTIMATE_BASE_LAT": "",
    "ESTIMATE_BASE_LON": "",
    "ESTIMATE_TRANSPORT_MIN_EUR": "50",
    "ESTIMATE_TRANSPORT_EUR_PER_KM": "1.50",
    "ESTIMATE_MOLE_NET_EUR_PER_M2": "1.50",
    # §2.10
    "ALLOW_INSECURE_WEBHOOKS": False,
    "EXPOSE_ERROR_DETAILS": False,
    "SECURITY_HEADERS_ENABLED": True,
    "PII_REDACTION_ENABLED": True,
    "PII_REDACTION_FIELDS": [
        "phone", "email", "sender", "recipient", "from", "to", "address", "ssn", "tax_id", "passport",
        "national_id", "id_number", "client_email", "to_number", "from_phone", "confirmed_from_phone", "name",
        "client_name", "display_name", "input_text",
    ],
    "RATE_LIMIT_API_ENABLED": True,
    "RATE_LIMIT_API_PER_MIN": 300,
    "RATE_LIMIT_WEBHOOK_ENABLED": True,
    "RATE_LIMIT_TWILIO_IP_PER_MIN": 30,
    "RATE_LIMIT_TWILIO_FROM_PER_MIN": 10,
    "RATE_LIMIT_STRIPE_IP_PER_MIN": 120,
    "ADMIN_IP_ALLOWLIST": [],
    "STAGING_IP_ALLOWLIST": [],
    "TRUSTED_PROXY_CIDRS": [],
    "CHAT_WEBHOOK_SECRET": "",
    # On while developing (api.md §17); off in production, see test_production_defaults.
    "DOCS_ENABLED": True,
    "OPENAPI_ENABLED": True,
    "CORS_ALLOW_ORIGINS": [],
    "CORS_ALLOW_METHODS": ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    "CORS_ALLOW_HEADERS": ["Authorization", "Content-Type", "Accept", "Stripe-Signature"],
    # §2.11
    "RETENTION_AUDIT_SECURITY_DAYS": 90,
    "RETENTION_AUDIT_BUSINESS_DAYS": 3650,
    "RETENTION_AUDIT_IP_DAYS": 90,
    "RETENTION_OUTBOX_DAYS": 90,
    "RETENTION_WEBHOOK_PAYLOAD_DAYS": 90,
    "RETENTION_CONFIRMATION_PHONE_DAYS": 90,
    "RETENTION_LEAD_DAYS": 365,
    "RETENTION_CLIENT_PII_DAYS": 3650,
    # §2.12 (P2)
    "AI_ALLOWED_PROVIDERS": ["groq", "claude", "openai", "mock"],
}  # fmt: skip


def settings_from(env: dict[str, str], names: list[str]) -> dict:
    script = (
        "import json, sys, vejapro.settings as s\n"
        "print(json.dumps({name: getattr(s, name) for name in sys.argv[1:]}, default=str))"
    )
    result = subprocess.run(  # noqa: S603 - our own settings module with fixed arguments
        [sys.executable, "-c", script, *names],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_every_variable_has_its_default_in_an_empty_environment():
    assert settings_from({}, list(DEFAULTS)) == DEFAULTS


def test_development_defaults_are_offline():
    values = settings_from(
        {}, ["DATABASES", "CACHES", "SECRET_KEY", "DEVELOPMENT_SECRET_KEY", "SILENCED_SYSTEM_CHECKS"]
    )

    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["DATABASES"]["default"]["NAME"] == str(BASE_DIR / "db.sqlite3")
    assert values["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["CACHES"]["worker"] == {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(BASE_DIR / "var" / "worker-cache"),
    }
    assert values["SECRET_KEY"] == values["DEVELOPMENT_SECRET_KEY"]
    assert values["SECRET_KEY"].startswith("django-insecure-")
    assert "django_ratelimit.E003" in values["SILENCED_SYSTEM_CHECKS"]


def test_production_defaults():
    values = settings_from(
        {"ENVIRONMENT": " Production "},
        [
            "ENVIRONMENT",
            "SECRET_KEY",
            "PUBLIC_BASE_URL",
            "STORAGE_BACKEND",
            "SMS_BACKEND",
            "ENABLE_EMAIL_INTAKE",
            "ENABLE_RECURRING_JOBS",
            "NOTIFICATION_WORKER_INTERVAL_SECONDS",
            "SILENCED_SYSTEM_CHECKS",
            "DOCS_ENABLED",
            "OPENAPI_ENABLED",
        ],
    )

    assert values == {
        "DOCS_ENABLED": False,
        "OPENAPI_ENABLED": False,
        "ENVIRONMENT": "production",
        "SECRET_KEY": "",
        "PUBLIC_BASE_URL": "https://vejapro.lt",
        "STORAGE_BACKEND": "supabase",
        "SMS_BACKEND": "twilio",
        "ENABLE_EMAIL_INTAKE": False,
        "ENABLE_RECURRING_JOBS": False,
        "NOTIFICATION_WORKER_INTERVAL_SECONDS": 30,
        "SILENCED_SYSTEM_CHECKS": ["security.W008", "security.W021", "django_ratelimit.W001"],
    }


def test_postgresql_database_url_uses_persistent_checked_connections():
    url = "postgres://vejapro:pw@db.example.com:6543/postgres?sslmode=require&options=-c%20search_path%3Dvejapro"

    database = settings_from({"DATABASE_URL": url}, ["DATABASES"])["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"], database["USER"]) == (
        "db.example.com",
        6543,
        "postgres",
        "vejapro",
    )
    assert database["OPTIONS"] == {"sslmode": "require", "options": "-c search_path=vejapro"}
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_redis_url_becomes_the_shared_cache():
    values = settings_from({"REDIS_URL": "redis://127.0.0.1:6379/1"}, ["CACHES", "SILENCED_SYSTEM_CHECKS"])

    assert values["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
    assert "django_ratelimit.E003" not in values["SILENCED_SYSTEM_CHECKS"]


@pytest.mark.parametrize(
    "raw",
    [
        '["10.0.0.0/8", " 203.0.113.7 ", ""]',
        "10.0.0.0/8, 203.0.113.7 ,,",
        " 10.0.0.0/8,203.0.113.7",
    ],
)
def test_lists_accept_json_arrays_and_comma_separated_strings(raw):
    values = settings_from({"ADMIN_IP_ALLOWLIST": raw, "DJANGO_ALLOWED_HOSTS": raw}, ["ADMIN_IP_ALLOWLIST"])

    assert values == {"ADMIN_IP_ALLOWLIST": ["10.0.0.0/8", "203.0.113.7"]}


@pytest.mark.parametrize(
    ("env", "name", "expected"),
    [
        ({"JWT_AUDIENCE": "vejapro"}, "SUPABASE_JWT_AUDIENCE", "vejapro"),
        ({"SUPABASE_JWT_AUDIENCE": "", "JWT_AUDIENCE": "vejapro"}, "SUPABASE_JWT_AUDIENCE", ""),
        ({"ENABLE_GALLERY": "true"}, "ENABLE_MARKETING_MODULE", True),
        ({"ENABLE_MARKETING_MODULE": "false", "ENABLE_GALLERY": "true"}, "ENABLE_MARKETING_MODULE", False),
        ({"SECURE_HEADERS_ENABLED": "false"}, "SECURITY_HEADERS_ENABLED", False),
        ({"docs_enabled": "true"}, "DOCS_ENABLED", True),
    ],
)
def test_aliases_are_accepted_and_the_name_wins(env, name, expected):
    assert settings_from(env, [name]) == {name: expected}


def test_smtp_host_switches_to_smtp_delivery():
    values = settings_from(
        {"SMTP_HOST": "smtp.example.com", "SMTP_PORT": "465", "SMTP_USER": "u", "SMTP_PASSWORD": "p"},
        ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_SSL", "EMAIL_USE_TLS", "EMAIL_HOST_USER"],
    )

    assert values == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": 465,
        "EMAIL_USE_SSL": True,
        "EMAIL_USE_TLS": False,
        "EMAIL_HOST_USER": "u",
    }


def test_lithuanian_first_with_english_available(settings):
    values = settings_from({}, ["LANGUAGE_CODE", "TIME_ZONE", "USE_TZ", "USE_I18N"])

    assert values == {"LANGUAGE_CODE": "lt", "TIME_ZONE": "Europe/Vilnius", "USE_TZ": True, "USE_I18N": True}
    assert [code for code, _name in settings.LANGUAGES] == ["lt", "en"]


@pytest.mark.parametrize(("flag", "expected"), [("true", "from-dot-env"), ("", "")])
def test_dot_env_is_read_only_when_asked(tmp_path, flag, expected):
    """A copy of the settings module next to a ``.env`` file: read with ``DJANGO_READ_DOT_ENV_FILE=true`` only."""
    (tmp_path / "vejapro").mkdir()
    (tmp_path / "vejapro" / "__init__.py").write_text("")
    shutil.copy(BASE_DIR / "vejapro" / "settings.py", tmp_path / "vejapro" / "settings.py")
    (tmp_path / ".env").write_text("STRIPE_SECRET_KEY=from-dot-env\n")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_READ_DOT_ENV_FILE": flag}

    result = subprocess.run(
        [sys.executable, "-c", "import vejapro.settings as s; print(s.STRIPE_SECRET_KEY)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.strip() == expected
