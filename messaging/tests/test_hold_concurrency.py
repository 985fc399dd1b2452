"""Concurrent holds of one slot on PostgreSQL: exactly one wins, the others answer 409 «Laikas užimtas» (messaging.md
§8.4, data-model.md §4.4); the exclusion constraint rejects an overlap that bypasses the service."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from messaging.models import Appointment, AppointmentStatus
from messaging.services import appointment_hold
from messaging.tests.factories import add_appointment, add_call_request
from vejapro.core.actors import Actor
from vejapro.core.http.errors import ApiError
from vejapro.core.models import User

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]

CALLERS = 6


def run_together(calls) -> list:
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except ApiError as exc:
            results[index] = (exc.status, exc.detail)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_concurrent_holds_of_one_slot_let_exactly_one_win():
    resource = User.objects.create_user("darbuotojas@vejapro.lt", role="SUBCONTRACTOR")
    leads = [add_call_request(f"Skambintojas {number}", source="voice") for number in range(CALLERS)]
    start = timezone.now() + timedelta(days=1)

    def hold(number: int):
        def call():
            return appointment_hold(
                actor=Actor.system("SYSTEM_TWILIO"),
                resource=resource,
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                channel="VOICE",
                conversation_id=f"CA{number}",
                hold_minutes=3,
                call_request=leads[number],
            )

        return call

    results = run_together([hold(number) for number in range(CALLERS)])

    winners = [result for result in results if isinstance(result, Appointment)]
    assert len(winners) == 1
    assert sorted(result for result in results if not isinstance(result, Appointment)) == [(409, "Laikas užimtas")] * (
        CALLERS - 1
    )
    assert Appointment.objects.filter(status=AppointmentStatus.HELD).count() == 1


def test_the_exclusion_constraint_rejects_an_overlap_that_bypasses_the_service():
    lead = add_call_request()
    first = add_appointment(call_request=lead, status="HELD")

    with pytest.raises(IntegrityError, match="no_overlap_per_resource"), transaction.atomic():
        add_appointment(
            call_request=lead,
            status="HELD",
            resource=first.resource,
            starts_at=first.starts_at + timedelta(minutes=30),
        )

    add_appointment(call_request=lead, status="CANCELLED", resource=first.resource, starts_at=first.starts_at)
    assert Appointment.objects.count() == 2
