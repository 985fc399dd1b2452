"""Startup validation (security-ops.md §3): a complete production configuration passes; each broken variable is
reported by its check; production refuses to start, other environments warn."""

import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from vejapro.core.checks import autoreloader_parent, configuration_check, configuration_problems, validate_startup

BASE_DIR = Path(__file__).resolve().parents[3]

PRODUCTION = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": "k7#Qz-" * 10,
    "DEVELOPMENT_SECRET_KEY": django_settings.DEVELOPMENT_SECRET_KEY,
    "DEBUG": False,
    "ALLOWED_HOSTS": ["vejapro.lt", "www.vejapro.lt", "127.0.0.1"],
    "DATABASE_URL": "postgres://vejapro:pw@db.example.supabase.co:5432/postgres?sslmode=require",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SUPABASE_URL": "https://abcd.supabase.co",
    "SUPABASE_KEY": "sb_publishable_abc",
    "SUPABASE_JWT_SECRET": "j" * 40,
    "SUPABASE_SERVICE_ROLE_KEY": "service-role",
    "STORAGE_BACKEND": "supabase",
    "ENABLE_STRIPE": True,
    "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "ENABLE_TWILIO": True,
    "TWILIO_ACCOUNT_SID": "AC123",
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_FROM_NUMBER": "+37060000000",
    "TWILIO_WEBHOOK_URL": "https://vejapro.lt/api/v1/webhook/twilio",
    "TWILIO_VOICE_WEBHOOK_URL": "https://vejapro.lt/api/v1/webhook/twilio/voice",
    "SMS_BACKEND": "twilio",
    "ENABLE_CALL_ASSISTANT": True,
    "ENABLE_EMAIL_WEBHOOK": True,
    "CLOUDMAILIN_USERNAME": "cm-user",
    "CLOUDMAILIN_PASSWORD": "cm-pass",
    "ENABLE_NOTIFICATION_OUTBOX": True,
    "SMTP_HOST": "smtp.example.com",
    "SMTP_FROM_EMAIL": "info@vejapro.lt",
    "SMTP_USE_TLS": True,
    "SMTP_USER": "smtp-user",
    "SMTP_PASSWORD": "smtp-pass",
    "ENABLE_RECURRING_JOBS": True,
    "ENABLE_WHATSAPP_PING": True,
    "TWILIO_WHATSAPP_FROM_NUMBER": "whatsapp:+37060000000",
    "ALLOW_INSECURE_WEBHOOKS": False,
    "EXPOSE_ERROR_DETAILS": False,
    "SECURITY_HEADERS_ENABLED": True,
    "PII_REDACTION_ENABLED": True,
    "DOCS_ENABLED": False,
    "OPENAPI_ENABLED": False,
    "ADMIN_TOKEN_ENDPOINT_ENABLED": False,
    "CORS_ALLOW_ORIGINS": [],
    "ENABLE_AI_PRICING": False,
    "ENABLE_AI_INTENT": False,
    "AI_ALLOWED_PROVIDERS": ["groq", "claude", "openai", "mock"],
    "GROQ_API_KEY": "",
    "ANTHROPIC_API_KEY": "",
    "OPENAI_API_KEY": "",
    "TRUSTED_PROXY_CIDRS": ["127.0.0.1/32"],
    "ADMIN_IP_ALLOWLIST": ["10.10.50.0/24"],
    "STAGING_IP_ALLOWLIST": [],
    "IGNORED_ENV_VARIABLES": [],
}


def config(**changes) -> SimpleNamespace:
    return SimpleNamespace(**{**PRODUCTION, **changes})


def test_complete_production_configuration_has_no_problems():
    assert configuration_problems(config()) == []


def test_everything_off_is_also_valid():
    off = config(
        ENABLE_STRIPE=False,
        STRIPE_SECRET_KEY="",
        ENABLE_TWILIO=False,
        TWILIO_ACCOUNT_SID="",
        SMS_BACKEND="console",
        ENABLE_EMAIL_WEBHOOK=False,
        CLOUDMAILIN_PASSWORD="",
        ENABLE_NOTIFICATION_OUTBOX=False,
        SMTP_HOST="",
        ENABLE_RECURRING_JOBS=False,
        ENABLE_WHATSAPP_PING=False,
        TWILIO_WHATSAPP_FROM_NUMBER="",
    )

    assert configuration_problems(off) == []


