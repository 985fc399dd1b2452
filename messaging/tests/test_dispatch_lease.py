"""The dispatch lease: no transaction or row lock is held while a message is sent (messaging.md §3.3)."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.core import mail as django_mail
from django.db import connection, transaction
from django.utils import timezone

from messaging.models import NotificationOutbox, OutboxStatus
from messaging.services import outbox, outbox_dispatch_one
from messaging.services.outbox import LEASE
from messaging.tests.factories import add_outbox
from messaging.transports import mail, sms
from vejapro.core.tests.audit import assert_audited, audit_rows

BASE_DIR = Path(__file__).resolve().parents[2]
SMS_PAYLOAD = {"to_number": "+37061234567", "body": "Labas"}
EMAIL_PAYLOAD = {"to": "jonas@gmail.com", "subject": "Labas", "body_text": "Labas, Jonai"}


@pytest.fixture
def clock(monkeypatch):
    """The dispatcher's clock, which a test moves forward past a lease instead of waiting."""
    offset = {"value": timedelta(0)}
    monkeypatch.setattr(outbox, "timezone", SimpleNamespace(now=lambda: timezone.now() + offset["value"]))
    return SimpleNamespace(advance=lambda delta: offset.update(value=offset["value"] + delta))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("channel", "adapter", "function", "payload"),
    [
        ("email", mail, "mail_send", EMAIL_PAYLOAD),
        ("sms", sms, "sms_send", SMS_PAYLOAD),
        ("whatsapp_ping", sms, "whatsapp_send", {"to": "+37061234567", "message": "Labas"}),
    ],
)
def test_no_transaction_is_open_while_the_transport_sends(settings, monkeypatch, channel, adapter, function, payload):
    settings.ENABLE_TWILIO = True
    settings.ENABLE_WHATSAPP_PING = True
    row = add_outbox(channel=channel, payload=payload)
    during_send = []

    def send(**kwargs):
        during_send.append(
            (connection.in_atomic_block, NotificationOutbox.objects.values_list("attempt_count", "status").get())
        )
        return "ID-1"

    monkeypatch.setattr(adapter, function, send)

    assert outbox_dispatch_one() == OutboxStatus.SENT

    assert during_send == [(False, (1, OutboxStatus.PENDING))]  # the claim was committed before the send
    row.refresh_from_db()
    assert (row.status, row.attempt_count, row.provider_message_id, row.lease_expires_at) == (
        OutboxStatus.SENT,
        1,
        "ID-1",
        None,
    )


