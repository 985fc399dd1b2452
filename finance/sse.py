"""The metrics stream (finance.md §8): Server-Sent Events of aggregate metrics, capped across all workers.

A shared cache counter holds the open streams; a stream takes a slot when accepted and gives it back when it ends,
whichever way it ends: the server's time limit, the client going away (the WSGI server closes the response, which
closes the stream) or a response that is never iterated. The counter's TTL (``SSE_MAX_STREAM_SECONDS + 60``,
refreshed on each accept) frees slots a crashed worker could not give back.
"""

import json
import time

from django.core.cache import cache
from django.http import StreamingHttpResponse

from finance.selectors import finance_metrics_snapshot
from vejapro.core.http.errors import ApiError
from vejapro.core.settings_helpers import setting

SLOTS_KEY = "finance:metrics:sse-slots"
TOO_MANY_STREAMS_TEXT = "Per daug aktyvių SSE jungčių"
EVENT_INTERVAL_SECONDS = 5
RETRY_MILLISECONDS = 5000

# Patched by tests so that a stream's ticks run without waiting (no timed assertions).
sleep = time.sleep
monotonic = time.monotonic


def _slots_ttl() -> int:
    return int(setting("SSE_MAX_STREAM_SECONDS", 300)) + 60


def sse_slot_acquire() -> bool:
    """Take a slot when fewer than ``FINANCE_METRICS_MAX_SSE_CONNECTIONS`` streams are open."""
    ttl = _slots_ttl()
    cache.add(SLOTS_KEY, 0, ttl)
    try:
        count = cache.incr(SLOTS_KEY)
    except ValueError:  # the key expired between add and incr
        cache.add(SLOTS_KEY, 0, ttl)
        count = cache.incr(SLOTS_KEY)
    cache.touch(SLOTS_KEY, ttl)
    if count > int(setting("FINANCE_METRICS_MAX_SSE_CONNECTIONS", 10)):
        sse_slot_release()
        return False
    return True


def sse_slot_release() -> None:
    try:
        if cache.decr(SLOTS_KEY) < 0:
            # The counter expired and restarted while this stream was open: never go below zero.
            cache.set(SLOTS_KEY, 0, _slots_ttl())
    except ValueError:  # expired: nothing to give back
        pass


def sse_open_streams() -> int:
    return int(cache.get(SLOTS_KEY) or 0)


def _event(payload: dict) -> str:
    return "data: " + json.dumps(payload, separators=(",", ":"), ensure_ascii=False) + "\n\n"


class MetricsStream:
    """The body of one stream: ``retry``, an event now, then one every 5 s until the time limit. ``close`` (called
    by the WSGI server when the client disconnects or the body ends) gives the slot back exactly once."""

    def __init__(self, *, max_seconds: int):
        self.max_seconds = max_seconds
        self._released = False
        self._events = self._generate()

    def _generate(self):
        yield f"retry: {RETRY_MILLISECONDS}\n\n"
        deadline = monotonic() + self.max_seconds
        while True:
            yield _event(finance_metrics_snapshot())
            if monotonic() + EVENT_INTERVAL_SECONDS > deadline:
                return
            sleep(EVENT_INTERVAL_SECONDS)

    def __iter__(self):
        return self

    def __next__(self) -> str:
        try:
            return next(self._events)
        except StopIteration:
            self.close()
            raise

    def close(self) -> None:
        self._events.close()
        if not self._released:
            self._released = True
            sse_slot_release()


def metrics_stream_response() -> StreamingHttpResponse:
    """The stream for an allowed caller, or 429 ``Per daug aktyvių SSE jungčių`` over the cap."""
    if not sse_slot_acquire():
        raise ApiError(429, TOO_MANY_STREAMS_TEXT)
    stream = MetricsStream(max_seconds=int(setting("SSE_MAX_STREAM_SECONDS", 300)))
    response = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
