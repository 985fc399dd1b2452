"""Buttons of the notification and confirmation screens (ui.md §3.8) and the rows the project screen shows."""

from django.urls import NoReverseMatch, reverse


def _retry_url(outbox_id) -> str | None:
    try:
        return reverse("admin:messaging_notificationoutbox_retry", args=[outbox_id])
    except NoReverseMatch:
        return None


def notification_rows(notifications: list) -> list[dict]:
    """Outbox rows with their «Kartoti» button (FAILED rows only)."""
    from django.utils.translation import gettext as _

    from messaging.admin import outbox_status_label

    rows = []
    for item in notifications:
        retry_url = _retry_url(item.pk) if item.status == "FAILED" else None
        rows.append(
            {
                "obj": item,
                "status_label": outbox_status_label(item.status),
                "retry_url": retry_url,
                "retry_label": _("Retry"),
            }
        )
    return rows
