"""A break-glass superuser keeps ``is_superuser`` only with the ADMIN role (issue 14 §7): a token sync or a back-office
edit that takes the role away clears the flag in the same audited update, and the database refuses a superuser of
another role (``users_superuser_is_admin``)."""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from vejapro.core.accounts.services import user_sync_from_token, user_update
from vejapro.core.actors import Actor
from vejapro.core.models import AuditLog, Role, User


@pytest.fixture
def breakglass(db) -> User:
    return User.objects.create_superuser("breakglass@vejapro.test", password="Slaptas-123")


def user_audits(user: User) -> list[AuditLog]:
    return list(AuditLog.objects.filter(entity_id=user.pk, action="USER_UPDATED").order_by("timestamp"))


def test_a_token_that_demotes_a_superuser_also_clears_the_superuser_flag(breakglass):
    user = user_sync_from_token(sub=str(breakglass.pk), email=breakglass.email, role=Role.CLIENT)

    user.refresh_from_db()
    assert (user.role, user.is_staff, user.is_superuser) == (Role.CLIENT, False, False)
    [audit] = user_audits(user)
    assert audit.old_value == {"role": "ADMIN", "is_active": True, "is_superuser": True}
    assert audit.new_value == {"role": "CLIENT", "is_active": True, "is_superuser": False}
    assert audit.metadata == {"source": "login"}


def test_a_token_with_the_admin_role_keeps_the_superuser(breakglass):
    user = user_sync_from_token(sub=str(breakglass.pk), email=breakglass.email, role=Role.ADMIN)

    user.refresh_from_db()
    assert (user.role, user.is_staff, user.is_superuser) == (Role.ADMIN, True, True)
    assert user_audits(user) == []


def test_a_back_office_role_change_clears_the_superuser_flag(breakglass, admin_user):
    user, changed = user_update(
        user=breakglass,
        actor=Actor.for_user(admin_user),
        role=Role.EXPERT,
        full_name="",
        phone=None,
        is_active=True,
    )

    assert changed
    user.refresh_from_db()
    assert (user.role, user.is_staff, user.is_superuser) == (Role.EXPERT, False, False)
    [audit] = user_audits(user)
    assert audit.old_value["is_superuser"] is True
    assert audit.new_value == {"role": "EXPERT", "is_active": True, "is_superuser": False}


@pytest.mark.parametrize("role", [Role.CLIENT, Role.SUBCONTRACTOR, Role.EXPERT])
def test_the_database_refuses_a_superuser_of_another_role(breakglass, role):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=breakglass.pk).update(role=role, is_staff=False)

    breakglass.refresh_from_db()
    assert (breakglass.role, breakglass.is_superuser) == (Role.ADMIN, True)


@pytest.mark.django_db(transaction=True)
def test_the_migration_clears_existing_superusers_without_the_admin_role():
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0003_row_level_security")])
    try:
        demoted, kept = uuid.uuid4(), uuid.uuid4()
        with connection.cursor() as cursor:
            for pk, email, role, staff in (
                (demoted, "d@vejapro.test", "CLIENT", False),
                (kept, "k@vejapro.test", "ADMIN", True),
            ):
                cursor.execute(
                    "INSERT INTO users (id, email, password, role, is_active, is_staff, is_superuser, full_name,"
                    " created_at, updated_at) VALUES (%s, %s, '', %s, true, %s, true, '', %s, %s)",
                    [pk.hex if connection.vendor == "sqlite" else pk, email, role, staff, "2026-01-01", "2026-01-01"],
                )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert User.objects.get(pk=demoted).is_superuser is False
    assert User.objects.get(pk=kept).is_superuser is True
    [audit] = AuditLog.objects.filter(action="USER_UPDATED", entity_id=demoted)
    assert (audit.actor_type, audit.metadata) == ("SYSTEM", {"source": "migration"})
    assert audit.new_value == {"role": "CLIENT", "is_active": True, "is_superuser": False}
