"""PostgreSQL trigger projects_status_forward_only (data-model.md §8): even a raw UPDATE cannot go backwards."""

import pytest
from django.db import IntegrityError, connection, transaction

from projects.models import Project
from projects.tests.factories import make_project

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.mark.parametrize(
    ("current", "target"),
    [("PAID", "DRAFT"), ("ACTIVE", "CERTIFIED"), ("DRAFT", "SCHEDULED"), ("SCHEDULED", "ACTIVE")],
)
def test_raw_update_out_of_order_is_rejected(current, target):
    project = make_project(current)
    certified = target in ("CERTIFIED", "ACTIVE")

    with pytest.raises(IntegrityError, match="projects_status_forward_only"), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(status=target, is_certified=certified)

    assert Project.objects.get(pk=project.pk).status == current


def test_raw_sql_is_rejected_too():
    project = make_project("PAID")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE projects SET status = 'DRAFT' WHERE id = %s", [project.pk])


def test_one_step_forward_and_other_columns_are_allowed():
    project = make_project("DRAFT")
    Project.objects.filter(pk=project.pk).update(status="PAID")
    Project.objects.filter(pk=project.pk).update(has_robot=True)
    project.refresh_from_db()
    assert (project.status, project.has_robot) == ("PAID", True)
