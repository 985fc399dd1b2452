"""System writes: the deploy request of the deploy webhook."""

from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import ApiError
from vejapro.core.models import NIL_UUID


def deploy_request(*, actor: Actor) -> None:
    """Ask for an update without waiting (api.md §16.2): write the time into ``DEPLOY_TRIGGER_FILE``; the
    ``vejapro-update.path`` unit then starts the update service (security-ops.md §10.5)."""
    path = Path(settings.DEPLOY_TRIGGER_FILE)
    try:
        path.write_text(timezone.now().isoformat() + "\n", encoding="utf-8")
    except OSError as exc:
        raise ApiError(500, f"Nepavyko įrašyti DEPLOY_TRIGGER_FILE: {exc.strerror}") from exc
    with transaction.atomic():
        audit_record(
            entity_type="system",
            entity_id=NIL_UUID,
            action=AuditAction.DEPLOY_WEBHOOK_EXECUTED,
            actor=actor,
            new_value={"status": "started"},
        )
