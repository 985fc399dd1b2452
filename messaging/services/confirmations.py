"""Client confirmations: request after a FINAL payment, confirm by link / SMS / portal, admin resend and override.

messaging.md §2 and §5, api.md §9, workflow.md §6.6 and §10. Every confirming path marks the confirmation
CONFIRMED first and then runs the transition engine, in one transaction with the project row and then the
confirmation row locked. Failure outcomes that change the row (attempts, EXPIRED, FAILED) commit with their audit
row, because the caller answers them as a normal result, never as an exception.
"""

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from urllib.parse import quote

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from messaging.models import (
    ADMIN_CONFIRMED_TOKEN_HASH,
    ClientConfirmation,
    ConfirmationChannel,
    ConfirmationStatus,
    OutboxChannel,
)
from messaging.selectors import (
    LimitState,
    confirmation_find_by_token,
    confirmation_resend_state,
    resend_action,
)
from messaging.services.outbox import outbox_enqueue
from payments.facts import payment_final_fact_exists
from projects.client_keys import client_email, client_name, client_phone, client_whatsapp_consent
from projects.models import Project, ProjectStatus
from projects.services import project_lock, project_transition
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record, audit_record_standalone
from vejapro.core.http.errors import ApiError, BadRequest
from vejapro.core.models import ActorType, User
from vejapro.core.redaction import normalize_phone, sha256_hex
from vejapro.core.settings_helpers import flag, public_url

MAX_ATTEMPTS = 3
SMS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
SMS_CODE_LENGTH = 8
CONFIRMED_FROM_PHONE_MAX = 20
SMS_REPLY_RE = re.compile(r"^TAIP\s+([A-Z0-9_-]{4,})$")
TEMPLATE_KEY = "FINAL_PAYMENT_CONFIRMATION"


# --- Credentials -----------------------------------------------------------------------------------------------


def _email_token() -> str:
    return secrets.token_urlsafe(8).upper()


def _sms_code() -> str:
    return "".join(secrets.choice(SMS_CODE_ALPHABET) for _ in range(SMS_CODE_LENGTH))


def confirmation_link(token: str) -> str:
    return public_url(f"/api/v1/public/confirm-payment/{quote(token, safe='')}")


def _ttl_hours() -> int:
    return max(int(settings.CONFIRMATION_TTL_HOURS), 1)


def _confirmation_create(*, project: Project, channel: str) -> tuple[ClientConfirmation, str]:
    """A PENDING confirmation with a fresh credential; only its hash is stored (messaging.md §2.2)."""
    make = _sms_code if channel == ConfirmationChannel.SMS else _email_token
    now = timezone.now()
    for _ in range(5):
        credential = make()
        try:
            with transaction.atomic():
                row = ClientConfirmation.objects.create(
                    project=project,
                    token_hash=sha256_hex(credential.strip().upper()),
                    channel=channel,
                    status=ConfirmationStatus.PENDING,
                    attempts=0,
                    expires_at=now + timedelta(hours=_ttl_hours()),
                )
        except IntegrityError:
            continue
        return row, credential
    raise RuntimeError("could not draw a unique confirmation credential")


def _client_phone(project: Project) -> str | None:
    return normalize_phone(client_phone(project.client_info))


def _email_confirmation_queue(*, project: Project, actor: Actor, trigger: str) -> ClientConfirmation:
    row, token = _confirmation_create(project=project, channel=ConfirmationChannel.EMAIL)
    audit_record(
        entity_type="project",
        entity_id=project.pk,
        action=AuditAction.EMAIL_CONFIRMATION_CREATED,
        actor=actor,
        new_value={"confirmation_id": row.pk, "channel": ConfirmationChannel.EMAIL},
        metadata={"trigger": trigger},
    )
    outbox_enqueue(
        entity_type="project",
        entity_id=project.pk,
        channel=OutboxChannel.EMAIL,
        template_key=TEMPLATE_KEY,
        payload={
            "to": client_email(project.client_info),
            "client_name": client_name(project.client_info),
            "token": token,
            "confirmation_url": confirmation_link(token),
            "ttl_hours": _ttl_hours(),
        },
    )
    return row


def _sms_confirmation_queue(*, project: Project, actor: Actor, trigger: str, phone: str) -> ClientConfirmation:
    row, code = _confirmation_create(project=project, channel=ConfirmationChannel.SMS)
    audit_record(
        entity_type="project",
        entity_id=project.pk,
        action=AuditAction.SMS_CONFIRMATION_CREATED,
        actor=actor,
        new_value={"confirmation_id": row.pk, "channel": ConfirmationChannel.SMS},
        metadata={"trigger": trigger},
    )
    outbox_enqueue(
        entity_type="project",
        entity_id=project.pk,
        channel=OutboxChannel.SMS,
        template_key=TEMPLATE_KEY,
        payload={"to_number": phone, "code": code},
    )
    return row


