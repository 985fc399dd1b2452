"""Fixtures for the project tests: projects in any status, photos, images made on the fly."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image

from projects.models import CERTIFIED_STATUSES, Evidence, EvidenceCategory, Project, ProjectStatus
from vejapro.core.models import AuditLog


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture
def make_project(client_user, contractor_user, expert_user):
    """A project owned by ``client_user`` with the contractor and the expert assigned (override with kwargs)."""

    def make(status: str = ProjectStatus.DRAFT, **fields) -> Project:
        certified = status in CERTIFIED_STATUSES
        defaults = {
            "client_info": {"client_id": str(client_user.pk), "name": "Jonas Klientas", "email": client_user.email},
            "client_user_id": str(client_user.pk),
            "status": status,
            "assigned_contractor": contractor_user,
            "assigned_expert": expert_user,
            "is_certified": certified,
            "certified_at": timezone.now() - timedelta(days=1) if certified else None,
            "area_m2": "120.50",
        }
        defaults.update(fields)
        return Project.objects.create(**defaults)

    return make


@pytest.fixture
def add_photo():
    def add(project: Project, category: str = EvidenceCategory.EXPERT_CERTIFICATION, **fields) -> Evidence:
        defaults = {"file_url": "/media/evidences/x.jpg", "category": category}
        defaults.update(fields)
        return Evidence.objects.create(project=project, **defaults)

    return add


def audit_rows(action: str, **filters):
    return list(AuditLog.objects.filter(action=action, **filters).order_by("timestamp"))


def image_bytes(fmt: str = "JPEG", size=(1600, 1200), color=(30, 160, 60), **save_options) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    fill = (*color, 255) if mode == "RGBA" else color
    Image.new(mode, size, fill).save(buffer, format=fmt, **save_options)
    return buffer.getvalue()
