"""Who may enter the back office (ui.md §3.1)."""

from vejapro.core.models import Role


def is_back_office_user(user) -> bool:
    """Only the ADMIN role (kept as ``is_staff``) and break-glass superusers enter the back office. A superuser is
    an ADMIN too (``createsuperuser``): one whose role was later changed has no more access than that role, and
    the services would take their actions as that role's."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "role", None) == Role.ADMIN
        and (user.is_staff or user.is_superuser)
    )
