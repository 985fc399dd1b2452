"""Demo data for development and staging: fixed e-mails and ids, so a second run changes nothing."""

import uuid

from django.db import transaction

from vejapro.core.models import Role, User
from vejapro.core.settings_helpers import local_mode, public_url

DEMO_PASSWORD = "VejaPRO-demo-2026"  # noqa: S105 - printed for local sign-in on purpose

DEMO_USERS = (
    (uuid.UUID("00000000-0000-4000-8000-000000000001"), "admin@demo.vejapro.lt", Role.ADMIN, "Aistė Administratorė"),
    (uuid.UUID("00000000-0000-4000-8000-000000000002"), "klientas@demo.vejapro.lt", Role.CLIENT, "Jonas Jonaitis"),
    (
        uuid.UUID("00000000-0000-4000-8000-000000000003"),
        "rangovas@demo.vejapro.lt",
        Role.SUBCONTRACTOR,
        "Petras Rangovas",
    ),
    (uuid.UUID("00000000-0000-4000-8000-000000000004"), "ekspertas@demo.vejapro.lt", Role.EXPERT, "Ona Agronomė"),
    (uuid.UUID("00000000-0000-4000-8000-000000000005"), "kitas@demo.vejapro.lt", Role.CLIENT, "Kitas Klientas"),
)


@transaction.atomic
def demo_users_ensure() -> dict[str, User]:
    users = {}
    for user_id, email, role, full_name in DEMO_USERS:
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            user = User.objects.create_user(
                email, id=user_id, role=role, full_name=full_name, is_staff=role == Role.ADMIN
            )
        if local_mode() and not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users.setdefault(role, user)
    return users


def demo_data_load() -> list[str]:
    demo_users_ensure()
    lines = ["Demo data ready.", ""]
    if local_mode():
        lines.append(f"Password for every demo user: {DEMO_PASSWORD}")
        for _user_id, email, role, _name in DEMO_USERS:
            lines.append(f"  {role:<14} {email}")
        lines += ["", f"Back office: {public_url('/admin/')}"]
    return lines
