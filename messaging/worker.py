"""The long-running worker behind ``manage.py run_worker`` (messaging.md §3.3)."""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import caches
from django.db import close_old_connections, connection
from django.utils import timezone

from messaging.services import appointment_holds_expire
from messaging.services.outbox import outbox_dispatch, worker_interval_seconds
from vejapro.core.settings_helpers import flag

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "worker:heartbeat"
# The cache alias every process shares (settings.CACHES): Redis, or a directory on a development machine.
HEARTBEAT_CACHE = "worker"
HEARTBEAT_TIMEOUT_SECONDS = 24 * 3600
TICK_SECONDS = 5
ERROR_SLEEP_START = 10
ERROR_SLEEP_MAX = 60


@dataclass
class Job:
    name: str
    run: Callable[["Worker"], object]
    period: Callable[[], int]
    enabled: Callable[[], bool]
    last_run: float | None = None


def _dispatch_job(worker: "Worker") -> object:
    counts = outbox_dispatch(should_stop=worker.stopping)
    if counts.total:
        logger.info(
            "outbox dispatch: sent=%s retry=%s failed=%s skipped=%s",
            counts.sent,
            counts.retry,
            counts.failed,
            counts.skipped,
        )
    return counts


def _expire_holds_job(worker: "Worker") -> int:
    expired = appointment_holds_expire()
    if expired:
        logger.info("holds expired: %s", expired)
    return expired


def default_jobs() -> list[Job]:
    """The worker's recurring jobs, each behind its flags: the outbox dispatch (messaging.md §3.3) and the hold
    expiry (§8.5), which e-mail offers need too, so it does not wait for ENABLE_SCHEDULE_ENGINE."""
    return [
        Job(
            name="outbox_dispatch",
            run=_dispatch_job,
            period=worker_interval_seconds,
            enabled=lambda: flag("ENABLE_RECURRING_JOBS") and flag("ENABLE_NOTIFICATION_OUTBOX"),
        ),
        Job(
            name="expire_holds",
            run=_expire_holds_job,
            period=worker_interval_seconds,
            enabled=lambda: flag("ENABLE_RECURRING_JOBS"),
        ),
    ]


def worker_heartbeat_write() -> None:
    """The dashboard shows the worker as running while this key is fresh (ui.md §3.2)."""
    caches[HEARTBEAT_CACHE].set(HEARTBEAT_KEY, timezone.now(), timeout=HEARTBEAT_TIMEOUT_SECONDS)


@dataclass
class Worker:
    jobs: list[Job] = field(default_factory=default_jobs)
    tick_seconds: float = TICK_SECONDS
    _stop: threading.Event = field(default_factory=threading.Event)

    def request_stop(self, *_signal_args) -> None:
        """SIGTERM/SIGINT handler: the current row finishes, then the loop exits."""
        self._stop.set()

    def stopping(self) -> bool:
        return self._stop.is_set()

    def run_once(self) -> None:
        """One loop iteration: every enabled job whose period has passed, then the heartbeat."""
        now = time.monotonic()
        for job in self.jobs:
            if self.stopping():
                break
            if not job.enabled():
                continue
            if job.last_run is not None and now - job.last_run < job.period():
                continue
            job.last_run = now
            job.run(self)
        worker_heartbeat_write()

    def run(self, *, max_iterations: int | None = None) -> int:
        iterations = 0
        error_sleep = ERROR_SLEEP_START
        while not self.stopping():
            if not connection.in_atomic_block:  # a long-running process drops stale connections; tests do not
                close_old_connections()
            try:
                self.run_once()
            except Exception:
                logger.exception("worker job failed; sleeping %s s", error_sleep)
                self._stop.wait(error_sleep)
                error_sleep = min(error_sleep * 2, ERROR_SLEEP_MAX)
            else:
                error_sleep = ERROR_SLEEP_START
            iterations += 1
            if max_iterations is not None and iterations >= max_iterations:
                break
            self._stop.wait(self.tick_seconds)
        return iterations