@pytest.mark.django_db
def test_a_row_leased_by_a_worker_that_died_is_sent_by_the_next_dispatch(sent_sms):
    row = add_outbox(
        channel="sms", payload=SMS_PAYLOAD, attempt_count=1, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert outbox_dispatch_one() == OutboxStatus.SENT

    row.refresh_from_db()
    assert (row.status, row.attempt_count, row.lease_expires_at) == (OutboxStatus.SENT, 2, None)
    assert [message.body for message in sent_sms] == ["Labas"]


@pytest.mark.django_db
def test_a_worker_dying_mid_send_leaves_the_row_for_a_retry_after_the_lease(monkeypatch, clock, sent_sms):
    row = add_outbox(channel="sms", payload=SMS_PAYLOAD)
    real_send = sms.sms_send

    def die(**kwargs):
        raise KeyboardInterrupt  # what the worker sees of its own death: nothing after this line runs

    monkeypatch.setattr(sms, "sms_send", die)
    with pytest.raises(KeyboardInterrupt):
        outbox_dispatch_one()
    monkeypatch.setattr(sms, "sms_send", real_send)

    row.refresh_from_db()
    assert (row.status, row.attempt_count) == (OutboxStatus.PENDING, 1)
    assert row.lease_expires_at > timezone.now() + LEASE - timedelta(minutes=1)
    assert outbox_dispatch_one() is None
    assert sent_sms == []

    clock.advance(LEASE)

    assert outbox_dispatch_one() == OutboxStatus.SENT
    row.refresh_from_db()
    assert (row.status, row.attempt_count, row.lease_expires_at) == (OutboxStatus.SENT, 2, None)
    assert len(sent_sms) == 1


@pytest.mark.django_db
def test_a_row_whose_lease_is_still_valid_is_not_picked_up_by_a_second_dispatch(monkeypatch, clock):
    row = add_outbox(channel="sms", payload=SMS_PAYLOAD)
    second_dispatch = []

    def send(**kwargs):
        clock.advance(LEASE - timedelta(seconds=1))
        second_dispatch.append(outbox_dispatch_one())
        return "SM-1"

    monkeypatch.setattr(sms, "sms_send", send)

    assert outbox_dispatch_one() == OutboxStatus.SENT

    assert second_dispatch == [None]
    row.refresh_from_db()
    assert (row.status, row.attempt_count) == (OutboxStatus.SENT, 1)


@pytest.mark.django_db
def test_a_stale_outcome_after_the_row_was_claimed_again_is_dropped(settings, monkeypatch, clock):
    settings.NOTIFICATION_WORKER_MAX_ATTEMPTS = 1  # the first worker's late error would fail the row
    row = add_outbox(channel="sms", payload=SMS_PAYLOAD)
    sends, second_worker = [], []

    def send(**kwargs):
        sends.append(kwargs["body"])
        if len(sends) > 1:
            return "SM-second"
        clock.advance(LEASE + timedelta(seconds=1))  # the first worker stalls past its lease ...
        second_worker.append(outbox_dispatch_one())  # ... so the next dispatch claims and sends the row
        raise sms.SmsError("timeout")

    monkeypatch.setattr(sms, "sms_send", send)

    assert outbox_dispatch_one() == "lease_lost"

    assert second_worker == [OutboxStatus.SENT]
    assert sends == ["Labas", "Labas"]  # the documented duplicate of at-least-once delivery
    row.refresh_from_db()
    assert (row.status, row.attempt_count, row.provider_message_id, row.last_error, row.lease_expires_at) == (
        OutboxStatus.SENT,
        2,
        "SM-second",
        None,
        None,
    )
    assert_audited("NOTIFICATION_FAILED", count=0)


@pytest.mark.django_db
def test_a_failure_is_recorded_with_its_audit_row_and_frees_the_lease(settings, monkeypatch):
    settings.NOTIFICATION_WORKER_MAX_ATTEMPTS = 1
    monkeypatch.setattr(sms, "sms_send", lambda **kwargs: (_ for _ in ()).throw(sms.SmsError("timeout")))
    row = add_outbox(channel="sms", payload=SMS_PAYLOAD)

    assert outbox_dispatch_one() == OutboxStatus.FAILED

    row.refresh_from_db()
    assert (row.status, row.last_error, row.lease_expires_at) == (OutboxStatus.FAILED, "timeout", None)
    [audit] = audit_rows("NOTIFICATION_FAILED", entity_id=row.pk)
    assert audit.new_value["attempt_count"] == 1


# --- PostgreSQL: other sessions and other processes ----------------------------------------------------------


def in_other_session(work):
    """Run ``work`` on a second database connection (a thread of its own) and return its result."""
    result = {}

    def run():
        try:
            result["value"] = work()
        except Exception as exc:  # raised again in the test's own thread
            result["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    if "error" in result:
        raise result["error"]
    return result["value"]


def lock_without_waiting(pk):
    with transaction.atomic():
        return NotificationOutbox.objects.select_for_update(nowait=True).get(pk=pk).attempt_count


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks and a second session")
@pytest.mark.django_db(transaction=True)
def test_while_a_row_is_sent_other_workers_see_it_unlocked_but_leased(monkeypatch):
    row = add_outbox(channel="sms", payload=SMS_PAYLOAD)
    seen = []

    def send(**kwargs):
        seen.append(in_other_session(lambda: lock_without_waiting(row.pk)))
        seen.append(in_other_session(outbox_dispatch_one))
        return "SM-1"

    monkeypatch.setattr(sms, "sms_send", send)

    assert outbox_dispatch_one() == OutboxStatus.SENT

    assert seen == [1, None]  # no row lock held during the send, and the lease kept the second worker away


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process shares the test database")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_with_sigkill_mid_send_loses_no_message(clock, tmp_path):
    row = add_outbox(channel="email", payload=EMAIL_PAYLOAD)
    silent_smtp = socket.socket()  # accepts connections (the kernel's backlog) but never greets: the send hangs
    silent_smtp.bind(("127.0.0.1", 0))
    silent_smtp.listen(1)
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{quote(db['PASSWORD'] or '')}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "dispatch_outbox", "--once"],
            cwd=BASE_DIR,
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "DATABASE_URL": database_url,
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(silent_smtp.getsockname()[1]),
                "SMTP_USE_TLS": "false",
                "SMTP_FROM_EMAIL": "info@vejapro.lt",
            },
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60  # a cold start on a busy machine
        while not NotificationOutbox.objects.filter(pk=row.pk, lease_expires_at__isnull=False).exists():
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        assert lock_without_waiting(row.pk) == 1  # the claim is committed and the hanging send holds no lock
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        silent_smtp.close()

    assert outbox_dispatch_one() is None  # the dead worker's lease still runs
    clock.advance(LEASE)
    assert outbox_dispatch_one() == OutboxStatus.SENT

    row.refresh_from_db()
    assert (row.status, row.attempt_count, row.lease_expires_at) == (OutboxStatus.SENT, 2, None)
    [message] = django_mail.outbox
    assert message.to == ["jonas@gmail.com"]


