"""PostgreSQL only (data-model.md §8): statuses move exactly one step forward, even for a raw UPDATE."""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION projects_status_rank(value text) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE value
            WHEN 'DRAFT' THEN 1
            WHEN 'PAID' THEN 2
            WHEN 'SCHEDULED' THEN 3
            WHEN 'PENDING_EXPERT' THEN 4
            WHEN 'CERTIFIED' THEN 5
            WHEN 'ACTIVE' THEN 6
        END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION projects_status_forward_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.status IS DISTINCT FROM OLD.status
           AND projects_status_rank(NEW.status) IS DISTINCT FROM projects_status_rank(OLD.status) + 1 THEN
            RAISE EXCEPTION USING
                MESSAGE = 'projects_status_forward_only: ' || OLD.status || ' -> ' || COALESCE(NEW.status, 'NULL'),
                ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS projects_status_forward_only ON projects",
    """
    CREATE TRIGGER projects_status_forward_only
    BEFORE UPDATE ON projects
    FOR EACH ROW EXECUTE FUNCTION projects_status_forward_only()
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS projects_status_forward_only ON projects",
    "DROP FUNCTION IF EXISTS projects_status_forward_only()",
    "DROP FUNCTION IF EXISTS projects_status_rank(text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
