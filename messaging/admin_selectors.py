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


def outbox_retries_remaining(*, notification_ids: list) -> dict:
    """«Kartoti (N)» for many outbox rows in one query: 3 minus the retries of the last 24 h (api.md §10.2)."""
    from django.db.models import Count
    from django.utils import timezone

    from messaging.selectors import ADMIN_LIMIT_WINDOW, ADMIN_RETRY_LIMIT
    from vejapro.core.models import AuditLog

    used = dict(
        AuditLog.objects.filter(
            entity_type="notification_outbox",
            entity_id__in=notification_ids,
            action="ADMIN_NOTIFICATION_RETRY",
            timestamp__gt=timezone.now() - ADMIN_LIMIT_WINDOW,
        )
        .values_list("entity_id")
        .annotate(count=Count("pk"))
        .values_list("entity_id", "count")
    )
    return {key: max(0, ADMIN_RETRY_LIMIT - used.get(key, 0)) for key in notification_ids}


def confirmation_resends_remaining(*, project_id) -> dict[str, int]:
    """Resends left per channel for the project, in one query (api.md §9.4: 3 per channel per 24 h)."""
    from django.db.models import Count
    from django.utils import timezone

    from messaging.selectors import ADMIN_LIMIT_WINDOW, ADMIN_RESEND_LIMIT
    from vejapro.core.models import AuditLog

    actions = {"email": "ADMIN_CONFIRMATION_RESEND_EMAIL", "sms": "ADMIN_CONFIRMATION_RESEND_SMS"}
    used = dict(
        AuditLog.objects.filter(
            entity_type="project",
            entity_id=project_id,
            action__in=actions.values(),
            timestamp__gt=timezone.now() - ADMIN_LIMIT_WINDOW,
        )
        .values_list("action")
        .annotate(count=Count("pk"))
        .values_list("action", "count")
    )
    return {channel: max(0, ADMIN_RESEND_LIMIT - used.get(action, 0)) for channel, action in actions.items()}