# --- Request after a FINAL payment (messaging.md §2.3) ----------------------------------------------------------


@dataclass(frozen=True)
class ConfirmationRequest:
    channel: str | None
    confirmation_id: uuid.UUID | None = None

    @property
    def email_queued(self) -> bool:
        return self.channel == ConfirmationChannel.EMAIL


def confirmation_request_for_final_payment(*, project: Project, actor: Actor) -> ConfirmationRequest:
    """Ask the client to confirm acceptance: e-mail link, else SMS code, else audit ``FIN_CHANNEL_UNAVAILABLE``.

    Call it inside the payment's transaction, only when the project is CERTIFIED.
    """
    email, phone = client_email(project.client_info), _client_phone(project)
    if flag("ENABLE_EMAIL_INTAKE") and email:
        row = _email_confirmation_queue(project=project, actor=actor, trigger="final_payment")
        if flag("ENABLE_WHATSAPP_PING") and client_whatsapp_consent(project.client_info) and phone:
            outbox_enqueue(
                entity_type="project",
                entity_id=project.pk,
                channel=OutboxChannel.WHATSAPP_PING,
                template_key="FINAL_PAYMENT_WHATSAPP_PING",
                payload={"to": phone},
            )
        return ConfirmationRequest(channel=ConfirmationChannel.EMAIL, confirmation_id=row.pk)
    if flag("ENABLE_TWILIO") and phone:
        row = _sms_confirmation_queue(project=project, actor=actor, trigger="final_payment", phone=phone)
        return ConfirmationRequest(channel=ConfirmationChannel.SMS, confirmation_id=row.pk)
    audit_record(
        entity_type="project",
        entity_id=project.pk,
        action=AuditAction.FIN_CHANNEL_UNAVAILABLE,
        actor=actor,
        new_value={"reason": "no_email" if not email else "email_intake_disabled", "sms_fallback": False},
    )
    return ConfirmationRequest(channel=None)


# --- Admin resend and override (api.md §9.1, §9.5) -------------------------------------------------------------


def _require_certified(project: Project) -> None:
    if project.status != ProjectStatus.CERTIFIED:
        raise BadRequest(f"Projektas turi būti CERTIFIED būsenoje. Dabartinė: {project.status}")


RESEND_CHANNELS = (ConfirmationChannel.EMAIL, ConfirmationChannel.SMS)


def confirmation_resend(*, project_id: uuid.UUID | str, channel: str, actor: Actor) -> LimitState:
    """A new PENDING confirmation on ``channel`` and its message; 3 per project and channel per 24 h."""
    if channel not in RESEND_CHANNELS:
        raise BadRequest("Kanalas turi būti email arba sms")
    with transaction.atomic():
        project = project_lock(project_id=project_id)
        _require_certified(project)
        if not ClientConfirmation.objects.filter(project=project).exists():
            raise BadRequest("Patvirtinimo irasas nerastas")
        state = confirmation_resend_state(project_id=project.pk, channel=channel)
        if state.remaining <= 0:
            raise ApiError(429, {"message": "Persiuntimų limitas pasiektas", **state.as_json()})
        if channel == ConfirmationChannel.EMAIL:
            if not flag("ENABLE_EMAIL_INTAKE"):
                raise BadRequest("El. pašto kanalas išjungtas")
            if not client_email(project.client_info):
                raise BadRequest("Kliento el. paštas nenurodytas")
            row = _email_confirmation_queue(project=project, actor=actor, trigger="admin_resend")
        else:
            if not flag("ENABLE_TWILIO"):
                raise BadRequest("SMS kanalas išjungtas")
            phone = _client_phone(project)
            if not phone:
                raise BadRequest("Kliento telefonas nenurodytas")
            row = _sms_confirmation_queue(project=project, actor=actor, trigger="admin_resend", phone=phone)
        audit_record(
            entity_type="project",
            entity_id=project.pk,
            action=resend_action(channel),
            actor=actor,
            new_value={"confirmation_id": row.pk, "channel": channel},
            metadata={"remaining": state.remaining - 1},
        )
    return confirmation_resend_state(project_id=project.pk, channel=channel)


