"""VejaPRO settings: one django-environ instance reads the process environment (security-ops.md §1-§2).

Flags and secrets that code reads at call time go through ``vejapro.core.settings_helpers`` so tests can
change them with ``override_settings``.
"""

import hashlib
import json
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    environ.Env.read_env(BASE_DIR / ".env")


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """A list from a JSON array or a comma-separated string; entries trimmed, empty ones dropped."""
    raw = env.str(name, default="")
    if not raw.strip():
        return list(default or [])
    if raw.strip().startswith("["):
        try:
            values = json.loads(raw)
        except json.JSONDecodeError:
            values = raw.strip("[]").split(",")
    else:
        values = raw.split(",")
    return [str(value).strip() for value in values if str(value).strip()]


def env_str_alias(name: str, alias: str, default: str) -> str:
    if name in env.ENVIRON:
        return env.str(name)
    if alias in env.ENVIRON:
        return env.str(alias)
    return default


def env_bool_alias(name: str, alias: str, default: bool) -> bool:
    if name in env.ENVIRON:
        return env.bool(name)
    if alias in env.ENVIRON:
        return env.bool(alias)
    return default


ENVIRONMENT = env.str("ENVIRONMENT", default="").strip().lower()
IS_PRODUCTION = ENVIRONMENT in {"production", "prod"}
IS_STAGING = ENVIRONMENT == "staging"

# --- Django core and site (§2.1) -------------------------------------------------------------------------
DEVELOPMENT_SECRET_KEY = "django-insecure-vejapro-development-key-never-use-in-production-0123456789"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="" if IS_PRODUCTION else DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
LEGACY_DATABASE_URL = env.str("LEGACY_DATABASE_URL", default="")

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CACHES["worker"] = CACHES["default"]
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "vejapro"},
        # The worker's heartbeat crosses processes (worker → dashboard), which an in-process cache cannot.
        "worker": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / "var" / "worker-cache"),
        },
    }

PUBLIC_BASE_URL = env.str(
    "PUBLIC_BASE_URL", default="https://vejapro.lt" if IS_PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
BUSINESS_PHONE = env.str("BUSINESS_PHONE", default="+37065849514")
BUSINESS_EMAIL = env.str("BUSINESS_EMAIL", default="info@vejapro.lt")
BANK_ACCOUNT_NAME = env.str("BANK_ACCOUNT_NAME", default="UAB VejaPRO")
BANK_ACCOUNT_IBAN = env.str("BANK_ACCOUNT_IBAN", default="")

# --- Supabase, authentication, storage (§2.2) ------------------------------------------------------------
SUPABASE_URL = env.str("SUPABASE_URL", default="").rstrip("/")
SUPABASE_KEY = env.str("SUPABASE_KEY", default="")
SUPABASE_ANON_KEY = env.str("SUPABASE_ANON_KEY", default="")
SUPABASE_SERVICE_ROLE_KEY = env.str("SUPABASE_SERVICE_ROLE_KEY", default="")
SUPABASE_JWT_SECRET = env.str("SUPABASE_JWT_SECRET", default="")
# Outside production an empty secret is replaced by one derived from the signing key, so local mode works.
DEVELOPMENT_JWT_SECRET = hashlib.sha256(SECRET_KEY.encode()).hexdigest()
SUPABASE_JWT_AUDIENCE = env_str_alias("SUPABASE_JWT_AUDIENCE", "JWT_AUDIENCE", "authenticated")
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="supabase" if IS_PRODUCTION else "local").lower()
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
SUPABASE_STORAGE_BUCKET_EVIDENCES = env.str("SUPABASE_STORAGE_BUCKET_EVIDENCES", default="evidences")
SUPABASE_STORAGE_BUCKET_FINANCE = env.str("SUPABASE_STORAGE_BUCKET_FINANCE", default="finance-documents")
# Tests replace the bearer resolver through this dotted path (api.md §2.3).
AUTH_BEARER_RESOLVER = "vejapro.core.accounts.authentication.resolve_bearer_token"

