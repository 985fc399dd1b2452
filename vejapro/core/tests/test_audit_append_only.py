"""The ``audit_logs_append_only`` trigger (data-model.md §8), PostgreSQL only."""

import pytest
from django.db import IntegrityError, connection, transaction

from vejapro.core.actors import Actor
from vejapro.core.models import AuditLog
from vejapro.core.services import audit_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def row() -> AuditLog:
    actor = Actor(actor_type="ADMIN", actor_id="a-1", ip_address="203.0.113.9", user_agent="Firefox")
    return audit_record(entity_type="system", entity_id=None, action="TEST_EVENT", actor=actor, new_value={"a": 1})


def allow_purge(value: str = "on") -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL vejapro.allow_audit_purge = %s", [value])


def update_with_setting(row: AuditLog, value: str = "on", **changes) -> None:
    with transaction.atomic():
        allow_purge(value)
        AuditLog.objects.filter(pk=row.pk).update(**changes)


def delete_with_setting(row: AuditLog, value: str = "on") -> None:
    with transaction.atomic():
        allow_purge(value)
        AuditLog.objects.filter(pk=row.pk).delete()


def stored(row: AuditLog) -> tuple:
    return AuditLog.objects.filter(pk=row.pk).values_list("action", "ip_address", "user_agent", "metadata").first()


def test_queryset_update_is_refused(row):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).update(action="OTHER")

    assert stored(row) == ("TEST_EVENT", "203.0.113.9", "Firefox", None)


def test_clearing_the_ip_is_refused_without_the_purge_setting(row):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).update(ip_address=None, user_agent=None)

    assert stored(row)[1:3] == ("203.0.113.9", "Firefox")


def test_raw_sql_delete_is_refused(row):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_logs WHERE id = %s", [row.pk])

    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_model_delete_is_refused(row):
    with pytest.raises(IntegrityError), transaction.atomic():
        row.delete()

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

    assert stored(row) == ("TEST_EVENT", None, None, None)


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

    assert stored(row) == ("TEST_EVENT", "203.0.113.9", "Firefox", None)


def test_the_setting_lasts_only_for_its_transaction(row):
    with transaction.atomic():
        allow_purge()

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).delete()
