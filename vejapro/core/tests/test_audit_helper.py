"""``assert_audited`` fails on every kind of difference, so a test that uses it can fail."""

import uuid

import pytest

from vejapro.core.models import AuditLog
from vejapro.core.tests.audit import assert_audited

pytestmark = pytest.mark.django_db

ENTITY = uuid.UUID(int=7)


@pytest.fixture
def row() -> AuditLog:
    return AuditLog.objects.create(
        entity_type="project",
        entity_id=ENTITY,
        action="STATUS_CHANGE",
        actor_type="ADMIN",
        actor_id="a-1",
        old_value={"status": "DRAFT"},
        new_value={"status": "PAID", "extra": 1},
        metadata=None,
    )


def test_the_matching_rows_are_returned(row):
    assert assert_audited(
        "STATUS_CHANGE",
        entity_type="project",
        entity_id=ENTITY,
        actor_type="ADMIN",
        actor_id="a-1",
        old_value={"status": "DRAFT"},
        new_value={"status": "PAID"},
        metadata=None,
    ) == [row]
    assert assert_audited("NOTE", count=0) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"count": 2},
        {"count": 0},
        {"entity_id": uuid.UUID(int=8)},
        {"entity_type": "payment"},
        {"actor_type": "EXPERT"},
        {"actor_id": "a-2"},
        {"old_value": None},
        {"new_value": {"status": "DRAFT"}},
        {"new_value": {"missing": None}},
        {"new_value": {"status": "PAID"}, "exact": True},
        {"metadata": {}},
    ],
)
def test_any_difference_fails(row, kwargs):
    with pytest.raises(AssertionError):
        assert_audited("STATUS_CHANGE", **kwargs)
