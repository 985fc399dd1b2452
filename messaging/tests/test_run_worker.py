"""manage.py run_worker (messaging.md §3.3): flag-gated jobs, heartbeat, clean stop."""

import threading
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from messaging import worker as worker_module
from messaging.models import NotificationOutbox, OutboxStatus
from messaging.services import outbox_enqueue
from messaging.worker import HEARTBEAT_KEY, Job, Worker
from projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_heartbeat():
    cache.delete(HEARTBEAT_KEY)


def queue_sms():
    outbox_enqueue(
        entity_type="project",
        entity_id=make_project("CERTIFIED").pk,
        channel="sms",
        template_key="FINAL_PAYMENT_CONFIRMATION",
        payload={"to_number": "+37061234567", "code": "AB7KQ2XZ"},
    )


def run_worker_once() -> str:
    out = StringIO()
    call_command("run_worker", "--iterations", "1", stdout=out)
    return out.getvalue()


def test_the_worker_sends_the_outbox_and_writes_the_heartbeat(settings, sent_sms):
    settings.ENABLE_RECURRING_JOBS = True
    settings.ENABLE_NOTIFICATION_OUTBOX = True
    queue_sms()
    before = timezone.now()

    output = run_worker_once()

    assert "worker stopped after 1 loop(s)" in output
    assert NotificationOutbox.objects.get().status == OutboxStatus.SENT
    assert len(sent_sms) == 1
    assert cache.get(HEARTBEAT_KEY) >= before


def test_without_recurring_jobs_the_worker_only_beats(settings, sent_sms):
    settings.ENABLE_RECURRING_JOBS = False
    queue_sms()

    run_worker_once()

    assert NotificationOutbox.objects.get().status == OutboxStatus.PENDING
    assert sent_sms == []
    assert cache.get(HEARTBEAT_KEY) is not None


def test_with_the_outbox_off_the_worker_idles_but_beats(settings, sent_sms):
    settings.ENABLE_RECURRING_JOBS = True
    settings.ENABLE_NOTIFICATION_OUTBOX = False
    queue_sms()

    run_worker_once()

    assert NotificationOutbox.objects.get().status == OutboxStatus.PENDING
    assert cache.get(HEARTBEAT_KEY) is not None


def test_flags_are_read_again_on_every_loop(settings, sent_sms):
    settings.ENABLE_RECURRING_JOBS = False
    queue_sms()
    worker = Worker(tick_seconds=0)

    worker.run_once()
    assert sent_sms == []

    settings.ENABLE_RECURRING_JOBS = True
    worker.run_once()
    assert len(sent_sms) == 1


def test_a_job_runs_again_only_after_its_period():
    runs = []
    job = Job(name="count", run=lambda worker: runs.append(1), period=lambda: 3600, enabled=lambda: True)
    worker = Worker(jobs=[job], tick_seconds=0)

    worker.run_once()
    worker.run_once()

    assert runs == [1]


def test_a_failing_job_is_logged_and_the_loop_goes_on(monkeypatch, caplog):
    calls = []

    def explode(worker):
        calls.append(1)
        raise RuntimeError("boom")

    sleeps = []
    worker = Worker(jobs=[Job("boom", explode, lambda: 0, lambda: True)], tick_seconds=0)
    monkeypatch.setattr(worker._stop, "wait", lambda seconds: sleeps.append(seconds))

    assert worker.run(max_iterations=3) == 3

    assert len(calls) == 3
    assert [s for s in sleeps if s] == [10, 20, 40]
    assert "worker job failed" in caplog.text


def test_a_stop_request_ends_the_loop_after_the_current_iteration():
    started = threading.Event()

    def job(worker):
        started.set()

    worker = Worker(jobs=[Job("tick", job, lambda: 0, lambda: True)], tick_seconds=0.01)
    thread = threading.Thread(target=worker.run)
    thread.start()
    started.wait(5)

    worker.request_stop(15, None)  # what the SIGTERM handler receives
    thread.join(5)

    assert not thread.is_alive()


def test_the_dispatch_job_stops_between_rows_when_asked(settings, monkeypatch, sent_sms):
    settings.ENABLE_RECURRING_JOBS = True
    for code in ("AAAA2222", "BBBB3333"):
        outbox_enqueue(
            entity_type="project",
            entity_id=make_project("CERTIFIED").pk,
            channel="sms",
            template_key="FINAL_PAYMENT_CONFIRMATION",
            payload={"to_number": "+37061234567", "code": code},
        )
    worker = Worker(tick_seconds=0)
    original = worker_module.outbox_dispatch

    def dispatch_and_request_stop(**kwargs):
        should_stop = kwargs["should_stop"]
        calls = {"n": 0}

        def stop_after_first():
            calls["n"] += 1
            if calls["n"] > 1:
                worker.request_stop()
            return should_stop()

        return original(should_stop=stop_after_first)

    monkeypatch.setattr(worker_module, "outbox_dispatch", dispatch_and_request_stop)

    worker.run_once()

    assert len(sent_sms) == 1
    assert NotificationOutbox.objects.filter(status=OutboxStatus.PENDING).count() == 1
