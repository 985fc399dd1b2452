"""Project writes that only the back office performs: edit, final quote, delete (ui.md §3.3, workflow.md §12).

The status is never written here; ``projects.services.project_transition`` stays the only door to it.
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from projects.client_keys import client_fields_from_info
from projects.evidence_services import evidence_files_remove_after_commit
from projects.models import ESTIMATE_METHODS_BY_SERVICE, Project, ProjectStatus
from projects.services import project_lock, project_transition
from vejapro.core.actors import Actor
from vejapro.core.errors import BadRequest, Conflict
from vejapro.core.money import round_cents
from vejapro.core.services import audit_record

# Editable ``client_info`` keys of the project screen, and the model fields next to them.
CLIENT_INFO_FIELDS = ("name", "email", "phone", "address", "whatsapp_consent", "title")
MODEL_FIELDS = ("area_m2", "total_price_client", "internal_cost", "has_robot")


def _money(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return round_cents(value)


def _locked(project: Project | uuid.UUID) -> Project:
    return project_lock(project_id=project.pk if isinstance(project, Project) else project)


def project_update(*, project: Project | uuid.UUID, actor: Actor, changes: dict[str, Any]) -> tuple[Project, bool]:
    """Save the editable fields of the project screen; audit ``PROJECT_UPDATED`` with the changed fields only.

    ``changes`` may hold the client keys ``name, email, phone, address, whatsapp_consent, title`` and the model
    fields ``area_m2, total_price_client, internal_cost, has_robot``. Returns ``(project, changed)``.
    """
    unknown = set(changes) - set(CLIENT_INFO_FIELDS) - set(MODEL_FIELDS)
    if unknown:
        raise BadRequest("Neredaguojami laukai: " + ", ".join(sorted(unknown)))
    with transaction.atomic():
        locked = _locked(project)
        info = dict(locked.client_info or {})
        old: dict[str, Any] = {}
        new: dict[str, Any] = {}
        for key in CLIENT_INFO_FIELDS:
            if key not in changes:
                continue
            value = changes[key]
            if key == "whatsapp_consent":
                value = bool(value)
            else:
                value = (str(value).strip() if value is not None else "") or None
            current = info.get(key) if key != "name" else (info.get("name") or info.get("client_name"))
            if key == "whatsapp_consent":
                current = bool(current)
            if current == value:
                continue
            old[key], new[key] = current, value
            if value is None:
                info.pop(key, None)
            else:
                info[key] = value
        update_fields = []
        for key in MODEL_FIELDS:
            if key not in changes:
                continue
            value = bool(changes[key]) if key == "has_robot" else _money(changes[key])
            if value is not None and not isinstance(value, bool) and value < 0:
                raise BadRequest("Sumos ir plotas negali būti neigiami")
            if getattr(locked, key) == value:
                continue
            old[key], new[key] = getattr(locked, key), value
            setattr(locked, key, value)
            update_fields.append(key)
        if not new:
            return locked, False
        if set(new) & set(CLIENT_INFO_FIELDS):
            for name, value in client_fields_from_info(info).items():
                setattr(locked, name, value)
            update_fields += ["client_info", "client_user_id", "client_key"]
        locked.save(update_fields=[*update_fields, "updated_at"])
        audit_record(
            entity_type="project",
            entity_id=locked.pk,
            action="PROJECT_UPDATED",
            actor=actor,
            old_value=old,
            new_value=new,
        )
    return locked, True


def project_final_quote_set(
    *,
    project: Project | uuid.UUID,
    actor: Actor,
    service: str,
    method: str,
    area_m2: Decimal,
    total_price: Decimal,
    notes: str = "",
) -> Project:
    """«Galutinė kaina»: the price after the site visit of an estimated DRAFT project (audit ``FINAL_QUOTE_SET``)."""
    if method not in ESTIMATE_METHODS_BY_SERVICE.get(service, ()):
        raise BadRequest("Pasirinkite paslaugą ir metodą.")
    area = _money(area_m2)
    price = _money(total_price)
    if area is None or area <= 0:
        raise BadRequest("Įveskite plotą (> 0).")
    if price is None or price <= 0:
        raise BadRequest("Įveskite galutinę kainą (> 0).")
    with transaction.atomic():
        locked = _locked(project)
        if locked.status != ProjectStatus.DRAFT:
            raise BadRequest("Galutinė kaina nustatoma tik DRAFT projektams")
        old = {"total_price_client": locked.total_price_client, "area_m2": locked.area_m2}
        info = dict(locked.client_info or {})
        info["quote_pending"] = False
        info["final_quote"] = {"service": service, "method": method, "notes": (notes or "").strip()}
        locked.client_info = info
        locked.area_m2 = area
        locked.total_price_client = price
        locked.save(update_fields=["client_info", "area_m2", "total_price_client", "updated_at"])
        audit_record(
            entity_type="project",
            entity_id=locked.pk,
            action="FINAL_QUOTE_SET",
            actor=actor,
            old_value=old,
            new_value={"total_price_client": price, "area_m2": area, "service": service, "method": method},
        )
    return locked


def project_delete(*, project: Project | uuid.UUID, actor: Actor) -> None:
    """Delete a spam or test DRAFT: only without payments, confirmations, appointments or ledger entries."""
    with transaction.atomic():
        locked = _locked(project)
        if locked.status != ProjectStatus.DRAFT:
            raise BadRequest("Ištrinti galima tik DRAFT projektą")
        if locked.payments.exists() or locked.confirmations.exists():
            raise Conflict("Projektas turi mokėjimų ar patvirtinimų, jo ištrinti negalima")
        project_id = locked.pk
        evidence_files_remove_after_commit(project_id=project_id)
        audit_record(
            entity_type="project",
            entity_id=project_id,
            action="PROJECT_DELETED",
            actor=actor,
            old_value={"status": locked.status},
        )
        try:
            with transaction.atomic():
                locked.delete()
        except ProtectedError as exc:
            raise Conflict("Projektas turi susietų įrašų, jo ištrinti negalima") from exc


@dataclass(frozen=True)
class DepositOutcome:
    payment_id: uuid.UUID
    replayed: bool
    status_changed: bool


def _mark_paid_after(project_id, payment, actor: Actor) -> bool:
    result = project_transition(
        project=project_id,
        new_status=ProjectStatus.PAID,
        actor=actor,
        metadata={"source": "admin", "payment_id": str(payment.pk)},
    )
    return result.changed


def project_deposit_record_and_mark_paid(
    *,
    project_id,
    amount: Decimal,
    payment_method: str,
    provider_event_id: str,
    actor: Actor,
    currency: str = "EUR",
    receipt_no: str | None = None,
    received_at=None,
    notes: str = "",
) -> DepositOutcome:
    """The DRAFT «Pradinis mokėjimas (DEPOSIT)» section: the manual deposit and DRAFT → PAID in one transaction
    (audits ``PAYMENT_RECORDED_MANUAL`` with source ``admin`` and ``STATUS_CHANGE`` with the payment id)."""
    from payments.services import payment_record_manual

    with transaction.atomic():
        result = payment_record_manual(
            project_id=project_id,
            payment_type="DEPOSIT",
            amount=amount,
            payment_method=payment_method,
            provider_event_id=provider_event_id,
            actor=actor,
            currency=currency,
            receipt_no=receipt_no,
            received_at=received_at,
            notes=notes,
            source="admin",
        )
        if result.idempotent:
            return DepositOutcome(payment_id=result.payment.pk, replayed=True, status_changed=False)
        changed = _mark_paid_after(project_id, result.payment, actor)
    return DepositOutcome(payment_id=result.payment.pk, replayed=False, status_changed=changed)


def project_deposit_waive_and_mark_paid(
    *, project_id, provider_event_id: str, actor: Actor, notes: str = ""
) -> DepositOutcome:
    """«Atidėti įnašą»: the waiver and DRAFT → PAID in one transaction (audits ``PAYMENT_RECORDED_MANUAL`` with
    source ``admin``, ``DEPOSIT_WAIVED`` and ``STATUS_CHANGE``)."""
    from payments.services import payment_waive_deposit

    with transaction.atomic():
        result = payment_waive_deposit(
            project_id=project_id, provider_event_id=provider_event_id, actor=actor, notes=notes, source="admin"
        )
        if result.idempotent:
            return DepositOutcome(payment_id=result.payment.pk, replayed=True, status_changed=False)
        changed = _mark_paid_after(project_id, result.payment, actor)
    return DepositOutcome(payment_id=result.payment.pk, replayed=False, status_changed=changed)
