"""The cost ledger is append-only on PostgreSQL (data-model.md §8, finance.md §1).

UPDATE always raises. DELETE raises unless the session setting ``vejapro.allow_audit_purge`` is ``on`` (set with
``SET LOCAL`` only by the retention purge, security-ops.md §9), as for ``audit_logs``. An INSERT whose
``reverses_entry_id`` points at a row that itself reverses something raises: a reversal is never reversed.
"""

from django.db import migrations

from vejapro.core.migration_operations import PostgreSQLOnlyRunSQL

CREATE = r"""
CREATE OR REPLACE FUNCTION finance_ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.reverses_entry_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM finance_ledger_entries
            WHERE id = NEW.reverses_entry_id AND reverses_entry_id IS NOT NULL
        ) THEN
            RAISE EXCEPTION 'a ledger reversal cannot be reversed' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND coalesce(current_setting('vejapro.allow_audit_purge', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'finance_ledger_entries is append-only (% refused)', TG_OP USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER finance_ledger_append_only
    BEFORE INSERT OR UPDATE OR DELETE ON finance_ledger_entries
    FOR EACH ROW EXECUTE FUNCTION finance_ledger_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS finance_ledger_append_only ON finance_ledger_entries;
DROP FUNCTION IF EXISTS finance_ledger_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("finance", "0002_ledger_entries"),
    ]

    operations = [
        PostgreSQLOnlyRunSQL(CREATE, reverse_sql=DROP),
    ]
