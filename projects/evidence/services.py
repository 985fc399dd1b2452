"""What can happen to photos, certification and marketing consent (workflow.md §8, §9, §11).

Callers look the project (or evidence) up and check the caller's access first
(``projects.selectors.project_get_for_actor`` / ``evidence_selectors.evidence_get_accessible``); these enforce the
business rules, lock the rows they change and write the audit row in the same transaction.
"""

import logging
import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from projects.evidence.checklist import checklist_required_keys
from projects.evidence.files import evidence_bucket, evidence_files_forget, evidence_stored_paths
from projects.evidence.images import MAX_UPLOAD_BYTES, ImageRefused, PreparedImage, accepted_type, image_prepare
from projects.evidence.selectors import (
    EVIDENCE_NOT_FOUND_TEXT,
    evidence_can_delete,
    evidence_get_by_upload_key,
    evidence_publish_refusal,
    project_certification_photo_count,
)
from projects.models import Evidence, EvidenceCategory, Project, ProjectStatus
from projects.services import MIN_CERTIFICATION_PHOTOS, project_lock, project_transition
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.audit.services import audit_record
from vejapro.core.http.errors import ACCESS_DENIED_TEXT, ApiError, BadRequest, NotFound
from vejapro.core.models import AuditLog, Role
from vejapro.core.storage import StorageError, storage_put

logger = logging.getLogger(__name__)

CATEGORY_UPLOADERS: dict[str, frozenset[str]] = {
    EvidenceCategory.SITE_BEFORE: frozenset({Role.ADMIN, Role.SUBCONTRACTOR}),
    EvidenceCategory.WORK_IN_PROGRESS: frozenset({Role.ADMIN, Role.SUBCONTRACTOR}),
    EvidenceCategory.EXPERT_CERTIFICATION: frozenset({Role.ADMIN, Role.EXPERT}),
}
REJECTION_REASON_MIN = 3
REJECTION_REASON_MAX = 1000
SEED_COUNT_MAX = 10


def _locked_project(project: Project | uuid.UUID) -> Project:
    """The project row locked, or 404 ``Projektas nerastas`` (it may have been deleted since the caller read it)."""
    return project_lock(project_id=project.pk if isinstance(project, Project) else project)


def _locked_evidence(evidence: Evidence | uuid.UUID) -> Evidence:
    """The evidence row locked, or 404 ``Evidence not found``."""
    evidence_id = evidence.pk if isinstance(evidence, Evidence) else evidence
    locked = Evidence.objects.select_for_update().filter(pk=evidence_id).first()
    if locked is None:
        raise NotFound(EVIDENCE_NOT_FOUND_TEXT)
    return locked


# --- upload (workflow.md §6.4, §8) ------------------------------------------------------------------------


def _store_prepared(*, project_id: uuid.UUID, prepared: PreparedImage) -> dict[str, Any]:
    """Original first (failure → 502); a failed variant only leaves its URL null."""
    bucket = evidence_bucket()
    name = str(uuid.uuid4())
    original_path = f"{project_id}/{name}{prepared.original.extension}"
    try:
        file_url = storage_put(
            bucket=bucket,
            path=original_path,
            data=prepared.original.data,
            content_type=prepared.original.content_type,
        )
    except StorageError as exc:
        logger.warning("evidence original upload failed: %s", exc)
        raise ApiError(502, "Nepavyko įkelti į saugyklą") from exc
    stored = {"file_url": file_url, "storage_path": original_path, "paths": [original_path]}
    for field, suffix, data in (
        ("thumbnail_url", "_thumb.webp", prepared.thumbnail),
        ("medium_url", "_md.webp", prepared.medium),
    ):
        stored[field] = None
        if data is None:
            continue
        path = f"{project_id}/{name}{suffix}"
        try:
            stored[field] = storage_put(bucket=bucket, path=path, data=data, content_type="image/webp")
            stored["paths"].append(path)
        except StorageError as exc:
            logger.warning("evidence variant upload failed (%s): %s", suffix, exc)
    return stored


