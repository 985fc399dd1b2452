"""``TRUNCATE audit_logs`` is refused on PostgreSQL (issue 14 §10).

The row triggers of 0002 cannot see a TRUNCATE, which empties the table without deleting rows one by one. A
statement trigger refuses it whatever the session settings say: the retention purge deletes row by row (0002) and
never needs TRUNCATE. (The test suite's flush between transactional tests disables this trigger inside its own
transaction, see the root ``conftest.py``.)
"""

from django.db import migrations

from vejapro.core.migration_operations import PostgreSQLOnlyRunSQL

CREATE = r"""
CREATE OR REPLACE FUNCTION audit_logs_no_truncate() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_logs is append-only (TRUNCATE refused)' USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_logs_no_truncate
    BEFORE TRUNCATE ON audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION audit_logs_no_truncate();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_logs_no_truncate ON audit_logs;
DROP FUNCTION IF EXISTS audit_logs_no_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_users_superuser_is_admin"),
    ]

    operations = [
        PostgreSQLOnlyRunSQL(CREATE, reverse_sql=DROP),
    ]
