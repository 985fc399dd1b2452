from django.core.management.base import BaseCommand, CommandError

from messaging.services import outbox_dispatch
from vejapro.core.settings_helpers import flag


class Command(BaseCommand):
    help = "Send due outbox messages once, whatever ENABLE_RECURRING_JOBS says (security-ops.md §10.9)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one dispatch pass (the only mode)")

    def handle(self, *args, once=False, **options):
        if not once:
            raise CommandError("Use --once (the long-running loop is run_worker).")
        if not flag("ENABLE_NOTIFICATION_OUTBOX"):
            self.stdout.write("outbox disabled")
            return
        counts = outbox_dispatch()
        self.stdout.write(f"sent={counts.sent} retry={counts.retry} failed={counts.failed} skipped={counts.skipped}")