# --- Minted tokens and the deploy hook (§2.3) ------------------------------------------------------------
ADMIN_TOKEN_ENDPOINT_ENABLED = env.bool("ADMIN_TOKEN_ENDPOINT_ENABLED", default=False)
ADMIN_TOKEN_ENDPOINT_SECRET = env.str("ADMIN_TOKEN_ENDPOINT_SECRET", default="")
ADMIN_TOKEN_TTL_HOURS = env.int("ADMIN_TOKEN_TTL_HOURS", default=12)
ADMIN_TOKEN_SUB = env.str("ADMIN_TOKEN_SUB", default="00000000-0000-0000-0000-000000000001")
ADMIN_TOKEN_EMAIL = env.str("ADMIN_TOKEN_EMAIL", default="admin@test.local")
CLIENT_TOKEN_TTL_HOURS = env.int("CLIENT_TOKEN_TTL_HOURS", default=168)
DEPLOY_WEBHOOK_SECRET = env.str("DEPLOY_WEBHOOK_SECRET", default="")
DEPLOY_TRIGGER_FILE = env.str("DEPLOY_TRIGGER_FILE", default="/var/lib/vejapro/deploy-request")

# --- Payments (§2.4) -------------------------------------------------------------------------------------
ENABLE_MANUAL_PAYMENTS = env.bool("ENABLE_MANUAL_PAYMENTS", default=True)
ENABLE_STRIPE = env.bool("ENABLE_STRIPE", default=False)
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")

# --- Twilio (§2.5) ---------------------------------------------------------------------------------------
ENABLE_TWILIO = env.bool("ENABLE_TWILIO", default=True)
SMS_BACKEND = env.str("SMS_BACKEND", default="twilio" if IS_PRODUCTION else "console").lower()
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_WEBHOOK_URL = env.str("TWILIO_WEBHOOK_URL", default="")
TWILIO_VOICE_WEBHOOK_URL = env.str("TWILIO_VOICE_WEBHOOK_URL", default="")
TWILIO_WHATSAPP_FROM_NUMBER = env.str("TWILIO_WHATSAPP_FROM_NUMBER", default="")
TWILIO_VOICE_NAME = env.str("TWILIO_VOICE_NAME", default="Google.lt-LT-Standard-A")
VOICE_MAX_REPROMPTS = env.int("VOICE_MAX_REPROMPTS", default=3)
ENABLE_WHATSAPP_PING = env.bool("ENABLE_WHATSAPP_PING", default=False)

# --- E-mail, confirmations, intake (§2.6) ----------------------------------------------------------------
SMTP_HOST = env.str("SMTP_HOST", default="")
SMTP_PORT = env.int("SMTP_PORT", default=587)
SMTP_USER = env.str("SMTP_USER", default="")
SMTP_PASSWORD = env.str("SMTP_PASSWORD", default="")
SMTP_FROM_EMAIL = env.str("SMTP_FROM_EMAIL", default="")
SMTP_USE_TLS = env.bool("SMTP_USE_TLS", default=True)
if SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = SMTP_HOST
    EMAIL_PORT = SMTP_PORT
    EMAIL_HOST_USER = SMTP_USER if SMTP_USER and SMTP_PASSWORD else ""
    EMAIL_HOST_PASSWORD = SMTP_PASSWORD if SMTP_USER and SMTP_PASSWORD else ""
    EMAIL_USE_SSL = SMTP_PORT == 465
    EMAIL_USE_TLS = SMTP_USE_TLS and SMTP_PORT != 465
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "messaging.transports.mail_backends.ConsoleEmailBackend"  # Django's, recipients masked
DEFAULT_FROM_EMAIL = SMTP_FROM_EMAIL or BUSINESS_EMAIL
SERVER_EMAIL = DEFAULT_FROM_EMAIL
CONFIRMATION_TTL_HOURS = env.int("CONFIRMATION_TTL_HOURS", default=72)
# On outside production so that a demo's client confirms by the e-mail link printed by the console backend.
ENABLE_EMAIL_INTAKE = env.bool("ENABLE_EMAIL_INTAKE", default=not IS_PRODUCTION)
EMAIL_HOLD_DURATION_MINUTES = env.int("EMAIL_HOLD_DURATION_MINUTES", default=1440)
EMAIL_OFFER_MAX_ATTEMPTS = env.int("EMAIL_OFFER_MAX_ATTEMPTS", default=5)
ENABLE_EMAIL_WEBHOOK = env.bool("ENABLE_EMAIL_WEBHOOK", default=False)
CLOUDMAILIN_USERNAME = env.str("CLOUDMAILIN_USERNAME", default="")
CLOUDMAILIN_PASSWORD = env.str("CLOUDMAILIN_PASSWORD", default="")
CLOUDMAILIN_REPLY_TO_ADDRESS = env.str("CLOUDMAILIN_REPLY_TO_ADDRESS", default="")
ENABLE_EMAIL_AUTO_REPLY = env.bool("ENABLE_EMAIL_AUTO_REPLY", default=False)
EMAIL_AUTO_REPLY_MAX_PER_CR = env.int("EMAIL_AUTO_REPLY_MAX_PER_CR", default=2)
ENABLE_EMAIL_AUTO_OFFER = env.bool("ENABLE_EMAIL_AUTO_OFFER", default=False)
RATE_LIMIT_EMAIL_WEBHOOK_IP_PER_MIN = env.int("RATE_LIMIT_EMAIL_WEBHOOK_IP_PER_MIN", default=60)
RATE_LIMIT_EMAIL_WEBHOOK_SENDER_PER_MIN = env.int("RATE_LIMIT_EMAIL_WEBHOOK_SENDER_PER_MIN", default=5)

