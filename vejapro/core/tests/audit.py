"""Audit assertions for every app's tests: a service writes exactly one audit row per event (spec §7.13)."""

from typing import Any

from vejapro.core.models import AuditLog

_ANY: Any = object()


def audit_rows(action: str | None = None, **filters) -> list[AuditLog]:
    """The audit rows matching ``filters`` (and ``action``), oldest first."""
    rows = AuditLog.objects.filter(**filters)
    if action:
        rows = rows.filter(action=action)
    return list(rows.order_by("timestamp", "id"))


def audit_actions(**filters) -> list[str]:
    return [row.action for row in audit_rows(**filters)]


def assert_audited(
    action: str,
    *,
    count: int = 1,
    entity_id: Any = _ANY,
    entity_type: str | None = None,
    actor_type: str | None = None,
    actor_id: Any = _ANY,
    old_value: Any = _ANY,
    new_value: Any = _ANY,
    metadata: Any = _ANY,
    exact: bool = False,
) -> list[AuditLog]:
    """Exactly ``count`` rows of ``action`` (for ``entity_id`` when given) exist, and every one of them has the given
    ``entity_type``, ``actor_type`` and ``actor_id``. ``old_value``/``new_value``/``metadata`` dicts must be contained
    in the row's value (``exact=True``: equal to it; ``None`` always means the row's value is empty).
    Returns the rows, oldest first, for any further checks.
    """
    filters = {} if entity_id is _ANY else {"entity_id": entity_id}
    rows = audit_rows(action, **filters)
    assert len(rows) == count, f"{action}: expected {count} audit row(s), found {len(rows)}: {_describe(rows)}"
    for row in rows:
        if entity_type is not None:
            assert row.entity_type == entity_type, f"{action}: entity_type {row.entity_type!r} != {entity_type!r}"
        if actor_type is not None:
            assert row.actor_type == actor_type, f"{action}: actor_type {row.actor_type!r} != {actor_type!r}"
        if actor_id is not _ANY:
            assert row.actor_id == actor_id, f"{action}: actor_id {row.actor_id!r} != {actor_id!r}"
        for field, expected in (("old_value", old_value), ("new_value", new_value), ("metadata", metadata)):
            if expected is _ANY:
                continue
            actual = getattr(row, field)
            if exact or expected is None or not isinstance(expected, dict) or not isinstance(actual, dict):
                assert actual == expected, f"{action}: {field} {actual!r} != {expected!r}"
            else:
                subset = {key: actual.get(key, _ANY) for key in expected}
                assert subset == expected, f"{action}: {field} {actual!r} does not contain {expected!r}"
    return rows


def _describe(rows: list[AuditLog]) -> list[tuple]:
    return [(row.action, row.entity_type, str(row.entity_id), row.actor_type) for row in rows]