def confirmation_admin_confirm(*, project_id: uuid.UUID | str, reason: str, actor: Actor) -> Project:
    """Admin activation override with a written reason (workflow.md §6.6)."""

    with transaction.atomic():
        project = project_lock(project_id=project_id)
        _require_certified(project)
        if not payment_final_fact_exists(project_id=project.pk):
            raise BadRequest("Galutinis mokėjimas nerastas")
        reason = (reason or "").strip()
        if not reason:
            raise BadRequest("Priezastis privaloma")
        now = timezone.now()
        ClientConfirmation.objects.create(
            project=project,
            token_hash=ADMIN_CONFIRMED_TOKEN_HASH,
            channel=ConfirmationChannel.ADMIN,
            status=ConfirmationStatus.CONFIRMED,
            confirmed_at=now,
            expires_at=now,
        )
        result = project_transition(
            project=project,
            new_status=ProjectStatus.ACTIVE,
            actor=actor,
            metadata={"channel": "admin", "confirmed_by": actor.actor_id, "reason": reason},
        )
        audit_record(
            entity_type="project",
            entity_id=project.pk,
            action=AuditAction.ADMIN_CONFIRMED,
            actor=actor,
            new_value={"status": ProjectStatus.ACTIVE, "confirmed_by": actor.actor_id, "reason": reason},
        )
    return result.project


# --- Confirming (messaging.md §2.4-§2.6, §5) --------------------------------------------------------------------


class Outcome(StrEnum):
    UNKNOWN = "unknown"
    NO_MATCH = "no_match"  # an SMS that is not ``TAIP <KODAS>``
    PROJECT_MISSING = "project_missing"
    ALREADY_CONFIRMED = "already_confirmed"
    STATUS_FAILED = "status_failed"
    STATUS_EXPIRED = "status_expired"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    TIME_EXPIRED = "time_expired"
    PROJECT_STATUS = "project_status"
    FINAL_MISSING = "final_missing"
    CONFIRMED = "confirmed"
    PENDING = "pending"  # preview only: the link can still confirm


@dataclass(frozen=True)
class ConfirmResult:
    outcome: Outcome
    project_id: uuid.UUID | None = None
    project_status: str | None = None
    confirmation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class _Entry:
    """How one entry point confirms: its audits, accepted statuses and transition metadata."""

    kind: str  # "email" | "sms"
    via: str  # public_endpoint | activation_alias | client_portal | sms
    client: Actor  # actor of the failure audits
    system: Actor  # actor of the transition and the success audit
    accepted_statuses: tuple[str, ...] = (ProjectStatus.CERTIFIED, ProjectStatus.ACTIVE)
    phone: str | None = None

    def transition_metadata(self, row: ClientConfirmation) -> dict:
        if self.via == "public_endpoint":
            return {"channel": "email", "confirmed_via": "public_endpoint", "confirmation_id": row.pk}
        if self.via == "client_portal":
            return {"channel": row.channel, "confirmed_via": "client_portal", "confirmation_id": row.pk}
        if self.via == "sms":
            return {"channel": "sms", "confirmation_id": row.pk}
        return {"channel": row.channel, "confirmation_id": row.pk}

    def audit(self, outcome: Outcome, row: ClientConfirmation, project: Project) -> None:
        if self.kind == "sms":
            action, actor, new_value, metadata = self._sms_audit(outcome, row, project)
        else:
            action, actor, new_value, metadata = self._email_audit(outcome, row, project)
        audit_record(
            entity_type="project",
            entity_id=project.pk,
            action=action,
            actor=actor,
            new_value=new_value,
            metadata=metadata,
        )

    def _email_audit(self, outcome: Outcome, row: ClientConfirmation, project: Project):
        metadata = {"confirmation_id": row.pk}
        if self.via == "activation_alias":
            metadata["via"] = self.via
        return {
            Outcome.ATTEMPTS_EXHAUSTED: (
                AuditAction.EMAIL_CONFIRMATION_FAILED,
                self.client,
                {"reason": "max_attempts"},
                metadata,
            ),
            Outcome.TIME_EXPIRED: (
                AuditAction.EMAIL_CONFIRMATION_EXPIRED,
                self.client,
                {"attempts": row.attempts},
                metadata,
            ),
            Outcome.PROJECT_STATUS: (
                AuditAction.EMAIL_CONFIRMATION_INVALID_PROJECT_STATUS,
                self.client,
                {"status": project.status},
                metadata,
            ),
            Outcome.FINAL_MISSING: (
                AuditAction.EMAIL_CONFIRMATION_FINAL_PAYMENT_MISSING,
                self.client,
                {"attempts": row.attempts},
                metadata,
            ),
            Outcome.CONFIRMED: (
                AuditAction.EMAIL_CONFIRMED,
                self.system,
                {"status": ProjectStatus.ACTIVE},
                {"confirmation_id": row.pk, "via": self.via},
            ),
        }[outcome]

    def _sms_audit(self, outcome: Outcome, row: ClientConfirmation, project: Project):
        phone, confirmation_id = self.phone, row.pk
        return {
            Outcome.ATTEMPTS_EXHAUSTED: (
                AuditAction.SMS_CONFIRMATION_FAILED,
                self.client,
                {"phone": phone},
                {"confirmation_id": confirmation_id, "reason": "max_attempts"},
            ),
            Outcome.TIME_EXPIRED: (
                AuditAction.SMS_CONFIRMATION_EXPIRED,
                self.client,
                {"phone": phone},
                {"confirmation_id": confirmation_id},
            ),
            Outcome.PROJECT_STATUS: (
                AuditAction.SMS_CONFIRMATION_INVALID_PROJECT_STATUS,
                self.system,
                {"status": project.status},
                {"phone": phone, "confirmation_id": confirmation_id},
            ),
            Outcome.FINAL_MISSING: (
                AuditAction.SMS_CONFIRMATION_FINAL_PAYMENT_MISSING,
                self.client,
                {"phone": phone},
                {"confirmation_id": confirmation_id},
            ),
            Outcome.CONFIRMED: (
                AuditAction.SMS_CONFIRMED,
                self.system,
                {"status": ProjectStatus.ACTIVE},
                {"phone": phone, "confirmation_id": confirmation_id},
            ),
        }[outcome]


