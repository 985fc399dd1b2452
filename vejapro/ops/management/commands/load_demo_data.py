from django.core.management.base import BaseCommand, CommandError

from vejapro.core.settings_helpers import is_production
from vejapro.ops.demo import demo_data_load


class Command(BaseCommand):
    help = "Loads demo users and projects (development and staging only). Safe to run again."

    def handle(self, *args, **options):
        if is_production():
            raise CommandError("load_demo_data refuses to run in production.")
        report = demo_data_load()
        for line in report:
            self.stdout.write(line)
