"""outbox_enqueue (messaging.md §3.2): rendered at enqueue, insert-or-ignore on the dedupe key, caller's transaction."""

import hashlib
import json

import pytest
from django.db import transaction

from messaging.message_templates import MessageTemplateError
from messaging.models import NotificationOutbox, OutboxStatus
from messaging.services import outbox_enqueue
from projects.tests.factories import make_project

pytestmark = pytest.mark.django_db


def _enqueue(project, code="AB7KQ2XZ"):
    return outbox_enqueue(
        entity_type="project",
        entity_id=project.pk,
        channel="sms",
        template_key="FINAL_PAYMENT_CONFIRMATION",
        payload={"to_number": "+37061234567", "code": code},
    )


def test_a_new_row_is_pending_with_the_rendered_payload_and_the_spec_dedupe_key():
    project = make_project("CERTIFIED")

    assert _enqueue(project) is True

    row = NotificationOutbox.objects.get()
    assert row.status == OutboxStatus.PENDING
    assert row.attempt_count == 0
    assert row.next_attempt_at is not None
    assert (row.entity_type, row.entity_id, row.channel, row.template_key) == (
        "project",
        project.pk,
        "sms",
        "FINAL_PAYMENT_CONFIRMATION",
    )
    expected_payload = {
        "to_number": "+37061234567",
        "body": "VejaPRO patvirtinimo kodas: AB7KQ2XZ. Atsakykite: TAIP AB7KQ2XZ",
    }
    assert row.payload_json == expected_payload
    canonical = json.dumps(
        {
            "channel": "sms",
            "template_key": "FINAL_PAYMENT_CONFIRMATION",
            "entity_type": "project",
            "entity_id": str(project.pk),
            "payload": expected_payload,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    h16 = hashlib.sha256(canonical.encode()).hexdigest()[:16]
    assert row.dedupe_key == f"sms:FINAL_PAYMENT_CONFIRMATION:project:{project.pk}:{h16}"


def test_an_identical_message_is_ignored_and_reported_as_not_inserted():
    project = make_project("CERTIFIED")

    assert _enqueue(project) is True
    assert _enqueue(project) is False

    assert NotificationOutbox.objects.count() == 1


def test_a_fresh_code_is_a_new_message():
    project = make_project("CERTIFIED")

    assert _enqueue(project, "AAAA2222") is True
    assert _enqueue(project, "BBBB3333") is True

    assert NotificationOutbox.objects.count() == 2


def test_a_duplicate_does_not_break_the_callers_transaction():
    project = make_project("CERTIFIED")
    _enqueue(project)

    with transaction.atomic():
        assert _enqueue(project) is False
        project.refresh_from_db()  # the transaction is still usable

    assert NotificationOutbox.objects.count() == 1


def test_the_message_exists_only_if_the_business_change_commits():
    project = make_project("CERTIFIED")

    def business_change():
        with transaction.atomic():
            _enqueue(project)
            raise RuntimeError("business change failed")

    with pytest.raises(RuntimeError):
        business_change()

    assert NotificationOutbox.objects.count() == 0


def test_enqueueing_works_with_the_outbox_switched_off(settings):
    settings.ENABLE_NOTIFICATION_OUTBOX = False

    assert _enqueue(make_project("CERTIFIED")) is True


def test_a_missing_context_field_raises_and_writes_nothing():
    project = make_project("CERTIFIED")

    with pytest.raises(MessageTemplateError):
        outbox_enqueue(
            entity_type="project",
            entity_id=project.pk,
            channel="sms",
            template_key="FINAL_PAYMENT_CONFIRMATION",
            payload={"to_number": "+37061234567"},
        )

    assert NotificationOutbox.objects.count() == 0
