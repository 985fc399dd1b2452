"""«Siųsti prieigą klientui»: e-mail the client a portal magic link (api.md §5.5)."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from messaging.models import OutboxChannel
from messaging.services.outbox import outbox_enqueue
from projects.client_keys import client_email, client_name
from projects.selectors import project_get
from vejapro.core.accounts.services import token_mint
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import BadRequest
from vejapro.core.models import Role
from vejapro.core.settings_helpers import public_url

DEFAULT_CLIENT_TOKEN_TTL_HOURS = 168


@dataclass(frozen=True)
class ClientAccessSent:
    sent_to: str
    expires_at: int
    project_id: uuid.UUID


def client_token_ttl_hours() -> int:
    ttl = int(settings.CLIENT_TOKEN_TTL_HOURS)
    return ttl if ttl > 0 else DEFAULT_CLIENT_TOKEN_TTL_HOURS


def client_access_send(*, project_id: uuid.UUID | str, actor: Actor) -> ClientAccessSent:
    project = project_get(project_id=project_id)
    if not project.client_user_id:
        raise BadRequest("client_id missing in project.client_info")
    email = client_email(project.client_info)
    if not email:
        raise BadRequest("Kliento el. pastas nenurodytas project.client_info")
    ttl_hours = client_token_ttl_hours()
    minted = token_mint(sub=project.client_user_id, email=email, role=Role.CLIENT, ttl_hours=ttl_hours)
    portal_url = public_url(f"/client?token={minted.token}&project={project.pk}")
    with transaction.atomic():
        outbox_enqueue(
            entity_type="project",
            entity_id=project.pk,
            channel=OutboxChannel.EMAIL,
            template_key="CLIENT_PORTAL_ACCESS",
            payload={
                "to": email,
                "client_name": client_name(project.client_info),
                "portal_url": portal_url,
                "ttl_days": max(ttl_hours // 24, 1),
            },
        )
        audit_record(
            entity_type="project",
            entity_id=project.pk,
            action=AuditAction.CLIENT_ACCESS_EMAIL_SENT,
            actor=actor,
            new_value={"client_email": email, "ttl_hours": ttl_hours},
        )
    return ClientAccessSent(sent_to=email, expires_at=minted.expires_at, project_id=project.pk)
