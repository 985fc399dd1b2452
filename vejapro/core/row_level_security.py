"""Row-level security on every application table, PostgreSQL only (security-ops.md §8.4, data-model.md §8).

On Supabase the tables live in the schema ``vejapro`` (chosen through ``search_path`` in ``DATABASE_URL``). RLS is
enabled on each of them with no policies: the Supabase API roles (``anon``, ``authenticated``) can read nothing, while
the role that owns the tables (the one Django connects as) bypasses RLS. Nothing here names a schema: the tables are
looked up in ``current_schema()``, so a database whose ``search_path`` is ``public`` works the same.

The migration ``core.0003_row_level_security`` enables it on the tables that exist at that point, and a
``post_migrate`` handler (``CoreConfig.ready``) does the same after every ``migrate``, so tables created later by the
other apps' migrations are covered too. Both are idempotent and do nothing on other database vendors.
"""

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

MIGRATIONS_TABLE = "django_migrations"


def application_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """The tables of the installed models (with their many-to-many tables) and ``django_migrations`` that exist."""
    introspection = connection.introspection
    existing = set(introspection.table_names(include_views=False))
    tables = set(introspection.django_table_names(only_existing=True, include_views=False))
    tables.add(MIGRATIONS_TABLE)
    return sorted(tables & existing)


def row_level_security_enable(connection: BaseDatabaseWrapper) -> list[str]:
    """``ENABLE ROW LEVEL SECURITY`` (no policies) on each application table of the current schema that does not
    have it yet; returns the tables changed. A no-op outside PostgreSQL."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
            "AND relkind IN ('r', 'p') AND NOT relrowsecurity"
        )
        without = {name for (name,) in cursor.fetchall()}
        changed = [table for table in application_tables(connection) if table in without]
        for table in changed:
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} ENABLE ROW LEVEL SECURITY")
    return changed


def row_level_security_after_migrate(*, using: str, **kwargs) -> None:
    """``post_migrate`` receiver: covers the tables the migrations of every app have just created."""

    row_level_security_enable(connections[using])
