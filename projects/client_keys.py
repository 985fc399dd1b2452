"""Fields derived from ``client_info``: the owner's id and the client key (data-model.md §2.1, security-ops.md §8.3).

Every service that writes ``client_info`` recomputes both in the same save through ``client_fields_from_info``.
"""

import copy
import uuid
from typing import Any

from vejapro.core.redaction import mask_contact, normalize_phone, sha256_hex

OWNERSHIP_KEYS = ("client_id", "user_id", "id")
UNKNOWN_CLIENT_KEY = "unknown"


def client_user_id_from_info(client_info: dict[str, Any] | None) -> str | None:
    """The first non-empty of ``client_id``, ``user_id``, ``id``, as a string."""
    for key in OWNERSHIP_KEYS:
        value = (client_info or {}).get(key)
        if value is None or isinstance(value, dict | list | bool):
            continue
        text = str(value).strip()
        if text:
            return text[:128]
    return None


def client_name(client_info: dict[str, Any] | None) -> str:
    """``name``, or the legacy ``client_name``; ``""`` when neither is text."""
    for key in ("name", "client_name"):
        value = (client_info or {}).get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def client_email(client_info: dict[str, Any] | None) -> str | None:
    value = (client_info or {}).get("email")
    return value.strip() or None if isinstance(value, str) else None


def client_phone(client_info: dict[str, Any] | None) -> str | None:
    value = (client_info or {}).get("phone")
    return value.strip() or None if isinstance(value, str) else None


def client_key_from_info(client_info: dict[str, Any] | None) -> str:
    """The owner's UUID; else SHA-256 of ``email|phone``, of the one that exists; else ``unknown``."""
    user_id = client_user_id_from_info(client_info)
    if user_id:
        try:
            return str(uuid.UUID(user_id))
        except ValueError:
            pass
    email = client_email(client_info)
    phone = normalize_phone(client_phone(client_info))
    email = email.lower() if email else None
    if email and phone:
        return sha256_hex(f"{email}|{phone}")
    if email or phone:
        return sha256_hex(email or phone or "")
    return UNKNOWN_CLIENT_KEY


def client_fields_from_info(client_info: dict[str, Any]) -> dict[str, Any]:
    return {
        "client_info": client_info,
        "client_user_id": client_user_id_from_info(client_info),
        "client_key": client_key_from_info(client_info),
    }


def client_contact_masked(client_info: dict[str, Any] | None) -> str:
    """``j***@g***.com / +370******67``, either part alone, or ``-`` (security-ops.md §8.3)."""
    return mask_contact(client_email(client_info), client_phone(client_info))


# --- Erasure (security-ops.md §9) ---

ANONYMIZED_NAME = "Anonimizuota"
# client_info keys holding PII; ``client_name`` is the legacy alias of ``name``.
PROJECT_PII_KEYS = ("name", "client_name", "email", "phone", "address")
PROJECT_ESTIMATE_PII_KEYS = ("address", "phone", "notes")


def client_info_anonymized(client_info: dict) -> tuple[dict, list[str]]:
    """``client_info`` without its PII keys and named «Anonimizuota», and the keys that were removed."""
    info = copy.deepcopy(client_info) if isinstance(client_info, dict) else {}
    removed = []
    for key in PROJECT_PII_KEYS:
        if key in info and not (key == "name" and info[key] == ANONYMIZED_NAME):
            del info[key]
            removed.append(key)
    estimate = info.get("estimate")
    if isinstance(estimate, dict):
        for key in PROJECT_ESTIMATE_PII_KEYS:
            if key in estimate:
                del estimate[key]
                removed.append(f"estimate.{key}")
    info["name"] = ANONYMIZED_NAME
    return info, removed
