"""Messaging reads for the back office screens."""

from messaging.models import ClientConfirmation, NotificationOutbox, OutboxStatus


def outbox_failed_count() -> int:
    return NotificationOutbox.objects.filter(status=OutboxStatus.FAILED).count()


def confirmations_for_projects(*, project_ids: list) -> list[ClientConfirmation]:
    return list(ClientConfirmation.objects.filter(project_id__in=project_ids).order_by("-created_at", "-id"))


def outbox_for_entities(*, entity_type: str, entity_ids: list) -> list[NotificationOutbox]:
    """Outbox rows of these entities, newest first; the payload column is never loaded."""
    return list(
        NotificationOutbox.objects.filter(entity_type=entity_type, entity_id__in=entity_ids)
        .defer("payload_json")
        .order_by("-created_at", "-id")
    )


def confirmation_requested_after(*, project_id, moment) -> bool:
    """Whether a client confirmation (e-mail or SMS) was created for the project at or after ``moment``."""
    return (
        ClientConfirmation.objects.filter(project_id=project_id, created_at__gte=moment)
        .exclude(channel="admin")
        .exists()
    )