def _confirm(*, confirmation_id: uuid.UUID, entry: _Entry) -> ConfirmResult:
    """The confirmation engine that the e-mail link, its legacy alias and the SMS reply share, with the project and
    the confirmation locked: a used, failed or expired confirmation is refused as it stands; running out of attempts,
    expiry, a project that is not certified and a missing final payment are refused and audited; otherwise the
    confirmation is confirmed and the project moves to ACTIVE (messaging.md §2.5, §5)."""

    with transaction.atomic():
        project_id = ClientConfirmation.objects.filter(pk=confirmation_id).values_list("project_id", flat=True).get()
        project = Project.objects.select_for_update().filter(pk=project_id).first()
        if project is None:
            return ConfirmResult(Outcome.PROJECT_MISSING, confirmation_id=confirmation_id)
        row = ClientConfirmation.objects.select_for_update().get(pk=confirmation_id)

        def result(outcome: Outcome) -> ConfirmResult:
            return ConfirmResult(outcome, project_id=project.pk, project_status=project.status, confirmation_id=row.pk)

        def finish(outcome: Outcome, *fields: str) -> ConfirmResult:
            if fields:
                row.save(update_fields=list(fields))
            entry.audit(outcome, row, project)
            return result(outcome)

        if row.status == ConfirmationStatus.CONFIRMED:
            return result(Outcome.ALREADY_CONFIRMED)
        if row.status == ConfirmationStatus.FAILED:
            return result(Outcome.STATUS_FAILED)
        if row.status == ConfirmationStatus.EXPIRED:
            return result(Outcome.STATUS_EXPIRED)
        if row.attempts >= MAX_ATTEMPTS:
            row.status = ConfirmationStatus.FAILED
            return finish(Outcome.ATTEMPTS_EXHAUSTED, "status")
        now = timezone.now()
        if row.expires_at < now:
            row.attempts += 1
            row.status = ConfirmationStatus.EXPIRED
            return finish(Outcome.TIME_EXPIRED, "attempts", "status")
        if project.status not in entry.accepted_statuses:
            return finish(Outcome.PROJECT_STATUS)
        if not payment_final_fact_exists(project_id=project.pk):
            row.attempts += 1
            return finish(Outcome.FINAL_MISSING, "attempts")

        row.status = ConfirmationStatus.CONFIRMED
        row.confirmed_at = now
        fields = ["status", "confirmed_at"]
        if entry.kind == "sms" and entry.phone:
            row.confirmed_from_phone = entry.phone.replace("\x00", "")[:CONFIRMED_FROM_PHONE_MAX]
            fields.append("confirmed_from_phone")
        row.save(update_fields=fields)
        transition = project_transition(
            project=project,
            new_status=ProjectStatus.ACTIVE,
            actor=entry.system,
            metadata=entry.transition_metadata(row),
        )
        project = transition.project
        entry.audit(Outcome.CONFIRMED, row, project)
        return result(Outcome.CONFIRMED)


