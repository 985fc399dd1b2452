import signal

from django.core.management.base import BaseCommand

from messaging.worker import Worker


class Command(BaseCommand):
    help = "Run the background worker: outbox dispatch and heartbeat (messaging.md §3.3). Stops cleanly on SIGTERM."

    def add_arguments(self, parser):
        parser.add_argument("--iterations", type=int, default=None, help="stop after this many loops (tests)")

    def handle(self, *args, iterations=None, **options):
        worker = Worker()
        signal.signal(signal.SIGTERM, worker.request_stop)
        signal.signal(signal.SIGINT, worker.request_stop)
        self.stdout.write("worker started")
        loops = worker.run(max_iterations=iterations)
        self.stdout.write(f"worker stopped after {loops} loop(s)")
