"""Startup validation of the configuration (security-ops.md §3).

``configuration_problems(config)`` runs every check (#1-#15) over a settings-like object and collects every failure.
``CoreConfig.ready()`` calls ``validate_startup()``: in production any failure raises one ``ImproperlyConfigured``
listing them all, one per line, so neither the web process nor the worker starts; staging logs every failure as
one warning, a development machine only the failures that are not its offline defaults. The same checks are Django
system checks with the ``deploy`` tag (``manage.py check --deploy``).
"""

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from vejapro.core.http.net import invalid_network_entries

logger = logging.getLogger("vejapro.config")

PRODUCTION_ENVIRONMENTS = {"production", "prod"}
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "postgis"}
MIN_SECRET_KEY_LENGTH = 50
MIN_JWT_SECRET_LENGTH = 32
AI_FLAGS = (
    "ENABLE_AI_PRICING",
    "ENABLE_AI_INTENT",
    "ENABLE_AI_CONVERSATION_EXTRACT",
    "ENABLE_AI_EMAIL_SENTIMENT",
    "ENABLE_AI_VISION",
    "ENABLE_AI_FINANCE_EXTRACT",
    "ENABLE_AI_OVERRIDES",
    "ENABLE_AI_SUMMARY",
    "ENABLE_VISION_AI",
    "ENABLE_FINANCE_AI_INGEST",
)
AI_PROVIDER_KEYS = {"groq": "GROQ_API_KEY", "claude": "ANTHROPIC_API_KEY", "openai": "OPENAI_API_KEY"}
FAILED_IN_PRODUCTION = "Configuration validation failed in production environment:"
# Rows of security-ops.md §3 that an empty development environment fails by design.
DEVELOPMENT_DEFAULT_ROWS = frozenset({1, 2, 3, 4, 6, 8, 9})
# The API documentation pages are on by default on a development machine (api.md §17); production refuses them.
DEVELOPMENT_DEFAULT_PROBLEMS = frozenset({"DOCS_ENABLED is true", "OPENAPI_ENABLED is true"})


@dataclass(frozen=True)
class ConfigProblem:
    number: int  # the row of security-ops.md §3
    message: str

    def __str__(self) -> str:
        return f"[{self.number}] {self.message}"


def _value(config: Any, name: str, default: Any = None) -> Any:
    try:
        return getattr(config, name, default)
    except ImproperlyConfigured:  # Django refuses to hand out an empty SECRET_KEY
        return default


def is_production_config(config: Any) -> bool:
    return str(_value(config, "ENVIRONMENT", "") or "").strip().lower() in PRODUCTION_ENVIRONMENTS


def _core_problems(get) -> list[ConfigProblem]:
    problems = []
    secret_key = get("SECRET_KEY") or ""
    if not secret_key:
        problems.append(ConfigProblem(1, "DJANGO_SECRET_KEY is missing"))
    elif len(secret_key) < MIN_SECRET_KEY_LENGTH:
        problems.append(ConfigProblem(1, f"DJANGO_SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters"))
    elif secret_key == get("DEVELOPMENT_SECRET_KEY"):
        problems.append(ConfigProblem(1, "DJANGO_SECRET_KEY is the development value"))
    if get("DEBUG"):
        problems.append(ConfigProblem(1, "DJANGO_DEBUG is true"))
    if not get("ALLOWED_HOSTS"):
        problems.append(ConfigProblem(1, "DJANGO_ALLOWED_HOSTS is empty"))
    database_url = get("DATABASE_URL") or ""
    if not database_url:
        problems.append(ConfigProblem(2, "DATABASE_URL is empty (SQLite is for development only)"))
    elif urlsplit(database_url).scheme.lower() not in POSTGRES_SCHEMES:
        problems.append(ConfigProblem(2, "DATABASE_URL is not a PostgreSQL URL"))
    if not get("REDIS_URL"):
        problems.append(ConfigProblem(3, "REDIS_URL is empty (the in-process cache is for development only)"))
    return problems


def _supabase_problems(get) -> list[ConfigProblem]:
    problems = []
    if not get("SUPABASE_URL") or not get("SUPABASE_KEY"):
        problems.append(ConfigProblem(4, "SUPABASE_URL or SUPABASE_KEY is empty (local mode is for development only)"))
    if len(get("SUPABASE_JWT_SECRET") or "") < MIN_JWT_SECRET_LENGTH:
        problems.append(
            ConfigProblem(4, f"SUPABASE_JWT_SECRET is empty or shorter than {MIN_JWT_SECRET_LENGTH} characters")
        )
    if not get("SUPABASE_SERVICE_ROLE_KEY"):
        problems.append(ConfigProblem(4, "SUPABASE_SERVICE_ROLE_KEY is empty (registration and Storage need it)"))
    if get("STORAGE_BACKEND") != "supabase":
        problems.append(ConfigProblem(4, "STORAGE_BACKEND is not supabase"))
    return problems