def evidence_upload(
    *, project: Project, category: str, upload: UploadedFile, actor: Actor, client_upload_key: str | None = None
) -> Evidence:
    """Category rule (403) → empty (400) → size (413) → type (400) → process, store, insert, audit.
    ``client_upload_key`` is stored on the row; ``evidence_upload_once`` is the entry point that honours it."""
    if actor.actor_type not in CATEGORY_UPLOADERS.get(category, frozenset()):
        raise ApiError(403, ACCESS_DENIED_TEXT)
    if not upload.size:
        raise BadRequest("Empty file")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ApiError(413, "File is too large")
    declared = accepted_type(filename=upload.name or "", content_type=upload.content_type)
    if declared is None:
        raise BadRequest("Nepalaikomas failo tipas")

    upload.seek(0)
    data = upload.read()
    if not data:
        raise BadRequest("Empty file")
    try:
        prepared = image_prepare(data=data, declared=declared)
    except ImageRefused:
        raise BadRequest("Nepalaikomas failo tipas") from None  # a decompression bomb is no photo (issue 14 §2)
    stored = _store_prepared(project_id=project.pk, prepared=prepared)
    try:
        with transaction.atomic():
            _locked_project(project)
            evidence = Evidence.objects.create(
                project_id=project.pk,
                file_url=stored["file_url"],
                thumbnail_url=stored["thumbnail_url"],
                medium_url=stored["medium_url"],
                storage_path=stored["storage_path"],
                category=category,
                uploaded_by=actor.user,
                uploaded_at=timezone.now(),
                show_on_web=False,
                is_featured=False,
                client_upload_key=client_upload_key or None,
            )
            audit_record(
                entity_type="evidence",
                entity_id=evidence.pk,
                action=AuditAction.UPLOAD_EVIDENCE,
                actor=actor,
                new_value={"file_url": evidence.file_url, "category": category, "project_id": str(project.pk)},
            )
    except Exception:
        evidence_files_forget(stored["paths"])
        raise
    return evidence


UPLOAD_KEY_MAX = 64
UPLOAD_KEY_TAKEN_TEXT = "Įkėlimo raktas jau panaudotas kitame projekte"


def evidence_upload_once(
    *, project: Project, category: str, upload: UploadedFile, actor: Actor, client_upload_key: str | None
) -> tuple[Evidence, bool]:
    """``evidence_upload`` that answers a repeated ``client_upload_key`` with the row it already created:
    ``(evidence, created)``. The offline queue of the portals retries until it hears back, so the same photo may
    arrive twice; the partial unique constraint settles two copies racing each other."""
    key = (client_upload_key or "").strip()[:UPLOAD_KEY_MAX] or None
    if key is not None:
        existing = evidence_get_by_upload_key(client_upload_key=key)
        if existing is not None:
            if existing.project_id != project.pk:
                raise BadRequest(UPLOAD_KEY_TAKEN_TEXT)
            return existing, False
    try:
        return (
            evidence_upload(project=project, category=category, upload=upload, actor=actor, client_upload_key=key),
            True,
        )
    except IntegrityError:
        existing = evidence_get_by_upload_key(client_upload_key=key) if key else None
        if existing is None or existing.project_id != project.pk:
            raise
        return existing, False


def evidence_seed_certification(*, project: Project | uuid.UUID, count: int, actor: Actor) -> list[Evidence]:
    """Development helper (api.md §7.4): ``count`` placeholder certification photos, hidden from the web."""
    if not 1 <= count <= SEED_COUNT_MAX:
        raise BadRequest(f"count must be between 1 and {SEED_COUNT_MAX}")
    with transaction.atomic():
        locked = _locked_project(project)
        now = timezone.now()
        created = Evidence.objects.bulk_create(
            Evidence(
                project=locked,
                file_url=f"https://example.com/cert_photo_{number}.jpg",
                category=EvidenceCategory.EXPERT_CERTIFICATION,
                uploaded_by=actor.user,
                uploaded_at=now,
                show_on_web=False,
                is_featured=False,
            )
            for number in range(1, count + 1)
        )
        audit_record(
            entity_type="project",
            entity_id=locked.pk,
            action=AuditAction.EVIDENCE_SEEDED,
            actor=actor,
            new_value={"count": count, "category": EvidenceCategory.EXPERT_CERTIFICATION},
        )
    return created


