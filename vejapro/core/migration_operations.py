"""Migration operations for PostgreSQL-only database objects (data-model.md §8, README §7.5).

Use ``PostgreSQLOnlyRunSQL`` for triggers, functions and other objects that exist only on PostgreSQL; on SQLite it
does nothing, so development databases migrate the same way. Services enforce the same rules in Python.
"""

from django.db import migrations


class PostgreSQLOnlyRunSQL(migrations.RunSQL):
    """``RunSQL`` that runs only when the connection's vendor is ``postgresql``."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"PostgreSQL only: {super().describe()}"


class PostgreSQLOnlyAddConstraint(migrations.AddConstraint):
    """``AddConstraint`` for a constraint only PostgreSQL has (an exclusion constraint): the model state knows it on
    every database, the schema gets it only on PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"PostgreSQL only: {super().describe()}"