def _provider_problems(get) -> list[ConfigProblem]:
    problems = []
    if get("ENABLE_STRIPE") and not (get("STRIPE_SECRET_KEY") and get("STRIPE_WEBHOOK_SECRET")):
        problems.append(ConfigProblem(5, "ENABLE_STRIPE needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET"))
    if get("ENABLE_TWILIO"):
        if not (get("TWILIO_ACCOUNT_SID") and get("TWILIO_AUTH_TOKEN") and get("TWILIO_FROM_NUMBER")):
            problems.append(
                ConfigProblem(6, "ENABLE_TWILIO needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER")
            )
        if get("ENABLE_CALL_ASSISTANT") and not get("TWILIO_VOICE_WEBHOOK_URL"):
            problems.append(ConfigProblem(6, "ENABLE_CALL_ASSISTANT with Twilio needs TWILIO_VOICE_WEBHOOK_URL"))
        if not get("TWILIO_WEBHOOK_URL"):
            problems.append(ConfigProblem(6, "ENABLE_TWILIO needs TWILIO_WEBHOOK_URL"))
        if get("SMS_BACKEND") != "twilio":
            problems.append(ConfigProblem(6, "ENABLE_TWILIO needs SMS_BACKEND=twilio"))
    if get("ENABLE_EMAIL_WEBHOOK") and not (get("CLOUDMAILIN_USERNAME") and get("CLOUDMAILIN_PASSWORD")):
        problems.append(
            ConfigProblem(
                7,
                "ENABLE_EMAIL_WEBHOOK without CLOUDMAILIN_USERNAME and CLOUDMAILIN_PASSWORD "
                "(development mode: every request is accepted)",
            )
        )
    if get("ENABLE_NOTIFICATION_OUTBOX"):
        if not (get("SMTP_HOST") and get("SMTP_FROM_EMAIL")):
            problems.append(ConfigProblem(8, "ENABLE_NOTIFICATION_OUTBOX needs SMTP_HOST and SMTP_FROM_EMAIL"))
        if get("SMTP_USE_TLS") and not (get("SMTP_USER") and get("SMTP_PASSWORD")):
            problems.append(ConfigProblem(8, "SMTP_USE_TLS needs SMTP_USER and SMTP_PASSWORD"))
        if not get("ENABLE_RECURRING_JOBS"):
            problems.append(
                ConfigProblem(9, "ENABLE_NOTIFICATION_OUTBOX needs ENABLE_RECURRING_JOBS (messages would never leave)")
            )
    if get("ENABLE_WHATSAPP_PING") and not get("TWILIO_WHATSAPP_FROM_NUMBER"):
        problems.append(ConfigProblem(10, "ENABLE_WHATSAPP_PING needs TWILIO_WHATSAPP_FROM_NUMBER"))
    return problems


def _safety_problems(get) -> list[ConfigProblem]:
    problems = []
    for name, bad, text in (
        ("ALLOW_INSECURE_WEBHOOKS", True, "ALLOW_INSECURE_WEBHOOKS is true"),
        ("EXPOSE_ERROR_DETAILS", True, "EXPOSE_ERROR_DETAILS is true"),
        ("SECURITY_HEADERS_ENABLED", False, "SECURITY_HEADERS_ENABLED is false"),
        ("PII_REDACTION_ENABLED", False, "PII_REDACTION_ENABLED is false"),
        ("DOCS_ENABLED", True, "DOCS_ENABLED is true"),
        ("OPENAPI_ENABLED", True, "OPENAPI_ENABLED is true"),
    ):
        if bool(get(name, not bad)) is bad:
            problems.append(ConfigProblem(11, text))
    if get("ADMIN_TOKEN_ENDPOINT_ENABLED"):
        problems.append(ConfigProblem(12, "ADMIN_TOKEN_ENDPOINT_ENABLED is true"))
    if "*" in [str(origin).strip() for origin in get("CORS_ALLOW_ORIGINS") or []]:
        problems.append(ConfigProblem(13, "CORS_ALLOW_ORIGINS contains *"))
    enabled_ai = [name for name in AI_FLAGS if get(name)]
    if enabled_ai:
        for provider in get("AI_ALLOWED_PROVIDERS") or []:
            key_name = AI_PROVIDER_KEYS.get(str(provider).strip().lower())
            if key_name and not get(key_name):
                problems.append(
                    ConfigProblem(
                        14, f"{', '.join(enabled_ai)} on, but allowed AI provider {provider} has no {key_name}"
                    )
                )
    for name in ("TRUSTED_PROXY_CIDRS", "ADMIN_IP_ALLOWLIST", "STAGING_IP_ALLOWLIST"):
        invalid = invalid_network_entries(list(get(name) or []))
        if invalid:
            problems.append(ConfigProblem(15, f"{name} has unparseable entries: {', '.join(invalid)}"))
    return problems