# --- certification and rejection (workflow.md §6.5, §9) ---------------------------------------------------


def _require_pending_expert(project: Project) -> None:
    if project.status != ProjectStatus.PENDING_EXPERT:
        raise BadRequest("Projektas dar neparuotas sertifikavimui")


def project_certify(
    *, project: Project | uuid.UUID, actor: Actor, checklist: dict[str, bool], notes: str = ""
) -> Project:
    """PENDING_EXPERT → CERTIFIED through the engine (audit ``STATUS_CHANGE`` with the checklist and notes), plus
    audit ``CERTIFY_PROJECT``, in one transaction with the project row locked."""
    with transaction.atomic():
        locked = _locked_project(project)
        _require_pending_expert(locked)
        photos = project_certification_photo_count(project_id=locked.pk)
        if photos < MIN_CERTIFICATION_PHOTOS:
            raise BadRequest(f"Reikia mažiausiai 3 sertifikavimo nuotraukų. Rasta: {photos}.")
        result = project_transition(
            project=locked,
            new_status=ProjectStatus.CERTIFIED,
            actor=actor,
            metadata={"checklist": dict(checklist or {}), "notes": notes or ""},
        )
        audit_record(
            entity_type="project",
            entity_id=locked.pk,
            action=AuditAction.CERTIFY_PROJECT,
            actor=actor,
            new_value={"status": ProjectStatus.CERTIFIED},
        )
    return result.project


def project_reject(*, project: Project | uuid.UUID, actor: Actor, reason: str, failed_items: list[str]) -> AuditLog:
    """The expert's veto (workflow.md §9.3): the status stays PENDING_EXPERT; audit ``PROJECT_REJECTED``.
    ``failed_items`` are the required checklist keys left unticked
    (``projects.evidence.checklist.checklist_failed_items``); anything else the caller sends (an unknown key, a robot
    item of a project without a robot) is dropped."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _locked_project(project)
        _require_pending_expert(locked)
        if not REJECTION_REASON_MIN <= len(reason) <= REJECTION_REASON_MAX:
            raise BadRequest("Nurodykite atmetimo priežastį")
        unticked = set(failed_items or ())
        items = [key for key in checklist_required_keys(has_robot=locked.has_robot) if key in unticked]
        return audit_record(
            entity_type="project",
            entity_id=locked.pk,
            action=AuditAction.PROJECT_REJECTED,
            actor=actor,
            new_value={"reason": reason},
            metadata={"failed_items": items},
        )


# --- marketing consent and gallery publishing (workflow.md §6.7, §11) -------------------------------------


def project_marketing_consent_set(*, project: Project | uuid.UUID, consent: bool, actor: Actor) -> Project:
    """Store the client's consent. Revoking hides every published photo of the project at once."""
    with transaction.atomic():
        locked = _locked_project(project)
        previous = locked.marketing_consent
        if previous != consent:
            locked.marketing_consent = consent
            locked.marketing_consent_at = timezone.now() if consent else None
            locked.save(update_fields=["marketing_consent", "marketing_consent_at", "updated_at"])
            audit_record(
                entity_type="project",
                entity_id=locked.pk,
                action=AuditAction.MARKETING_CONSENT_UPDATE,
                actor=actor,
                old_value={"marketing_consent": previous},
                new_value={"marketing_consent": consent},
            )
        if not consent:
            hidden = Evidence.objects.filter(project_id=locked.pk, show_on_web=True).update(
                show_on_web=False, is_featured=False
            )
            if hidden:
                audit_record(
                    entity_type="project",
                    entity_id=locked.pk,
                    action=AuditAction.MARKETING_CONSENT_REVOKE,
                    actor=actor,
                    old_value={"show_on_web": True},
                    new_value={"show_on_web": False},
                    metadata={"affected_evidences": hidden},
                )
    return locked