# --- Module flags and streams (§2.7) ---------------------------------------------------------------------
ENABLE_CALL_ASSISTANT = env.bool("ENABLE_CALL_ASSISTANT", default=False)
ENABLE_CALENDAR = env.bool("ENABLE_CALENDAR", default=False)
ENABLE_SCHEDULE_ENGINE = env.bool("ENABLE_SCHEDULE_ENGINE", default=False)
ENABLE_MARKETING_MODULE = env_bool_alias("ENABLE_MARKETING_MODULE", "ENABLE_GALLERY", False)
ENABLE_NOTIFICATION_OUTBOX = env.bool("ENABLE_NOTIFICATION_OUTBOX", default=True)
# On outside production so that `make run`'s worker sends what a demo queues.
ENABLE_RECURRING_JOBS = env.bool("ENABLE_RECURRING_JOBS", default=not IS_PRODUCTION)
ENABLE_FINANCE_LEDGER = env.bool("ENABLE_FINANCE_LEDGER", default=False)
ENABLE_FINANCE_METRICS = env.bool("ENABLE_FINANCE_METRICS", default=False)
FINANCE_METRICS_MAX_SSE_CONNECTIONS = env.int("FINANCE_METRICS_MAX_SSE_CONNECTIONS", default=10)
SSE_MAX_STREAM_SECONDS = env.int("SSE_MAX_STREAM_SECONDS", default=300)
ENABLE_ADMIN_OPS_V1 = env.bool("ENABLE_ADMIN_OPS_V1", default=False)
ENABLE_FINANCE_AI_INGEST = env.bool("ENABLE_FINANCE_AI_INGEST", default=False)
ENABLE_FINANCE_AUTO_RULES = env.bool("ENABLE_FINANCE_AUTO_RULES", default=True)
ENABLE_VISION_AI = env.bool("ENABLE_VISION_AI", default=False)
ENABLE_AI_SUMMARY = env.bool("ENABLE_AI_SUMMARY", default=False)
DASHBOARD_SSE_MAX_CONNECTIONS = env.int("DASHBOARD_SSE_MAX_CONNECTIONS", default=5)