def configuration_problems(config: Any = settings) -> list[ConfigProblem]:
    """Every failed check of security-ops.md §3 for ``config`` (``django.conf.settings`` or any object with the same
    attribute names), in the order of the table."""

    def get(name: str, default: Any = None) -> Any:
        return _value(config, name, default)

    return [
        *_core_problems(get),
        *_supabase_problems(get),
        *_provider_problems(get),
        *_safety_problems(get),
    ]


def ignored_variables(config: Any = settings) -> list[str]:
    return list(_value(config, "IGNORED_ENV_VARIABLES", []) or [])


def is_staging_config(config: Any) -> bool:
    return str(_value(config, "ENVIRONMENT", "") or "").strip().lower() == "staging"


def operator_must_act(problem: ConfigProblem, config: Any) -> bool:
    """Staging warns about everything production would refuse; a development machine only about what it changed.

    An empty environment fails the rows of the offline defaults by design (security-ops.md §1): the development key,
    SQLite, the in-process cache, local mode, console SMS and e-mail. ``manage.py check --deploy`` still lists them.
    """
    return is_staging_config(config) or (
        problem.number not in DEVELOPMENT_DEFAULT_ROWS and problem.message not in DEVELOPMENT_DEFAULT_PROBLEMS
    )


def validate_startup(config: Any = settings, *, log: bool = True) -> list[ConfigProblem]:
    """Refuse to start in production with any problem; elsewhere log what the operator must act on as one warning
    (security-ops.md §3). ``log=False`` only checks, for a process that is not the one serving."""
    problems = configuration_problems(config)
    if problems and is_production_config(config):
        raise ImproperlyConfigured("\n".join([FAILED_IN_PRODUCTION, *(str(problem) for problem in problems)]))
    if not log:
        return problems
    ignored = ignored_variables(config)
    if ignored:
        logger.warning("Ignored environment variables (not used by VejaPRO): %s", ", ".join(ignored))
    if is_staging_config(config) and not _value(config, "SUPABASE_JWT_SECRET", ""):
        # settings_helpers.jwt_secret() then signs and verifies HS256 tokens with the development secret (§2.2).
        logger.warning("SUPABASE_JWT_SECRET is empty: HS256 tokens use the development secret derived from the key")
    shown = [problem for problem in problems if operator_must_act(problem, config)]
    if shown:
        lines = "".join(f"\n  {problem}" for problem in shown)
        logger.warning("Configuration problems (production would refuse to start):%s", lines)
    return problems


def autoreloader_parent(argv: list[str], environ: dict[str, str]) -> bool:
    """``runserver`` without ``--noreload`` first starts a process that only watches files and restarts its child;
    the child (``RUN_MAIN=true``) is the one that serves, so only the child reports."""
    return (
        len(argv) > 1
        and argv[1] == "runserver"
        and "--noreload" not in argv
        and environ.get(DJANGO_AUTORELOAD_ENV) != "true"
    )


@checks.register("vejapro", deploy=True)
def configuration_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """``manage.py check --deploy``: errors in production, warnings elsewhere."""
    production = is_production_config(settings)
    issues: list[checks.CheckMessage] = []
    for problem in configuration_problems(settings):
        if production:
            issues.append(checks.Error(problem.message, id=f"vejapro.E{problem.number:03d}"))
        else:
            issues.append(checks.Warning(problem.message, id=f"vejapro.W{problem.number:03d}"))
    ignored = ignored_variables(settings)
    if ignored:
        issues.append(
            checks.Warning(
                f"Ignored environment variables (not used by VejaPRO): {', '.join(ignored)}",
                hint="Remove them from the environment file (security-ops.md §2.13).",
                id="vejapro.W100",
            )
        )
    return issues
