"""The database rules of ``call_requests`` (data-model.md §4.3, §7.8, §8)."""

import pytest
from django.db import IntegrityError, connection, transaction

from messaging.models import CallRequest
from messaging.tests.factories import add_call_request


@pytest.mark.django_db
def test_one_lead_per_source_and_conversation():
    add_call_request(source="voice", conversation_ref="CA123")
    add_call_request(source="chat", conversation_ref="CA123")
    add_call_request(source="voice", conversation_ref=None)
    add_call_request(source="voice", conversation_ref=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        add_call_request(source="voice", conversation_ref="CA123")

    assert CallRequest.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("status", "OPEN"), ("source", "fax")])
def test_status_and_source_are_constrained(field, value):
    lead = add_call_request()

    with pytest.raises(IntegrityError), transaction.atomic():
        CallRequest.objects.filter(pk=lead.pk).update(**{field: value})


@pytest.mark.postgres
@pytest.mark.django_db
def test_intake_state_has_a_gin_index_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_call_requests_intake_state_gin'")
        [(definition,)] = cursor.fetchall()

    assert "USING gin (intake_state)" in definition
