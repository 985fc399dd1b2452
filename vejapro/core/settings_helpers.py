"""Settings read at call time, so ``override_settings`` in tests takes effect (security-ops.md §1)."""

from typing import Any

from django.conf import settings


def setting(name: str, default: Any = None) -> Any:
    return getattr(settings, name, default)


def flag(name: str) -> bool:
    return bool(getattr(settings, name, False))


def is_production() -> bool:
    return str(getattr(settings, "ENVIRONMENT", "")).strip().lower() in {"production", "prod"}


def development_helpers_enabled() -> bool:
    """Shortcuts for a developer (placeholder photos, say): a debugging development machine only, which is what
    `make run` starts (``DJANGO_DEBUG=true``); staging and production never show them."""
    return bool(getattr(settings, "DEBUG", False)) and not is_production() and not is_staging()


def is_staging() -> bool:
    return str(getattr(settings, "ENVIRONMENT", "")).strip().lower() == "staging"


def jwt_secret() -> str:
    """The HS256 key: the configured secret, or outside production the development secret (local mode)."""
    secret = getattr(settings, "SUPABASE_JWT_SECRET", "")
    if secret:
        return secret
    if is_production():
        return ""
    return settings.DEVELOPMENT_JWT_SECRET


def local_mode() -> bool:
    """No Supabase configured: development, tests and CI (api.md §2.7)."""
    return not getattr(settings, "SUPABASE_URL", "")


def public_url(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + "/" + path.lstrip("/")