def confirmation_confirm_link(*, token: str, via: str, request=None) -> ConfirmResult:
    """The e-mail link (``via="public_endpoint"``) or its legacy alias (``via="activation_alias"``)."""
    client = Actor.system(ActorType.CLIENT, request)
    row = confirmation_find_by_token(token=token)
    if row is None:
        audit_record_standalone(
            entity_type="system",
            entity_id=None,
            action=AuditAction.EMAIL_CONFIRMATION_INVALID_TOKEN,
            actor=client,
            metadata={"path_kind": "activation_alias" if via == "activation_alias" else "confirm_payment"},
        )
        return ConfirmResult(Outcome.UNKNOWN)
    entry = _Entry(
        kind="email",
        via=via,
        client=client,
        system=Actor.system(ActorType.SYSTEM_EMAIL, request),
        accepted_statuses=(ProjectStatus.CERTIFIED,)
        if via == "activation_alias"
        else (ProjectStatus.CERTIFIED, ProjectStatus.ACTIVE),
    )
    return _confirm(confirmation_id=row.pk, entry=entry)


def confirmation_preview(*, token: str) -> ConfirmResult:
    """What a link would do, without changing anything (the browser GET page, api.md §1.7)."""
    row = confirmation_find_by_token(token=token)
    if row is None:
        return ConfirmResult(Outcome.UNKNOWN)
    project = Project.objects.filter(pk=row.project_id).first()
    outcome = Outcome.PENDING
    if row.status == ConfirmationStatus.CONFIRMED:
        outcome = Outcome.ALREADY_CONFIRMED
    elif row.status == ConfirmationStatus.FAILED or row.attempts >= MAX_ATTEMPTS:
        outcome = Outcome.STATUS_FAILED
    elif row.status == ConfirmationStatus.EXPIRED or row.expires_at < timezone.now():
        outcome = Outcome.STATUS_EXPIRED
    return ConfirmResult(
        outcome,
        project_id=row.project_id,
        project_status=project.status if project else None,
        confirmation_id=row.pk,
    )


def sms_reply_code(body: str) -> str | None:
    """The code of an SMS reply ``TAIP <KODAS>``, or None: the body is trimmed, upper-cased and its inner whitespace
    collapsed first, so a reply typed as «taip  ab12cd» on a phone still matches (messaging.md §5)."""
    match = SMS_REPLY_RE.match(" ".join((body or "").upper().split()))
    return match.group(1) if match else None


def confirmation_confirm_sms(*, from_number: str, body: str, request=None) -> ConfirmResult:
    """An SMS reply to the Twilio webhook, after its signature and rate checks: read the code, find its
    confirmation (an unknown code is audited) and run the confirmation engine (messaging.md §5)."""
    code = sms_reply_code(body)
    if code is None:
        return ConfirmResult(Outcome.NO_MATCH)
    row = confirmation_find_by_token(token=code)
    if row is None:
        audit_record_standalone(
            entity_type="system",
            entity_id=None,
            action=AuditAction.SMS_CONFIRMATION_INVALID_TOKEN_ATTEMPT,
            actor=Actor.system(ActorType.SYSTEM_TWILIO, request),
            metadata={"phone": from_number, "body_len": len(body or "")},
        )
        return ConfirmResult(Outcome.UNKNOWN)
    entry = _Entry(
        kind="sms",
        via="sms",
        client=Actor.system(ActorType.CLIENT, request),
        system=Actor.system(ActorType.SYSTEM_TWILIO, request),
        phone=from_number,
    )
    return _confirm(confirmation_id=row.pk, entry=entry)


def confirmation_confirm_by_client(*, project: Project, user: User, request=None) -> ConfirmResult:
    """Client portal «Patvirtinti darbų priėmimą»: the newest valid PENDING confirmation (messaging.md §2.4)."""
    row = (
        ClientConfirmation.objects.filter(
            project=project,
            status=ConfirmationStatus.PENDING,
            expires_at__gte=timezone.now(),
            attempts__lt=MAX_ATTEMPTS,
        )
        .exclude(channel=ConfirmationChannel.ADMIN)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None:
        return ConfirmResult(Outcome.UNKNOWN, project_id=project.pk, project_status=project.status)
    client = Actor.for_user(user, request)
    entry = _Entry(
        kind="email",
        via="client_portal",
        client=client.with_type(ActorType.CLIENT),
        system=client.with_type(ActorType.SYSTEM_EMAIL),
    )
    return _confirm(confirmation_id=row.pk, entry=entry)