class StallingSmtp:
    """An SMTP server on 127.0.0.1 that delivers the first ``deliver`` messages and then, from the next connection
    on, accepts but never greets: the worker's next send hangs, in the middle of its batch."""

    def __init__(self, deliver: int):
        from messaging.tests.smtp_sink import SmtpSink

        self.sink = SmtpSink().start()
        self.deliver = deliver
        self.connections = 0
        self.held: list[socket.socket] = []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            if self.connections > self.deliver:
                self.held.append(client)  # never greeted: the send hangs
                continue
            upstream = socket.create_connection(("127.0.0.1", self.sink.port))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def close(self):
        self.listener.close()
        for client in self.held:
            client.close()
        self.sink.stop()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process shares the test database")
@pytest.mark.django_db(transaction=True)
def test_run_worker_killed_with_sigkill_mid_batch_loses_no_message(clock, tmp_path):
    """Issue 14: ``manage.py run_worker`` (the production worker) killed with SIGKILL in the middle of a batch: the
    row it had sent stays sent, the row it was sending is sent again after its lease (the documented at-least-once
    duplicate is possible there, and only there), the rows it had not reached are sent; nothing is lost."""
    rows = [
        add_outbox(channel="email", payload={**EMAIL_PAYLOAD, "to": f"klientas{number}@gmail.com"})
        for number in range(4)
    ]
    smtp = StallingSmtp(deliver=1)
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}:{quote(db['PASSWORD'] or '')}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker"],
            cwd=BASE_DIR,
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "DATABASE_URL": database_url,
                "ENABLE_RECURRING_JOBS": "true",
                "ENABLE_NOTIFICATION_OUTBOX": "true",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(smtp.port),
                "SMTP_USE_TLS": "false",
                "SMTP_FROM_EMAIL": "info@vejapro.lt",
            },
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60  # a cold start on a busy machine
        while not (
            NotificationOutbox.objects.filter(status=OutboxStatus.SENT).count() == 1
            and NotificationOutbox.objects.filter(status=OutboxStatus.PENDING, lease_expires_at__isnull=False).exists()
        ):
            assert worker.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
        smtp.close()

    states = {row.pk: row for row in NotificationOutbox.objects.all()}
    sent_by_worker = [pk for pk, row in states.items() if row.status == OutboxStatus.SENT]
    in_flight = [pk for pk, row in states.items() if row.lease_expires_at is not None]
    untouched = [pk for pk, row in states.items() if row.attempt_count == 0]
    assert (len(sent_by_worker), len(in_flight), len(untouched)) == (1, 1, 2)  # killed mid-batch
    assert [message.recipients for message in smtp.sink.messages] == [[states[sent_by_worker[0]].payload_json["to"]]]

    assert outbox_dispatch_one() == OutboxStatus.SENT  # the untouched rows go at once
    assert outbox_dispatch_one() == OutboxStatus.SENT
    assert outbox_dispatch_one() is None  # the dead worker's lease still runs
    clock.advance(LEASE)
    assert outbox_dispatch_one() == OutboxStatus.SENT
    assert outbox_dispatch_one() is None

    assert set(NotificationOutbox.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    delivered = [address for message in smtp.sink.messages for address in message.recipients]
    delivered += [address for message in django_mail.outbox for address in message.to]
    assert sorted(delivered) == sorted(row.payload_json["to"] for row in rows)  # each once, none lost
    assert NotificationOutbox.objects.get(pk=in_flight[0]).attempt_count == 2