BROKEN = [
    (1, {"SECRET_KEY": ""}, "DJANGO_SECRET_KEY is missing"),
    (1, {"SECRET_KEY": "x" * 49}, "DJANGO_SECRET_KEY is shorter than 50 characters"),
    (1, {"SECRET_KEY": django_settings.DEVELOPMENT_SECRET_KEY}, "DJANGO_SECRET_KEY is the development value"),
    (1, {"DEBUG": True}, "DJANGO_DEBUG is true"),
    (1, {"ALLOWED_HOSTS": []}, "DJANGO_ALLOWED_HOSTS is empty"),
    (2, {"DATABASE_URL": ""}, "DATABASE_URL is empty"),
    (2, {"DATABASE_URL": "sqlite:///db.sqlite3"}, "DATABASE_URL is not a PostgreSQL URL"),
    (2, {"DATABASE_URL": "mysql://u:p@h/db"}, "DATABASE_URL is not a PostgreSQL URL"),
    (3, {"REDIS_URL": ""}, "REDIS_URL is empty"),
    (4, {"SUPABASE_URL": ""}, "SUPABASE_URL or SUPABASE_KEY is empty"),
    (4, {"SUPABASE_KEY": ""}, "SUPABASE_URL or SUPABASE_KEY is empty"),
    (4, {"SUPABASE_JWT_SECRET": ""}, "SUPABASE_JWT_SECRET is empty or shorter than 32 characters"),
    (4, {"SUPABASE_JWT_SECRET": "j" * 31}, "SUPABASE_JWT_SECRET is empty or shorter than 32 characters"),
    (4, {"SUPABASE_SERVICE_ROLE_KEY": ""}, "SUPABASE_SERVICE_ROLE_KEY is empty"),
    (4, {"STORAGE_BACKEND": "local"}, "STORAGE_BACKEND is not supabase"),
    (5, {"STRIPE_SECRET_KEY": ""}, "ENABLE_STRIPE needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET"),
    (5, {"STRIPE_WEBHOOK_SECRET": ""}, "ENABLE_STRIPE needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET"),
    (6, {"TWILIO_ACCOUNT_SID": ""}, "ENABLE_TWILIO needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER"),
    (6, {"TWILIO_AUTH_TOKEN": ""}, "ENABLE_TWILIO needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER"),
    (6, {"TWILIO_FROM_NUMBER": ""}, "ENABLE_TWILIO needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER"),
    (6, {"TWILIO_VOICE_WEBHOOK_URL": ""}, "ENABLE_CALL_ASSISTANT with Twilio needs TWILIO_VOICE_WEBHOOK_URL"),
    (6, {"TWILIO_WEBHOOK_URL": ""}, "ENABLE_TWILIO needs TWILIO_WEBHOOK_URL"),
    (6, {"SMS_BACKEND": "console"}, "ENABLE_TWILIO needs SMS_BACKEND=twilio"),
    (7, {"CLOUDMAILIN_USERNAME": ""}, "ENABLE_EMAIL_WEBHOOK without CLOUDMAILIN_USERNAME and CLOUDMAILIN_PASSWORD"),
    (7, {"CLOUDMAILIN_PASSWORD": ""}, "ENABLE_EMAIL_WEBHOOK without CLOUDMAILIN_USERNAME and CLOUDMAILIN_PASSWORD"),
    (8, {"SMTP_HOST": ""}, "ENABLE_NOTIFICATION_OUTBOX needs SMTP_HOST and SMTP_FROM_EMAIL"),
    (8, {"SMTP_FROM_EMAIL": ""}, "ENABLE_NOTIFICATION_OUTBOX needs SMTP_HOST and SMTP_FROM_EMAIL"),
    (8, {"SMTP_USER": ""}, "SMTP_USE_TLS needs SMTP_USER and SMTP_PASSWORD"),
    (8, {"SMTP_PASSWORD": ""}, "SMTP_USE_TLS needs SMTP_USER and SMTP_PASSWORD"),
    (9, {"ENABLE_RECURRING_JOBS": False}, "ENABLE_NOTIFICATION_OUTBOX needs ENABLE_RECURRING_JOBS"),
    (10, {"TWILIO_WHATSAPP_FROM_NUMBER": ""}, "ENABLE_WHATSAPP_PING needs TWILIO_WHATSAPP_FROM_NUMBER"),
    (11, {"ALLOW_INSECURE_WEBHOOKS": True}, "ALLOW_INSECURE_WEBHOOKS is true"),
    (11, {"EXPOSE_ERROR_DETAILS": True}, "EXPOSE_ERROR_DETAILS is true"),
    (11, {"SECURITY_HEADERS_ENABLED": False}, "SECURITY_HEADERS_ENABLED is false"),
    (11, {"PII_REDACTION_ENABLED": False}, "PII_REDACTION_ENABLED is false"),
    (11, {"DOCS_ENABLED": True}, "DOCS_ENABLED is true"),
    (11, {"OPENAPI_ENABLED": True}, "OPENAPI_ENABLED is true"),
    (12, {"ADMIN_TOKEN_ENDPOINT_ENABLED": True}, "ADMIN_TOKEN_ENDPOINT_ENABLED is true"),
    (13, {"CORS_ALLOW_ORIGINS": ["https://vejapro.lt", " * "]}, "CORS_ALLOW_ORIGINS contains *"),
    (
        14,
        {"ENABLE_AI_INTENT": True, "AI_ALLOWED_PROVIDERS": ["claude", "mock"]},
        "ENABLE_AI_INTENT on, but allowed AI provider claude has no ANTHROPIC_API_KEY",
    ),
    (
        14,
        {"ENABLE_AI_PRICING": True, "AI_ALLOWED_PROVIDERS": ["groq"]},
        "ENABLE_AI_PRICING on, but allowed AI provider groq has no GROQ_API_KEY",
    ),
    (
        14,
        {"ENABLE_VISION_AI": True, "AI_ALLOWED_PROVIDERS": ["openai"]},
        "ENABLE_VISION_AI on, but allowed AI provider openai has no OPENAI_API_KEY",
    ),
    (
        15,
        {"TRUSTED_PROXY_CIDRS": ["127.0.0.1/32", "localhost"]},
        "TRUSTED_PROXY_CIDRS has unparseable entries: localhost",
    ),
    (15, {"ADMIN_IP_ALLOWLIST": ["10.0.0.0/33"]}, "ADMIN_IP_ALLOWLIST has unparseable entries: 10.0.0.0/33"),
    (15, {"STAGING_IP_ALLOWLIST": ["10.10.50.*"]}, "STAGING_IP_ALLOWLIST has unparseable entries: 10.10.50.*"),
]


