"""Fixtures for the project tests; the rows themselves come from ``projects.tests.factories``."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from projects.models import CERTIFIED_STATUSES, Project, ProjectStatus
from projects.tests.factories import make_project


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture
def make_owned_project(client_user, contractor_user, expert_user):
    """``make_project`` for a project owned by ``client_user`` with the contractor and the expert assigned, 120.50 m²,
    certified a day ago when certified (override with kwargs)."""

    def make(status: str = ProjectStatus.DRAFT, **fields) -> Project:
        fields.setdefault("certified_at", timezone.now() - timedelta(days=1) if status in CERTIFIED_STATUSES else None)
        fields.setdefault("area_m2", "120.50")
        return make_project(
            status,
            client=client_user,
            contractor=contractor_user,
            expert=expert_user,
            name="Jonas Klientas",
            email=client_user.email,
            phone=None,
            **fields,
        )

    return make
