"""The one reader of ``client_info`` (data-model.md §2.1, security-ops.md §8.3): the client's name, e-mail and phone,
the owner's id and the client key derived from them, the masked contact and the keys the project screen edits.

Every service that writes ``client_info`` recomputes the derived fields in the same save through
``client_fields_from_info``.
"""

import copy
import uuid
from typing import Any

from django.db.models import Case, CharField, F, Func, Q, Value, When
from django.db.models.functions import Concat

from vejapro.core.redaction import mask_contact, normalize_phone, sha256_hex

OWNERSHIP_KEYS = ("client_id", "user_id", "id")
# ``client_name`` is the legacy alias of ``name``: read after it, erased with it.
NAME_KEYS = ("name", "client_name")
UNKNOWN_CLIENT_KEY = "unknown"

# The ``client_info`` keys the back office's project screen edits (ui.md §3.3).
EDITABLE_CLIENT_KEYS = ("name", "email", "phone", "address", "whatsapp_consent", "title")

KEY_CONFIDENCE_HIGH, KEY_CONFIDENCE_MEDIUM, KEY_CONFIDENCE_LOW = "HIGH", "MEDIUM", "LOW"


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
    for key in NAME_KEYS:
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


def client_locality(client_info: dict[str, Any] | None) -> str:
    """The place of the address («Vilnius» of «Gedimino pr. 1, Vilnius» or of «Vilnius, Pilaitė»): its first
    comma-separated part without a house number; ``""`` without an address."""
    value = (client_info or {}).get("address")
    if not isinstance(value, str):
        return ""
    parts = [part.strip() for part in value.split(",") if part.strip()]
    return next((part for part in parts if not any(char.isdigit() for char in part)), "")


def client_whatsapp_consent(client_info: dict[str, Any] | None) -> bool:
    """Only an explicit ``true`` is consent to the WhatsApp ping (messaging.md §2.3)."""
    return (client_info or {}).get("whatsapp_consent") is True


def client_editable_value(client_info: dict[str, Any] | None, key: str) -> Any:
    """The current value of one of ``EDITABLE_CLIENT_KEYS``, as the project screen shows and compares it: the
    name, e-mail, phone and WhatsApp consent through their readers above, the rest as stored."""
    if key == "name":
        return client_name(client_info) or None
    if key == "email":
        return client_email(client_info)
    if key == "phone":
        return client_phone(client_info)
    if key == "whatsapp_consent":
        return client_whatsapp_consent(client_info)
    return (client_info or {}).get(key)


def _contact_key(email: str | None, phone: str | None) -> str | None:
    """SHA-256 of ``email|phone`` (e-mail lower-cased, phone in E.164), of the one that exists; None without both."""
    email = email.lower() if email else None
    phone = normalize_phone(phone)
    if email and phone:
        return sha256_hex(f"{email}|{phone}")
    if email or phone:
        return sha256_hex(email or phone or "")
    return None


def client_key_from_info(client_info: dict[str, Any] | None) -> str:
    """The owner's UUID; else SHA-256 of ``email|phone``, of the one that exists; else ``unknown``."""
    user_id = client_user_id_from_info(client_info)
    if user_id:
        try:
            return str(uuid.UUID(user_id))
        except ValueError:
            pass
    return _contact_key(client_email(client_info), client_phone(client_info)) or UNKNOWN_CLIENT_KEY


def client_fields_from_info(client_info: dict[str, Any]) -> dict[str, Any]:
    return {
        "client_info": client_info,
        "client_user_id": client_user_id_from_info(client_info),
        "client_key": client_key_from_info(client_info),
    }


# --- The customer of a project (security-ops.md §8.3, api.md §15.2) ---
#
# A customer is every project sharing a client key. A project without any contact (stored key ``unknown``) is a
# customer of its own, ``unknown:<project id>``: projects without contacts are not one person. The back office,
# the API (work queue, mini-triage, dashboard, customers, profile) and the exports all name customers so.

UNKNOWN_CUSTOMER_PREFIX = f"{UNKNOWN_CLIENT_KEY}:"


def customer_key(*, project_id: Any, client_key: str | None) -> str:
    """The customer key of one project."""
    if not client_key or client_key == UNKNOWN_CLIENT_KEY:
        return f"{UNKNOWN_CUSTOMER_PREFIX}{project_id}"
    return client_key


def unknown_client_key_q() -> Q:
    """Projects whose stored client key says nobody."""
    return Q(client_key__isnull=True) | Q(client_key="") | Q(client_key=UNKNOWN_CLIENT_KEY)


class _UuidText(Func):
    """A UUID column as its hyphenated text on every database (``customer_key`` in Python writes it so); SQLite
    stores the 32 hex digits alone. Only for a column: the template repeats it."""

    template = "CAST(%(expressions)s AS text)"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        pieces = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
        template = " || '-' || ".join(f"substr(%(expressions)s, {start}, {length})" for start, length in pieces)
        return self.as_sql(compiler, connection, template=template, **extra_context)


def customer_key_expression() -> Case:
    """``customer_key`` in SQL, on any project queryset."""
    return Case(
        When(unknown_client_key_q(), then=Concat(Value(UNKNOWN_CUSTOMER_PREFIX), _UuidText("pk"))),
        default=F("client_key"),
        output_field=CharField(),
    )


def client_key_confidence(*, client_key: str | None, client_info: dict[str, Any] | None) -> str:
    """HIGH for a user id key, MEDIUM for a key of e-mail + phone, LOW for one of them or none (security-ops.md
    §8.3)."""
    key = client_key or UNKNOWN_CLIENT_KEY
    if key == UNKNOWN_CLIENT_KEY:
        return KEY_CONFIDENCE_LOW
    try:
        uuid.UUID(key)
    except ValueError:
        email, phone = client_email(client_info), client_phone(client_info)
        both = email and normalize_phone(phone) and key == _contact_key(email, phone)
        return KEY_CONFIDENCE_MEDIUM if both else KEY_CONFIDENCE_LOW
    return KEY_CONFIDENCE_HIGH


def client_contact_masked(client_info: dict[str, Any] | None) -> str:
    """``j***@g***.com / +370******67``, either part alone, or ``-`` (security-ops.md §8.3)."""
    return mask_contact(client_email(client_info), client_phone(client_info))


# --- Erasure (security-ops.md §9) ---

ANONYMIZED_NAME = "Anonimizuota"
# client_info keys holding PII (the name under both its keys).
PROJECT_PII_KEYS = (*NAME_KEYS, "email", "phone", "address")
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


def client_contact_search_q(text: str) -> Q:
    """Projects whose client name, e-mail or phone contains ``text`` (the back office's search boxes)."""
    return (
        Q(client_info__name__icontains=text)
        | Q(client_info__email__icontains=text)
        | Q(client_info__phone__icontains=text)
    )
