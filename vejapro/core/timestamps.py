"""API time output: ISO-8601 in UTC with the offset (``2026-03-01T08:00:00+00:00``, api.md §1.3)."""

from datetime import UTC, datetime


def utc_iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None