# --- Scheduling and the worker (§2.8) --------------------------------------------------------------------
SCHEDULE_DEFAULT_RESOURCE_ID = env.str("SCHEDULE_DEFAULT_RESOURCE_ID", default="")
HOLD_DURATION_MINUTES = env.int("HOLD_DURATION_MINUTES", default=3)
SCHEDULE_HOLD_EXPIRY_INTERVAL_SECONDS = env.int("SCHEDULE_HOLD_EXPIRY_INTERVAL_SECONDS", default=60)
# A demo sees its e-mail printed within seconds; production polls every 30 s.
NOTIFICATION_WORKER_INTERVAL_SECONDS = env.int(
    "NOTIFICATION_WORKER_INTERVAL_SECONDS", default=30 if IS_PRODUCTION else 5
)
NOTIFICATION_WORKER_BATCH_SIZE = env.int("NOTIFICATION_WORKER_BATCH_SIZE", default=50)
NOTIFICATION_WORKER_MAX_ATTEMPTS = env.int("NOTIFICATION_WORKER_MAX_ATTEMPTS", default=5)
SCHEDULE_PREVIEW_TTL_MINUTES = env.int("SCHEDULE_PREVIEW_TTL_MINUTES", default=15)
SCHEDULE_USE_SERVER_PREVIEW = env.bool("SCHEDULE_USE_SERVER_PREVIEW", default=True)
SCHEDULE_DAY_NAMESPACE_UUID = env.str("SCHEDULE_DAY_NAMESPACE_UUID", default="cd487f5c-baca-4d84-b0e8-97f7bfef7248")

# --- Estimate wizard (§2.9) ------------------------------------------------------------------------------
ESTIMATE_BASE_LAT = env.str("ESTIMATE_BASE_LAT", default="")
ESTIMATE_BASE_LON = env.str("ESTIMATE_BASE_LON", default="")
ESTIMATE_TRANSPORT_MIN_EUR = env.str("ESTIMATE_TRANSPORT_MIN_EUR", default="50")
ESTIMATE_TRANSPORT_EUR_PER_KM = env.str("ESTIMATE_TRANSPORT_EUR_PER_KM", default="1.50")
ESTIMATE_MOLE_NET_EUR_PER_M2 = env.str("ESTIMATE_MOLE_NET_EUR_PER_M2", default="1.50")

