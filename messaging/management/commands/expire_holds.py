from django.core.management.base import BaseCommand

from messaging.services import appointment_holds_expire


class Command(BaseCommand):
    help = "Cancel the visits whose hold has expired and delete expired conversation locks (messaging.md §8.5)."

    def handle(self, *args, **options):
        expired = appointment_holds_expire()
        self.stdout.write(f"holds expired: {expired}")
