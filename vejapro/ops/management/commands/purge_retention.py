"""``manage.py purge_retention [--commit]``: the retention rules of security-ops.md §9 (dry run by default).

While committing, a progress line per batch goes to stderr (a million audit rows take a while); the counts go to
stdout."""

from django.core.management.base import BaseCommand

from vejapro.ops.retention import retention_purge


class Command(BaseCommand):
    help = "Delete, clear and anonymise data past its retention period (dry run unless --commit)."

    def add_arguments(self, parser):
        parser.add_argument("--commit", action="store_true", help="apply the changes (default: only count them)")

    def handle(self, *args, commit: bool = False, **options):
        counts = retention_purge(commit=commit, progress=self._progress)
        if commit:
            self.stdout.write("Retention purge committed:")
        else:
            self.stdout.write("Dry run, nothing changed (use --commit to apply):")
        for category, count in counts.items():
            self.stdout.write(f"  {category}: {count}")

    def _progress(self, category: str, done: int) -> None:
        self.stderr.write(f"  {category}: {done} so far")