# --- Security, privacy, HTTP (§2.10) ---------------------------------------------------------------------
ALLOW_INSECURE_WEBHOOKS = env.bool("ALLOW_INSECURE_WEBHOOKS", default=False)
EXPOSE_ERROR_DETAILS = env.bool("EXPOSE_ERROR_DETAILS", default=False)
SECURITY_HEADERS_ENABLED = env_bool_alias("SECURITY_HEADERS_ENABLED", "SECURE_HEADERS_ENABLED", True)
PII_REDACTION_ENABLED = env.bool("PII_REDACTION_ENABLED", default=True)
PII_REDACTION_FIELDS = env_list(
    "PII_REDACTION_FIELDS",
    [
        "phone", "email", "sender", "recipient", "from", "to", "address", "ssn", "tax_id", "passport",
        "national_id", "id_number", "client_email", "to_number", "from_phone", "confirmed_from_phone", "name",
        "client_name", "display_name", "input_text",
    ],
)  # fmt: skip
RATE_LIMIT_API_ENABLED = env.bool("RATE_LIMIT_API_ENABLED", default=True)
RATE_LIMIT_API_PER_MIN = env.int("RATE_LIMIT_API_PER_MIN", default=300)
RATE_LIMIT_WEBHOOK_ENABLED = env.bool("RATE_LIMIT_WEBHOOK_ENABLED", default=True)
RATE_LIMIT_TWILIO_IP_PER_MIN = env.int("RATE_LIMIT_TWILIO_IP_PER_MIN", default=30)
RATE_LIMIT_TWILIO_FROM_PER_MIN = env.int("RATE_LIMIT_TWILIO_FROM_PER_MIN", default=10)
RATE_LIMIT_STRIPE_IP_PER_MIN = env.int("RATE_LIMIT_STRIPE_IP_PER_MIN", default=120)
ADMIN_IP_ALLOWLIST = env_list("ADMIN_IP_ALLOWLIST")
STAGING_IP_ALLOWLIST = env_list("STAGING_IP_ALLOWLIST")
TRUSTED_PROXY_CIDRS = env_list("TRUSTED_PROXY_CIDRS")
CHAT_WEBHOOK_SECRET = env.str("CHAT_WEBHOOK_SECRET", default="")
# The API's documentation (api.md §17): on while developing, off in production and staging unless asked for.
DOCS_ENABLED = env_bool_alias("DOCS_ENABLED", "docs_enabled", not (IS_PRODUCTION or IS_STAGING))
OPENAPI_ENABLED = env.bool("OPENAPI_ENABLED", default=not (IS_PRODUCTION or IS_STAGING))
CORS_ALLOW_ORIGINS = env_list("CORS_ALLOW_ORIGINS")
CORS_ALLOW_METHODS = env_list("CORS_ALLOW_METHODS", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
CORS_ALLOW_HEADERS = env_list("CORS_ALLOW_HEADERS", ["Authorization", "Content-Type", "Accept", "Stripe-Signature"])

# --- Retention (§2.11) -----------------------------------------------------------------------------------
RETENTION_AUDIT_SECURITY_DAYS = env.int("RETENTION_AUDIT_SECURITY_DAYS", default=90)
RETENTION_AUDIT_BUSINESS_DAYS = env.int("RETENTION_AUDIT_BUSINESS_DAYS", default=3650)
RETENTION_AUDIT_IP_DAYS = env.int("RETENTION_AUDIT_IP_DAYS", default=90)
RETENTION_OUTBOX_DAYS = env.int("RETENTION_OUTBOX_DAYS", default=90)
RETENTION_WEBHOOK_PAYLOAD_DAYS = env.int("RETENTION_WEBHOOK_PAYLOAD_DAYS", default=90)
RETENTION_CONFIRMATION_PHONE_DAYS = env.int("RETENTION_CONFIRMATION_PHONE_DAYS", default=90)
RETENTION_LEAD_DAYS = env.int("RETENTION_LEAD_DAYS", default=365)
RETENTION_CLIENT_PII_DAYS = env.int("RETENTION_CLIENT_PII_DAYS", default=3650)

# --- AI (P2: accepted, no effect yet) (§2.12) ------------------------------------------------------------
ENABLE_AI_PRICING = env.bool("ENABLE_AI_PRICING", default=False)
ENABLE_AI_INTENT = env.bool("ENABLE_AI_INTENT", default=False)
ENABLE_AI_CONVERSATION_EXTRACT = env.bool("ENABLE_AI_CONVERSATION_EXTRACT", default=False)
ENABLE_AI_EMAIL_SENTIMENT = env.bool("ENABLE_AI_EMAIL_SENTIMENT", default=False)
ENABLE_AI_VISION = env.bool("ENABLE_AI_VISION", default=False)
ENABLE_AI_FINANCE_EXTRACT = env.bool("ENABLE_AI_FINANCE_EXTRACT", default=False)
ENABLE_AI_OVERRIDES = env.bool("ENABLE_AI_OVERRIDES", default=False)
AI_ALLOWED_PROVIDERS = env_list("AI_ALLOWED_PROVIDERS", ["groq", "claude", "openai", "mock"])
ANTHROPIC_API_KEY = env.str("ANTHROPIC_API_KEY", default="")
GROQ_API_KEY = env.str("GROQ_API_KEY", default="")
OPENAI_API_KEY = env.str("OPENAI_API_KEY", default="")

# Variables the old service read that mean nothing here; a startup warning names them (§2.13).
IGNORED_ENV_VARIABLES = [
    name
    for name in ("AUDIT_LOG_RETENTION_DAYS", "ENABLE_ROBOT_ADAPTER", "FINANCE_METRICS_RATE_LIMIT_PER_MIN", "SECRET_KEY")
    if name in env.ENVIRON
]

# --- Applications ----------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "vejapro.backoffice.apps.VejaProAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    # The foundation, then the apps, then what composes them (ARCHITECTURE.md).
    "vejapro.core",
    "projects",
    "payments",
    "messaging",
    "finance",
    "portals",
    "vejapro.ops",
]

