"""Two ``dispatch_outbox --once`` runs at once on PostgreSQL never send the same row twice (messaging.md §3.3)."""

import re
import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from messaging.models import NotificationOutbox, OutboxStatus
from messaging.tests.factories import add_outbox
from messaging.transports import sms

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs SELECT ... FOR UPDATE SKIP LOCKED"),
    pytest.mark.django_db(transaction=True),
]

ROWS = 20


def test_two_workers_share_the_queue_without_sending_a_row_twice(settings, monkeypatch):
    settings.ENABLE_NOTIFICATION_OUTBOX = True
    settings.NOTIFICATION_WORKER_BATCH_SIZE = ROWS
    for index in range(ROWS):
        add_outbox(
            channel="sms", payload={"to_number": "+37061234567", "body": f"message {index}"}, dedupe_key=f"test:{index}"
        )
    real_send = sms.sms_send

    def slow_send(**kwargs):
        time.sleep(0.01)  # widen the window in which both workers hold a claimed row
        return real_send(**kwargs)

    monkeypatch.setattr(sms, "sms_send", slow_send)
    barrier = threading.Barrier(2)
    totals = []

    def worker():
        try:
            barrier.wait()
            out = StringIO()
            call_command("dispatch_outbox", "--once", stdout=out)
            totals.append(int(re.search(r"sent=(\d+)", out.getvalue()).group(1)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    bodies = [message.body for message in sms.sent_messages]
    assert sorted(bodies) == sorted(f"message {index}" for index in range(ROWS))
    assert sum(totals) == ROWS
    assert all(total > 0 for total in totals)  # both workers took part
    assert NotificationOutbox.objects.filter(status=OutboxStatus.SENT, attempt_count=1).count() == ROWS
