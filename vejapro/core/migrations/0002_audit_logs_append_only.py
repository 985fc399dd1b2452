"""The audit log is append-only on PostgreSQL (data-model.md §8).

Every DELETE and UPDATE of ``audit_logs`` raises, unless the session setting ``vejapro.allow_audit_purge`` is
``on`` (set with ``SET LOCAL`` only by the retention purge, security-ops.md §9). With the setting on, DELETE is
allowed, and UPDATE only when it changes nothing but ``ip_address``/``user_agent`` to NULL.
"""

from django.db import migrations

from vejapro.core.migration_operations import PostgreSQLOnlyRunSQL

CREATE = r"""
CREATE OR REPLACE FUNCTION audit_logs_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('vejapro.allow_audit_purge', true), '') <> 'on' THEN
        RAISE EXCEPTION 'audit_logs is append-only (% refused)', TG_OP USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF (NEW.id, NEW.entity_type, NEW.entity_id, NEW.action, NEW.old_value, NEW.new_value, NEW.actor_type,
        NEW.actor_id, NEW.metadata, NEW."timestamp")
       IS DISTINCT FROM
       (OLD.id, OLD.entity_type, OLD.entity_id, OLD.action, OLD.old_value, OLD.new_value, OLD.actor_type,
        OLD.actor_id, OLD.metadata, OLD."timestamp")
       OR (NEW.ip_address IS NOT NULL AND NEW.ip_address IS DISTINCT FROM OLD.ip_address)
       OR (NEW.user_agent IS NOT NULL AND NEW.user_agent IS DISTINCT FROM OLD.user_agent) THEN
        RAISE EXCEPTION 'audit_logs purge may only clear ip_address and user_agent' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_logs_append_only
    BEFORE UPDATE OR DELETE ON audit_logs
    FOR EACH ROW EXECUTE FUNCTION audit_logs_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_logs_append_only ON audit_logs;
DROP FUNCTION IF EXISTS audit_logs_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        PostgreSQLOnlyRunSQL(CREATE, reverse_sql=DROP),
    ]