# Outermost first. The security headers wrap everything so that the 404/429/5xx answers of the gates carry them;
# allow-lists run before rate limits (api.md §1.4); AdminCSPMiddleware sits inside the CSP middleware.
MIDDLEWARE = [
    "vejapro.core.http.request_id.RequestIdMiddleware",
    "vejapro.core.http.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app server itself (nginx in front is an optimisation, not a requirement).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vejapro.core.http.csp.OrderedCSPMiddleware",
    "vejapro.core.http.middleware.AdminCSPMiddleware",
    "vejapro.core.http.middleware.IPAllowListMiddleware",
    "vejapro.core.http.middleware.RateLimitMiddleware",
    "vejapro.core.http.middleware.ApiErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vejapro.core.http.locale.LithuanianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "vejapro.urls"
CSRF_FAILURE_VIEW = "vejapro.core.http.error_pages.csrf_failure"
WSGI_APPLICATION = "vejapro.wsgi.application"
ASGI_APPLICATION = "vejapro.asgi.application"
AUTH_USER_MODEL = "core.User"
# Local passwords (all users in local mode, only break-glass superusers with Supabase), then Supabase sign-in.
AUTHENTICATION_BACKENDS = [
    "vejapro.core.accounts.backends.LocalPasswordBackend",
    "vejapro.core.accounts.backends.SupabasePasswordBackend",
]
LOGIN_URL = "/admin/login/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portals.context_processors.portal_shell",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- Internationalisation: Lithuanian first --------------------------------------------------------------
LANGUAGE_CODE = "lt"
LANGUAGES = [("lt", _("Lithuanian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Vilnius"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Servers: next to the checkout (/srv/vejapro/static, served by nginx); development: ./staticfiles.
STATIC_ROOT = env.str(
    "STATIC_ROOT", default=str(BASE_DIR.parent / "static" if IS_PRODUCTION or IS_STAGING else BASE_DIR / "staticfiles")
)
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
# collectstatic writes each file under a content-hashed name with a gzip copy; WhiteNoise serves them
# with a year's caching. With DEBUG on, pages link the unhashed names and nothing needs collecting.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- HTTP security (§4) ----------------------------------------------------------------------------------
APPEND_SLASH = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
USE_X_FORWARDED_HOST = False
SECURE_SSL_REDIRECT = False
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
if IS_PRODUCTION or IS_STAGING:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Secure-sessionid"
    CSRF_COOKIE_NAME = "__Secure-csrftoken"
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = False

SILENCED_SYSTEM_CHECKS = ["security.W008", "security.W021", "django_ratelimit.W001"]
if not REDIS_URL and not IS_PRODUCTION:
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

# django-csp 4: the default policy is the strict one for JSON, CSV, PDF and TwiML (§4.1); page families
# replace it per view, the admin family through AdminCSPMiddleware (§4.2).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}

# django-ratelimit: the limits run in our middlewares and views (§7).
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True
RATELIMIT_ENABLE = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["vejapro.core.accounts.authentication.SupabaseJWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["vejapro.core.http.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "vejapro.core.http.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "vejapro.core.http.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "vejapro.core.http.openapi.ApiAutoSchema",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "VejaPRO API",
    "DESCRIPTION": "VejaPRO /api/v1: projektai, nuotraukos, mokėjimai, patvirtinimai ir administravimas.",
    "VERSION": "1",
    # 3.1: nullable fields are JSON Schema's ``type: [..., "null"]``, so tests validate bodies with jsonschema.
    "OAS_VERSION": "3.1.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["vejapro.core.http.openapi.only_api_paths"],
    # Self-hosted Swagger UI (drf-spectacular-sidecar): no CDN, nothing outside 'self' for the page's CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line per event: timestamp, level, logger, request id, message (security-ops.md §10.7).
    "filters": {
        "request_id": {"()": "vejapro.core.http.request_id.RequestIdFilter"},
        "hide_secrets": {"()": "vejapro.core.http.log_redaction.SecretRedactingFilter"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id", "hide_secrets"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.request": {"level": "ERROR"}},
}
