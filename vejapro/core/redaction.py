"""Write-time PII redaction of audit values (workflow.md §13.5) and masking for screens and logs (§8.3)."""

import hashlib
import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

REDACTED = "[REDACTED]"
FALLBACK_PII_FIELDS = ("phone", "email", "address", "ssn", "tax_id", "passport", "national_id", "id_number")
E164_RE = re.compile(r"^\+\d{8,15}$")


def redaction_fields() -> frozenset[str]:
    configured = [field.strip().lower() for field in settings.PII_REDACTION_FIELDS if field.strip()]
    return frozenset(configured or FALLBACK_PII_FIELDS)


def redact(value: Any, fields: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {key: REDACTED if str(key).lower() in fields else redact(item, fields) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item, fields) for item in value]
    return value


def to_json_value(value: Any) -> Any:
    """Datetimes as ISO-8601, money as numbers, UUIDs as strings, recursively."""
    if isinstance(value, dict):
        return {str(key): to_json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [to_json_value(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def normalize_phone(phone: str | None) -> str | None:
    """E.164 or None: spaces, dashes, dots and brackets removed; 00 → +; Lithuanian 86…/6… → +3706…."""
    if not phone:
        return None
    cleaned = re.sub(r"[\s\-.()]", "", str(phone))
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    elif re.fullmatch(r"86\d{7}", cleaned):
        cleaned = "+370" + cleaned[1:]
    elif re.fullmatch(r"6\d{7}", cleaned):
        cleaned = "+370" + cleaned
    return cleaned if E164_RE.match(cleaned) else None


def mask_email(email: str | None) -> str:
    if not email or "@" not in email:
        return "***"
    local, _, domain = email.strip().partition("@")
    labels = domain.split(".")
    if not local or len(labels) < 2 or not all(labels):
        return "***"
    return f"{local[0]}***@{domain[0]}***.{labels[-1]}"


def mask_phone(phone: str | None) -> str:
    normalized = normalize_phone(phone) or re.sub(r"[\s\-.()]", "", phone or "")
    if len(normalized) < 7:
        return "***"
    return normalized[:4] + "*" * (len(normalized) - 6) + normalized[-2:]


def mask_contact(email: str | None, phone: str | None) -> str:
    parts = [mask_email(email) if email else None, mask_phone(phone) if phone else None]
    parts = [part for part in parts if part]
    return " / ".join(parts) if parts else "-"


def mask_phone_for_log(phone: str | None) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return "***" + digits[-3:] if digits else "***"


def mask_email_for_log(email: str | None) -> str:
    if not email or "@" not in email:
        return "***"
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


LOG_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LOG_PHONE_RE = re.compile(r"(?:whatsapp:)?\+?\d[\d\s().-]{6,}\d")


def mask_contacts_in_text(text: str) -> str:
    """Free text (a provider error, an exception message) with its e-mail addresses and phone numbers masked as
    in the logs (security-ops.md §8.2)."""
    masked = LOG_EMAIL_RE.sub(lambda match: mask_email_for_log(match.group()), text)
    return LOG_PHONE_RE.sub(lambda match: mask_phone_for_log(match.group()), masked)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