@pytest.mark.parametrize(("number", "changes", "message"), BROKEN, ids=[f"{n}-{m[:40]}" for n, _c, m in BROKEN])
def test_each_broken_variable_is_reported_by_its_check(number, changes, message):
    problems = configuration_problems(config(**changes))

    assert len(problems) == 1
    assert problems[0].number == number
    assert problems[0].message.startswith(message)


def test_ai_flag_with_every_key_is_valid():
    ai = config(ENABLE_AI_INTENT=True, GROQ_API_KEY="g", ANTHROPIC_API_KEY="a", OPENAI_API_KEY="o")

    assert configuration_problems(ai) == []


def test_ai_keys_without_an_ai_flag_are_not_needed():
    assert configuration_problems(config(AI_ALLOWED_PROVIDERS=["claude"])) == []


def test_production_refuses_to_start_listing_every_problem_one_per_line():
    broken = config(DEBUG=True, REDIS_URL="", EXPOSE_ERROR_DETAILS=True)

    with pytest.raises(ImproperlyConfigured) as raised:
        validate_startup(broken)

    assert str(raised.value).splitlines() == [
        "Configuration validation failed in production environment:",
        "[1] DJANGO_DEBUG is true",
        "[3] REDIS_URL is empty (the in-process cache is for development only)",
        "[11] EXPOSE_ERROR_DETAILS is true",
    ]


@pytest.mark.parametrize("environment", ["prod", "PRODUCTION", " Production "])
def test_production_spellings(environment):
    with pytest.raises(ImproperlyConfigured):
        validate_startup(config(ENVIRONMENT=environment, DEBUG=True))


def test_staging_warns_about_every_problem(caplog):
    with caplog.at_level(logging.WARNING, logger="vejapro.config"):
        problems = validate_startup(
            config(ENVIRONMENT="staging", DEBUG=True, ENABLE_EMAIL_WEBHOOK=True, CLOUDMAILIN_USERNAME="")
        )

    assert [problem.number for problem in problems] == [1, 7]
    assert "  [1] DJANGO_DEBUG is true" in caplog.text
    assert "  [7] ENABLE_EMAIL_WEBHOOK without CLOUDMAILIN_USERNAME and CLOUDMAILIN_PASSWORD" in caplog.text


