"""Two identical transitions at the same moment: one change, one audit row (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection

from conftest import ApiClient
from payments.tests.factories import add_payment
from projects.models import Project
from projects.tests.factories import make_project
from vejapro.core.tests.audit import assert_audited

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(count: int, action) -> list:
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_concurrent_identical_transitions(admin_user, contractor_user):
    project = make_project("DRAFT", contractor=contractor_user)
    add_payment(project)
    users = [admin_user, contractor_user, admin_user, contractor_user]

    def move():
        user = users.pop()
        response = ApiClient(user).post_json(
            "/api/v1/transition-status", {"project_id": str(project.pk), "new_status": "PAID"}
        )
        return response.status_code, response.json()["status"]

    results = run_together(4, move)

    assert results == [(200, "PAID")] * 4
    assert Project.objects.get(pk=project.pk).status == "PAID"
    assert_audited("STATUS_CHANGE", entity_id=project.pk)
