"""``manage.py export_changes --since <ISO>``: the rollback aid's CSV on stdout (security-ops.md §12.4).

    manage.py export_changes --since 2026-03-02T07:00 > changes.csv

A time without an offset is Vilnius time (what the operator reads on the clock). The count goes to stderr so stdout
is only the CSV."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from vejapro.ops.change_export import change_export_lines


def _moment(text: str) -> datetime:
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(f"--since must be an ISO date or time (e.g. 2026-03-02T07:00+02:00), not {text!r}.")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "CSV of the business changes (payments, statuses, confirmations, leads, visits) since a moment."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="ISO date or time; without an offset, Vilnius time")

    def handle(self, *args, since: str, **options):
        moment = _moment(since)
        rows = -1  # the header is not a change
        for line in change_export_lines(since=moment):
            self.stdout.write(line, ending="")
            rows += 1
        self.stderr.write(f"{rows} changes since {moment.isoformat()}")