@pytest.mark.parametrize("environment", ["", "development", "test"])
def test_development_warns_only_about_what_is_not_an_offline_default(environment, caplog):
    with caplog.at_level(logging.WARNING, logger="vejapro.config"):
        problems = validate_startup(
            config(ENVIRONMENT=environment, DEBUG=True, ENABLE_EMAIL_WEBHOOK=True, CLOUDMAILIN_USERNAME="")
        )

    assert [problem.number for problem in problems] == [1, 7]
    assert caplog.messages == [
        "Configuration problems (production would refuse to start):\n"
        "  [7] ENABLE_EMAIL_WEBHOOK without CLOUDMAILIN_USERNAME and CLOUDMAILIN_PASSWORD "
        "(development mode: every request is accepted)"
    ]


def test_an_empty_development_environment_starts_without_a_warning():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=BASE_DIR,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DJANGO_SETTINGS_MODULE": "vejapro.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert (result.stdout, result.stderr) == ("started\n", "")


@pytest.mark.parametrize(
    ("argv", "environ", "parent"),
    [
        (["manage.py", "runserver", "127.0.0.1:8000"], {}, True),
        (["manage.py", "runserver", "127.0.0.1:8000"], {"RUN_MAIN": "true"}, False),
        (["manage.py", "runserver", "--noreload"], {}, False),
        (["manage.py", "run_worker"], {}, False),
        (["manage.py"], {}, False),
    ],
)
def test_only_the_serving_process_of_runserver_reports(argv, environ, parent):
    assert autoreloader_parent(argv, environ) is parent


def test_a_process_that_does_not_report_still_refuses_production(caplog):
    with caplog.at_level(logging.WARNING, logger="vejapro.config"), pytest.raises(ImproperlyConfigured):
        validate_startup(config(DEBUG=True), log=False)
    with caplog.at_level(logging.WARNING, logger="vejapro.config"):
        validate_startup(config(ENVIRONMENT="staging", DEBUG=True), log=False)

    assert caplog.messages == []


def test_ignored_variables_are_named_in_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="vejapro.config"):
        validate_startup(config(IGNORED_ENV_VARIABLES=["AUDIT_LOG_RETENTION_DAYS", "SECRET_KEY"]))

    assert "Ignored environment variables (not used by VejaPRO): AUDIT_LOG_RETENTION_DAYS, SECRET_KEY" in caplog.text


def test_ignored_variables_are_read_from_the_environment(monkeypatch):
    result = subprocess.run(
        [sys.executable, "-c", "import vejapro.settings as s; print(s.IGNORED_ENV_VARIABLES)"],
        cwd=BASE_DIR,
        env={**os.environ, "ENABLE_ROBOT_ADAPTER": "true", "SECRET_KEY": "x"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == "['ENABLE_ROBOT_ADAPTER', 'SECRET_KEY']"


def test_system_check_warns_outside_production(settings):
    settings.DEBUG = True

    issues = configuration_check()

    assert "vejapro.W001" in {issue.id for issue in issues}
    assert all(issue.id.startswith("vejapro.W") for issue in issues)


def test_system_check_errors_in_production(settings):
    for name, value in PRODUCTION.items():
        setattr(settings, name, value)
    settings.REDIS_URL = ""

    issues = configuration_check()

    assert [(issue.id, issue.msg) for issue in issues] == [
        ("vejapro.E003", "REDIS_URL is empty (the in-process cache is for development only)")
    ]


PRODUCTION_ENV = {
    "ENVIRONMENT": "production",
    "DJANGO_SECRET_KEY": "k7#Qz-" * 10,
    "DJANGO_ALLOWED_HOSTS": "vejapro.lt,www.vejapro.lt,127.0.0.1",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://vejapro.lt,https://www.vejapro.lt",
    "DATABASE_URL": "postgres://vejapro:pw@127.0.0.1:5432/vejapro?options=-c%20search_path%3Dvejapro",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SUPABASE_URL": "https://abcd.supabase.co",
    "SUPABASE_KEY": "sb_publishable_abc",
    "SUPABASE_SERVICE_ROLE_KEY": "service-role",
    "SUPABASE_JWT_SECRET": "j" * 40,
    "ENABLE_STRIPE": "true",
    "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "TWILIO_ACCOUNT_SID": "AC123",
    "TWILIO_AUTH_TOKEN": "token",
    "TWILIO_FROM_NUMBER": "+37060000000",
    "TWILIO_WEBHOOK_URL": "https://vejapro.lt/api/v1/webhook/twilio",
    "TWILIO_VOICE_WEBHOOK_URL": "https://vejapro.lt/api/v1/webhook/twilio/voice",
    "ENABLE_CALL_ASSISTANT": "true",
    "SMTP_HOST": "smtp.example.com",
    "SMTP_FROM_EMAIL": "info@vejapro.lt",
    "SMTP_USER": "smtp-user",
    "SMTP_PASSWORD": "smtp-pass",
    "ENABLE_RECURRING_JOBS": "true",
    "TRUSTED_PROXY_CIDRS": "127.0.0.1/32",
}


def run_manage(*args: str, **env_changes: str) -> subprocess.CompletedProcess:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base, **PRODUCTION_ENV, **env_changes},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_a_complete_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert result.stderr == ""


def test_production_settings_silence_exactly_three_checks():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(sorted(s.SILENCED_SYSTEM_CHECKS)); "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT); "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE); "
        "print(s.SECURE_PROXY_SSL_HEADER, s.USE_X_FORWARDED_HOST, s.X_FRAME_OPTIONS)",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "['django_ratelimit.W001', 'security.W008', 'security.W021']",
        "31536000 True False False",
        "__Secure-sessionid __Secure-csrftoken True True",
        "('HTTP_X_FORWARDED_PROTO', 'https') False DENY",
    ]


