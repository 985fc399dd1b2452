"""Row-level security without policies on every application table, PostgreSQL only (security-ops.md §8.4).

Tables created later by other apps' migrations are covered by the ``post_migrate`` handler that runs the same
function (``vejapro.core.row_level_security``). No schema is named: ``search_path`` selects it.
"""

from django.db import migrations

from vejapro.core.row_level_security import row_level_security_enable


def enable(apps, schema_editor):
    row_level_security_enable(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_logs_append_only"),
    ]

    operations = [
        migrations.RunPython(enable, migrations.RunPython.noop, elidable=False),
    ]
