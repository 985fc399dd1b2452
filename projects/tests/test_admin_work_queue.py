"""The dashboard work queue (ui.md §3.2): customers grouped and ordered in the database, 20 at most."""

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.tests.factories import add_outbox
from payments.tests.factories import add_payment
from projects.admin.selectors import project_attention_count, work_queue
from projects.models import Project
from projects.selectors import MISSING_DEPOSIT, PENDING_CONFIRMATION, URGENCY_HIGH, URGENCY_MEDIUM
from projects.tests.factories import make_project


def _age(project, minutes: int) -> None:
    Project.objects.filter(pk=project.pk).update(updated_at=timezone.now() - timedelta(minutes=minutes))


@pytest.mark.django_db
def test_customers_are_grouped_ranked_and_ordered():
    waiting = make_project(name="Aušra", email="ausra@example.com", phone=None, status="CERTIFIED")
    add_payment(waiting, payment_type="FINAL")
    same_customer = make_project(name="Aušra", email="ausra@example.com", phone=None)
    failing = make_project(name="Benas", email="benas@example.com", phone=None, status="SCHEDULED")
    add_outbox(failing, status="FAILED")
    old_low = make_project(name="Cezaris", email="cezaris@example.com", phone=None, status="PAID")
    first_alone = make_project(name="Be kontaktų", email=None, phone=None)
    second_alone = make_project(name="Be kontaktų", email=None, phone=None)
    make_project(name="Aktyvus", email="aktyvus@example.com", phone=None, status="ACTIVE")
    for project, minutes in ((waiting, 5), (same_customer, 1), (failing, 50), (old_low, 90)):
        _age(project, minutes)
    _age(first_alone, 30)
    _age(second_alone, 20)

    queue = work_queue(limit=20)

    assert [customer.display_name for customer in queue] == [
        "Aušra",
        "Benas",
        "Cezaris",
        "Be kontaktų",
        "Be kontaktų",
    ]
    ausra = queue[0]
    assert ausra.urgency == URGENCY_HIGH
    assert ausra.project_count == 2
    assert ausra.flags == [PENDING_CONFIRMATION, MISSING_DEPOSIT]
    assert ausra.action_row.project == waiting
    assert queue[1].urgency == URGENCY_MEDIUM
    assert [customer.latest.project for customer in queue[3:]] == [first_alone, second_alone]
    assert [customer.client_key.split(":")[0] for customer in queue[3:]] == ["unknown", "unknown"]
    assert project_attention_count() == 6


@pytest.mark.django_db
def test_queue_is_capped_and_the_count_sees_every_customer():
    for number in range(25):
        project = make_project(
            name=f"Klientas {number}", email=f"k{number}@example.com", phone=None, status="CERTIFIED"
        )
        add_payment(project, payment_type="FINAL")
        _age(project, number)

    queue = work_queue(limit=20)

    assert len(queue) == 20
    assert queue[0].display_name == "Klientas 24"  # the oldest activity first
    assert project_attention_count() == 25