def test_a_broken_production_environment_refuses_to_start():
    result = run_manage("check", REDIS_URL="", DJANGO_DEBUG="true")

    assert result.returncode != 0
    assert "Configuration validation failed in production environment:\n[1] DJANGO_DEBUG is true\n[3] REDIS_URL" in (
        result.stderr
    )


@pytest.mark.parametrize(("number", "changes", "message"), BROKEN, ids=[f"{n}-{m[:40]}" for n, _c, m in BROKEN])
def test_production_refuses_to_start_for_each_broken_variable(number, changes, message):
    with pytest.raises(ImproperlyConfigured) as raised:
        validate_startup(config(**changes))

    lines = str(raised.value).splitlines()
    assert lines[0] == "Configuration validation failed in production environment:"
    assert len(lines) == 2
    assert lines[1].startswith(f"[{number}] {message}")


def test_every_check_fires_from_the_environment_in_one_message():
    """Each of the 15 checks broken through the real environment variables: one error lists them all."""
    result = run_manage(
        "check",
        DJANGO_SECRET_KEY="too-short",
        DJANGO_DEBUG="true",
        DATABASE_URL="sqlite:///db.sqlite3",
        REDIS_URL="",
        SUPABASE_URL="",
        STORAGE_BACKEND="local",
        STRIPE_WEBHOOK_SECRET="",
        TWILIO_WEBHOOK_URL="",
        ENABLE_EMAIL_WEBHOOK="true",
        SMTP_PASSWORD="",
        ENABLE_RECURRING_JOBS="false",
        ENABLE_WHATSAPP_PING="true",
        SECURE_HEADERS_ENABLED="false",
        ADMIN_TOKEN_ENDPOINT_ENABLED="true",
        CORS_ALLOW_ORIGINS='["https://vejapro.lt", "*"]',
        ENABLE_AI_INTENT="true",
        AI_ALLOWED_PROVIDERS="claude",
        TRUSTED_PROXY_CIDRS="127.0.0.1/32,localhost",
    )

    assert result.returncode != 0
    error = result.stderr[result.stderr.index("Configuration validation failed in production environment:") :]
    numbers = {int(line[1 : line.index("]")]) for line in error.splitlines()[1:] if line.startswith("[")}
    assert numbers == set(range(1, 16))
    assert "[1] DJANGO_SECRET_KEY is shorter than 50 characters" in error
    assert "[11] SECURITY_HEADERS_ENABLED is false" in error
    assert "[15] TRUSTED_PROXY_CIDRS has unparseable entries: localhost" in error


def test_an_empty_jwt_secret_on_staging_warns_about_the_development_secret(caplog):
    with caplog.at_level(logging.WARNING, logger="vejapro.config"):
        validate_startup(config(ENVIRONMENT="staging", SUPABASE_JWT_SECRET=""))

    assert "SUPABASE_JWT_SECRET is empty: HS256 tokens use the development secret" in caplog.text


def test_a_configured_jwt_secret_gives_no_such_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="vejapro.config"):
        validate_startup(config(ENVIRONMENT=""))

    assert "development secret" not in caplog.text
