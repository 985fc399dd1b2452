"""The messaging facts of the transition guard and the attention flags (workflow.md §5): the client's confirmation
and a failed notification. A leaf module: it imports models only."""

from django.db.models import Exists, OuterRef, QuerySet

from messaging.models import ClientConfirmation, ConfirmationStatus, NotificationOutbox, OutboxStatus


def client_confirmation_received(*, project_id) -> bool:
    return ClientConfirmation.objects.filter(project_id=project_id, status=ConfirmationStatus.CONFIRMED).exists()


def client_confirmation_received_expression(project_ref: str = "pk") -> Exists:
    """``Exists`` form of the confirmation fact, for annotating project querysets (read models)."""
    return Exists(
        ClientConfirmation.objects.filter(project_id=OuterRef(project_ref), status=ConfirmationStatus.CONFIRMED)
    )


def client_confirmation_received_project_ids() -> QuerySet:
    """Ids of projects with the confirmation fact, for ``pk__in`` filters (see payments.selectors)."""
    return ClientConfirmation.objects.filter(status=ConfirmationStatus.CONFIRMED).values("project_id")


def outbox_failed_project_ids() -> QuerySet:
    """Ids of projects with a FAILED outbox row, for ``pk__in`` filters."""
    return NotificationOutbox.objects.filter(entity_type="project", status=OutboxStatus.FAILED).values("entity_id")


def outbox_failed_for_project_expression(project_ref: str = "pk") -> Exists:
    """Any FAILED outbox row about the project (the ``failed_outbox`` attention flag, api.md §6.6)."""
    return Exists(
        NotificationOutbox.objects.filter(
            entity_type="project", entity_id=OuterRef(project_ref), status=OutboxStatus.FAILED
        )
    )
