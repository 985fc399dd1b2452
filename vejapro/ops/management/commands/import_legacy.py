"""``manage.py import_legacy --source <LEGACY_DATABASE_URL> [--commit]``: the go-live import (data-model.md §9).

Without ``--commit`` it writes nothing in any environment, production included: the runbook runs the dry run on the
production server first (security-ops.md §12.2 step 5) and reads its report before committing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from vejapro.ops.legacy_import import LegacyImportReport, legacy_import


class Command(BaseCommand):
    help = "Import the legacy database (dry run unless --commit; a second run imports nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", help="the legacy database URL (postgres://…); default: the LEGACY_DATABASE_URL setting"
        )
        parser.add_argument("--commit", action="store_true", help="write the rows (default: report only)")

    def handle(self, *args, source: str | None = None, commit: bool = False, **options):
        source = source or settings.LEGACY_DATABASE_URL
        if not source:
            raise CommandError("Give --source or set LEGACY_DATABASE_URL.")
        if not source.startswith(("postgres://", "postgresql://")):
            raise CommandError("--source must be a PostgreSQL URL (postgres://…).")
        report = legacy_import(source_url=source, commit=commit, progress=self._progress)
        self._print(report)

    def _progress(self, table: str, done: int, total: int) -> None:
        self.stdout.write(f"  {table}: {done}/{total}")

    def _print(self, report: LegacyImportReport) -> None:
        if report.committed:
            self.stdout.write("Legacy import committed:")
        else:
            self.stdout.write("Dry run, nothing written (use --commit to import):")
        for table, counts in report.tables.items():
            self.stdout.write(
                f"  {table}: {counts.source} in source, {counts.imported} imported, "
                f"{counts.already_present} already present, {counts.skipped} skipped"
            )
        for table, (rows, reason) in report.not_copied.items():
            self.stdout.write(f"  {table}: {rows} in source, {reason}")
        self.stdout.write(f"Skipped rows: {len(report.skipped_rows)}")
        for line in report.skipped_rows:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"Repaired rows: {len(report.notes)}")
        for line in report.notes:
            self.stdout.write(f"  {line}")
