"""Opaque keyset cursors: URL-safe base64 (with padding) of a text key (api.md §1.6)."""

import base64
import binascii
import uuid
from datetime import UTC, datetime

from vejapro.core.http.errors import BadRequest

INVALID_CURSOR_TEXT = "Neteisingas žymeklis"


def encode_cursor(*parts: object) -> str:
    text = "|".join(part.isoformat() if isinstance(part, datetime) else str(part) for part in parts)
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_cursor(cursor: str, *, error_text: str = INVALID_CURSOR_TEXT) -> list[str]:
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadRequest(error_text) from None


def decode_time_id_cursor(cursor: str, *, error_text: str = INVALID_CURSOR_TEXT) -> tuple[datetime, uuid.UUID]:
    """The common ``<datetime ISO>|<uuid>`` key of the list endpoints."""
    parts = decode_cursor(cursor, error_text=error_text)
    if len(parts) != 2:
        raise BadRequest(error_text)
    try:
        moment = cursor_datetime(parts[0])
        key = uuid.UUID(parts[1])
    except ValueError:
        raise BadRequest(error_text) from None
    return moment, key


def cursor_datetime(text: str) -> datetime:
    """An aware ISO-8601 datetime of a cursor, in UTC. ValueError when it has no offset or leaves the datetime range
    in UTC (``9999-12-31T23:59:59-23:59``): the database would fail on it, so it is a bad cursor, not a 500."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(text)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(text) from None


def page(rows: list, limit: int, cursor_of) -> dict:
    """``rows`` holds up to ``limit + 1`` items read in keyset order."""
    has_more = len(rows) > limit
    items = rows[:limit]
    return {
        "items": items,
        "next_cursor": cursor_of(items[-1]) if has_more and items else None,
        "has_more": has_more,
    }