def _web_state(evidence: Evidence) -> dict[str, Any]:
    return {
        "show_on_web": evidence.show_on_web,
        "location_tag": evidence.location_tag,
        "is_featured": evidence.is_featured,
    }


def evidence_approve_for_web(
    *,
    evidence: Evidence | uuid.UUID,
    actor: Actor,
    location_tag: str | None = None,
    is_featured: bool | None = None,
) -> Evidence:
    """Publish one photo in the gallery: consent, certified project and a gallery category are required.
    ``location_tag`` / ``is_featured`` change only when given (not None); audit only when something changed."""
    with transaction.atomic():
        locked = _locked_evidence(evidence)
        project = Project.objects.get(pk=locked.project_id)
        refusal = evidence_publish_refusal(evidence=locked, project=project)
        if refusal:
            raise BadRequest(refusal)
        before = _web_state(locked)
        locked.show_on_web = True
        if location_tag is not None:
            locked.location_tag = location_tag.strip() or None
        if is_featured is not None:
            locked.is_featured = is_featured
        after = _web_state(locked)
        if after != before:
            locked.save(update_fields=["show_on_web", "location_tag", "is_featured"])
            audit_record(
                entity_type="evidence",
                entity_id=locked.pk,
                action=AuditAction.EVIDENCE_APPROVED_FOR_WEB,
                actor=actor,
                old_value=before,
                new_value=after,
            )
    return locked


def evidence_hide_from_web(*, evidence: Evidence | uuid.UUID, actor: Actor) -> Evidence:
    """«Slėpti iš galerijos»: unpublish one photo (``show_on_web`` and ``is_featured`` false together).
    A photo that is not published is left alone (no audit)."""
    with transaction.atomic():
        locked = _locked_evidence(evidence)
        if locked.show_on_web or locked.is_featured:
            old = {"show_on_web": locked.show_on_web, "is_featured": locked.is_featured}
            locked.show_on_web = False
            locked.is_featured = False
            locked.save(update_fields=["show_on_web", "is_featured"])
            audit_record(
                entity_type="evidence",
                entity_id=locked.pk,
                action=AuditAction.EVIDENCE_HIDDEN_FROM_WEB,
                actor=actor,
                old_value=old,
                new_value={"show_on_web": False, "is_featured": False},
            )
    return locked


# --- deletion (workflow.md §8, §12: an ADMIN back-office action with a reason) ----------------------------


def evidence_delete(*, evidence: Evidence | uuid.UUID, actor: Actor, reason: str) -> None:
    """Delete one photo (ADMIN only). Certification photos of a CERTIFIED/ACTIVE project are kept: they are the
    proof behind the certificate. The storage objects are removed after the commit."""
    if actor.actor_type != Role.ADMIN:
        raise ApiError(403, ACCESS_DENIED_TEXT)
    reason = (reason or "").strip()
    if not reason:
        raise BadRequest("Priezastis privaloma")
    with transaction.atomic():
        locked = _locked_evidence(evidence)
        project = Project.objects.get(pk=locked.project_id)
        if not evidence_can_delete(evidence=locked, project=project):
            raise BadRequest("Sertifikuoto projekto sertifikavimo nuotraukų ištrinti negalima")
        paths = evidence_stored_paths(locked)
        audit_record(
            entity_type="evidence",
            entity_id=locked.pk,
            action=AuditAction.EVIDENCE_DELETED,
            actor=actor,
            old_value={"file_url": locked.file_url, "category": locked.category, "project_id": str(project.pk)},
            metadata={"reason": reason},
        )
        locked.delete()
        transaction.on_commit(lambda: evidence_files_forget(paths))
