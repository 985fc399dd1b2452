"""Test data for projects: projects in any status, evidence photos, estimate rules, images made on the fly.

Rows are written directly, as the services would leave them (setup, not behaviour). Payments live in
``payments.tests.factories``, confirmations and outbox rows in ``messaging.tests.factories``.
"""

import io

from django.utils import timezone
from PIL import Image

from messaging.tests.factories import add_confirmation
from payments.models import PaymentType
from payments.tests.factories import add_payment
from projects.client_keys import client_fields_from_info
from projects.models import CERTIFIED_STATUSES, EstimateRule, Evidence, EvidenceCategory, Project, ProjectStatus

CLIENT_INFO = {"name": "Jonas Jonaitis", "email": "jonas@gmail.com", "phone": "+37061234567"}
FULL_CHECKLIST = {"ground": True, "seed": True, "edges": True, "cleanliness": True}


def make_project(
    status: str = ProjectStatus.DRAFT,
    *,
    client=None,
    contractor=None,
    expert=None,
    client_info: dict | None = None,
    name: str | None = CLIENT_INFO["name"],
    email: str | None = CLIENT_INFO["email"],
    phone: str | None = CLIENT_INFO["phone"],
    **fields,
) -> Project:
    """A project in ``status`` (certified ones with ``is_certified`` and ``certified_at``).

    ``client_info`` is built from ``name``/``email``/``phone`` (empty ones left out) plus ``client_id`` of
    ``client``; pass ``client_info`` to give it whole. ``client_user_id`` and ``client_key`` are derived from it as
    every service derives them; a test that needs other values passes them. ``contractor``/``expert`` fill
    ``assigned_contractor``/``assigned_expert`` unless those are given.
    """
    if client_info is None:
        client_info = {key: value for key, value in {"name": name, "email": email, "phone": phone}.items() if value}
        if client is not None:
            client_info["client_id"] = str(client.pk)
    certified = status in CERTIFIED_STATUSES
    now = timezone.now()
    values = {
        **client_fields_from_info(client_info),
        "status": status,
        "is_certified": certified,
        "certified_at": now if certified else None,
        "status_changed_at": now,
        "assigned_contractor": contractor,
        "assigned_expert": expert,
    }
    values.update(fields)
    return Project.objects.create(**values)


def add_evidence(project: Project, category: str = EvidenceCategory.EXPERT_CERTIFICATION, **fields) -> Evidence:
    return Evidence.objects.create(
        project=project, category=category, **{"file_url": "/media/evidences/x.jpg", **fields}
    )


def add_photos(project: Project, count: int = 3, category: str = EvidenceCategory.EXPERT_CERTIFICATION) -> None:
    """``count`` photos of ``category``, each with its own file URL (the certification guard counts them)."""
    for index in range(count):
        add_evidence(project, category, file_url=f"/media/evidences/{project.pk}/{index}.jpg")


def add_estimate_rule(
    service: str = "lawn_installation",
    method: str = "seeding",
    *,
    label: str = "Sėjimas",
    price_per_m2: str = "3",
    minimum_price: str = "100",
    **fields,
) -> EstimateRule:
    return EstimateRule.objects.create(
        service=service, method=method, label=label, price_per_m2=price_per_m2, minimum_price=minimum_price, **fields
    )


def add_facts_for(project: Project, target: str) -> None:
    """Whatever the guard of ``target`` needs (workflow.md §4)."""
    if target == ProjectStatus.PAID:
        add_payment(project)
    if target == ProjectStatus.CERTIFIED:
        add_photos(project)
    if target == ProjectStatus.ACTIVE:
        add_payment(project, PaymentType.FINAL, "500.00")
        add_confirmation(project, channel="admin", status="CONFIRMED")


def image_bytes(fmt: str = "JPEG", size=(1600, 1200), color=(30, 160, 60), **save_options) -> bytes:
    buffer = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" else "RGB"
    fill = (*color, 255) if mode == "RGBA" else color
    Image.new(mode, size, fill).save(buffer, format=fmt, **save_options)
    return buffer.getvalue()
