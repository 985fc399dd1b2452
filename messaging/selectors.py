"""Messaging reads, including the confirmation fact the transition guard uses (workflow.md §5)."""

from django.db.models import Exists, OuterRef

from messaging.models import ClientConfirmation, ConfirmationStatus, NotificationOutbox, OutboxStatus


def client_confirmation_received(*, project_id) -> bool:
    return ClientConfirmation.objects.filter(project_id=project_id, status=ConfirmationStatus.CONFIRMED).exists()


def client_confirmation_received_expression(project_ref: str = "pk") -> Exists:
    """``Exists`` form of the confirmation fact, for annotating project querysets (read models)."""
    return Exists(
        ClientConfirmation.objects.filter(project_id=OuterRef(project_ref), status=ConfirmationStatus.CONFIRMED)
    )


def outbox_failed_for_project_expression(project_ref: str = "pk") -> Exists:
    """Any FAILED outbox row about the project (the ``failed_outbox`` attention flag, api.md §6.6)."""
    return Exists(
        NotificationOutbox.objects.filter(
            entity_type="project", entity_id=OuterRef(project_ref), status=OutboxStatus.FAILED
        )
    )
