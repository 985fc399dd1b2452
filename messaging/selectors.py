"""Messaging reads, including the confirmation fact the transition guard uses (workflow.md §5)."""

from messaging.models import ClientConfirmation, ConfirmationStatus


def client_confirmation_received(*, project_id) -> bool:
    return ClientConfirmation.objects.filter(project_id=project_id, status=ConfirmationStatus.CONFIRMED).exists()
