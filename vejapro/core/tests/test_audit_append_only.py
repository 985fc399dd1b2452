"""The ``audit_logs_append_only`` trigger (data-model.md §8), PostgreSQL only.

The ORM refuses updates and deletes of audit rows before they reach the database (``test_audit_orm_guard``), so these
tests go around it with plain SQL, as a bypass would."""

import json

import pytest
from django.db import IntegrityError, connection, transaction

from vejapro.core.actors import Actor
from vejapro.core.audit.services import audit_record_standalone
from vejapro.core.models import AuditLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def row() -> AuditLog:
    actor = Actor(actor_type="ADMIN", actor_id="a-1", ip_address="203.0.113.9", user_agent="Firefox")
    return audit_record_standalone(
        entity_type="system", entity_id=None, action="DEPLOY_WEBHOOK_EXECUTED", actor=actor, new_value={"a": 1}
    )


def allow_purge(value: str = "on") -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL vejapro.allow_audit_purge = %s", [value])


JSON_COLUMNS = {"old_value", "new_value", "metadata"}


def sql_update(row: AuditLog, **changes) -> None:
    """``UPDATE audit_logs SET …`` in plain SQL, around the ORM guard."""
    assignments, params = [], []
    for column, value in changes.items():
        if column in JSON_COLUMNS and value is not None:
            assignments.append(f'"{column}" = %s::jsonb')
            params.append(json.dumps(value))
        else:
            assignments.append(f'"{column}" = %s')
            params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE audit_logs SET {', '.join(assignments)} WHERE id = %s", [*params, row.pk])  # noqa: S608


def sql_delete(row: AuditLog) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_logs WHERE id = %s", [row.pk])


def update_with_setting(row: AuditLog, value: str = "on", **changes) -> None:
    with transaction.atomic():
        allow_purge(value)
        sql_update(row, **changes)


def delete_with_setting(row: AuditLog, value: str = "on") -> None:
    with transaction.atomic():
        allow_purge(value)
        sql_delete(row)


def stored(row: AuditLog) -> tuple:
    return AuditLog.objects.filter(pk=row.pk).values_list("action", "ip_address", "user_agent", "metadata").first()


def test_sql_update_is_refused(row):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        sql_update(row, action="OTHER")

    assert stored(row) == ("DEPLOY_WEBHOOK_EXECUTED", "203.0.113.9", "Firefox", None)


def test_clearing_the_ip_is_refused_without_the_purge_setting(row):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        sql_update(row, ip_address=None, user_agent=None)

    assert stored(row)[1:3] == ("203.0.113.9", "Firefox")


def test_raw_sql_delete_is_refused(row):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        sql_delete(row)

    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_delete_of_every_row_is_refused(row):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_logs")

    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_setting_off_is_still_refused(row):
    with pytest.raises(IntegrityError):
        delete_with_setting(row, "off")

    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_purge_setting_allows_delete(row):
    delete_with_setting(row)

    assert not AuditLog.objects.filter(pk=row.pk).exists()


def test_purge_setting_allows_clearing_ip_and_user_agent(row):
    update_with_setting(row, ip_address=None, user_agent=None)

    assert stored(row) == ("DEPLOY_WEBHOOK_EXECUTED", None, None, None)


def test_purge_setting_allows_clearing_only_one_of_them(row):
    update_with_setting(row, user_agent=None)

    assert stored(row)[1:3] == ("203.0.113.9", None)


@pytest.mark.parametrize(
    "changes",
    [
        {"ip_address": "198.51.100.1"},
        {"user_agent": "Other"},
        {"ip_address": None, "action": "OTHER"},
        {"metadata": {"x": 1}},
        {"new_value": None},
        {"actor_id": None},
    ],
)
def test_purge_setting_allows_nothing_else(row, changes):
    with pytest.raises(IntegrityError, match="only clear"):
        update_with_setting(row, **changes)

    assert stored(row) == ("DEPLOY_WEBHOOK_EXECUTED", "203.0.113.9", "Firefox", None)


def test_the_setting_lasts_only_for_its_transaction(row):
    with transaction.atomic():
        allow_purge()

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        sql_delete(row)


# --- TRUNCATE (issue 14 §10) ---------------------------------------------------------------------------------------


def truncate(sql: str = "TRUNCATE audit_logs") -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.parametrize(
    "sql", ["TRUNCATE audit_logs", "TRUNCATE TABLE audit_logs RESTART IDENTITY CASCADE", "TRUNCATE ONLY audit_logs"]
)
def test_truncate_is_refused(row, sql):
    with pytest.raises(IntegrityError, match="TRUNCATE refused"):
        truncate(sql)

    assert AuditLog.objects.filter(pk=row.pk).exists()


def truncate_as_the_purge() -> None:
    with transaction.atomic():
        allow_purge("on")
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE audit_logs")


def test_truncate_is_refused_even_with_the_purge_setting(row):
    with pytest.raises(IntegrityError, match="TRUNCATE refused"):
        truncate_as_the_purge()

    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_truncating_several_tables_with_audit_logs_among_them_is_refused(row):
    with pytest.raises(IntegrityError, match="TRUNCATE refused"):
        truncate("TRUNCATE token_redemptions, audit_logs")

    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_the_trigger_is_armed_after_the_test_flush():
    """The flush between transactional tests passes the trigger in its own transaction and re-enables it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_logs_no_truncate'"
            " AND tgrelid = 'audit_logs'::regclass"
        )
        assert cursor.fetchall() == [("O",)]
