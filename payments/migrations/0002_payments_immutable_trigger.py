"""PostgreSQL only (data-model.md §8): payments are facts. DELETE is refused; an UPDATE may only void a SUCCEEDED
payment (status → VOIDED with voided_at, voided_by_id, void_reason), even for a raw UPDATE."""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION payments_immutable() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
        void_columns text[] := ARRAY['status', 'voided_at', 'voided_by_id', 'void_reason'];
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION USING
                MESSAGE = 'payments_immutable: payments are never deleted',
                ERRCODE = 'restrict_violation';
        END IF;
        IF to_jsonb(NEW) = to_jsonb(OLD) THEN
            RETURN NEW;
        END IF;
        IF OLD.status = 'SUCCEEDED' AND NEW.status = 'VOIDED'
           AND (to_jsonb(NEW) - void_columns) = (to_jsonb(OLD) - void_columns) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION USING
            MESSAGE = 'payments_immutable: only SUCCEEDED -> VOIDED with the void fields may change',
            ERRCODE = 'check_violation';
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS payments_immutable ON payments",
    """
    CREATE TRIGGER payments_immutable
    BEFORE UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION payments_immutable()
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS payments_immutable ON payments",
    "DROP FUNCTION IF EXISTS payments_immutable()",
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
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
