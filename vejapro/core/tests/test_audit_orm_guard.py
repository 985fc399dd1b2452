"""Audit rows are never updated and never deleted through the ORM (workflow.md §13.1), on SQLite as on PostgreSQL;
only the retention purge has its two narrow doors."""

import pytest
from django.db import IntegrityError, transaction

from vejapro.core.actors import Actor
from vejapro.core.audit.services import audit_record
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def row() -> AuditLog:
    actor = Actor(actor_type="ADMIN", actor_id="a-1", ip_address="203.0.113.9", user_agent="Firefox")
    return audit_record(
        entity_type="system", entity_id=None, action="DEPLOY_WEBHOOK_EXECUTED", actor=actor, new_value={"a": 1}
    )


def stored(row: AuditLog) -> tuple:
    return AuditLog.objects.filter(pk=row.pk).values_list("action", "ip_address", "user_agent", "new_value").get()


UNCHANGED = ("DEPLOY_WEBHOOK_EXECUTED", "203.0.113.9", "Firefox", {"a": 1})


def test_saving_a_changed_row_is_refused(row):
    row.action = "OTHER"

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        row.save()

    assert stored(row) == UNCHANGED


def test_saving_a_row_loaded_from_the_database_is_refused(row):
    loaded = AuditLog.objects.get(pk=row.pk)

    with pytest.raises(IntegrityError, match="append-only"):
        loaded.save(update_fields=["ip_address"])


def test_deleting_a_row_is_refused(row):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        row.delete()

    assert stored(row) == UNCHANGED


@pytest.mark.parametrize("changes", [{"action": "OTHER"}, {"ip_address": None, "user_agent": None}])
def test_queryset_update_is_refused(row, changes):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).update(**changes)

    assert stored(row) == UNCHANGED


def test_bulk_update_is_refused(row):
    row.action = "OTHER"

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditLog.objects.bulk_update([row], ["action"])

    assert stored(row) == UNCHANGED


def test_queryset_delete_is_refused(row):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditLog.objects.all().delete()

    assert stored(row) == UNCHANGED


def test_creating_rows_still_works(row):
    AuditLog.objects.create(entity_type="system", entity_id=row.entity_id, action="SECOND", actor_type="SYSTEM")

    assert AuditLog.objects.count() == 2
