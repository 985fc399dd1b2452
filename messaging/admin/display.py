"""Labels of the notification screens (ui.md §2.6)."""

from django.utils.translation import gettext_lazy as _

from messaging.models import OutboxStatus


def outbox_status_label(status: str) -> str:
    """Outbox states as the back office names them (ui.md §2.6): a queued row is «Eilėje»."""
    if status == OutboxStatus.PENDING:
        return _("Queued")
    return OutboxStatus(status).label if status in OutboxStatus.values else status
