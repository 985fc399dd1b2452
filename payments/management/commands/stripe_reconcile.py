import re
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from payments.stripe.client import StripeApiError
from payments.stripe.services import stripe_reconcile


def _days(value: str) -> int:
    match = re.fullmatch(r"(\d+)d", value.strip())
    if not match or int(match.group(1)) < 1:
        raise CommandError("--since must look like 3d (a number of days)")
    return int(match.group(1))


class Command(BaseCommand):
    help = "Process recent payment_intent.succeeded events that are missing or unprocessed (api.md §13.1)."

    def add_arguments(self, parser):
        parser.add_argument("--since", default="3d", help="how far back to look, e.g. 3d")

    def handle(self, *args, since: str = "3d", **options):
        days = _days(since)
        if not settings.STRIPE_SECRET_KEY:
            raise CommandError("STRIPE_SECRET_KEY is not set")
        try:
            counts = stripe_reconcile(since=timezone.now() - timedelta(days=days))
        except StripeApiError as exc:
            raise CommandError(f"Stripe API error: {exc}") from exc
        self.stdout.write(
            f"seen={counts.seen} already={counts.already} processed={counts.processed} failed={counts.failed}"
        )
