"""Reads for evidence, certification and the gallery. The project lookup and access rule (workflow.md §3.3) are
``projects.selectors.project_get_for_actor`` / ``project_can_access``."""

import uuid
from collections.abc import Collection
from datetime import UTC, datetime

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from projects.models import CERTIFIED_STATUSES, GALLERY_CATEGORIES, Evidence, EvidenceCategory, Project, ProjectStatus
from projects.selectors import ALL_ROLES, project_check_access
from vejapro.core.actors import Actor
from vejapro.core.audit.actions import AuditAction
from vejapro.core.http.errors import BadRequest, NotFound
from vejapro.core.http.pagination import INVALID_CURSOR_TEXT, decode_cursor, encode_cursor, page
from vejapro.core.models import AuditLog
from vejapro.core.timestamps import utc_iso

EVIDENCE_NOT_FOUND_TEXT = "Evidence not found"


def evidence_get_accessible(*, evidence_id: object, actor: Actor, roles: Collection[str] = ALL_ROLES) -> Evidence:
    """404 ``Evidence not found`` (also for a malformed id), then the project access rule (403)."""
    try:
        key = uuid.UUID(str(evidence_id))
    except ValueError:
        raise NotFound(EVIDENCE_NOT_FOUND_TEXT) from None
    evidence = Evidence.objects.select_related("project").filter(pk=key).first()
    if evidence is None:
        raise NotFound(EVIDENCE_NOT_FOUND_TEXT)
    project_check_access(project=evidence.project, actor=actor, roles=roles)
    return evidence


def evidence_publish_refusal(*, evidence: Evidence, project: Project) -> str | None:
    """Why the photo may not be shown in the public gallery, or None when it may: the client's marketing consent,
    a CERTIFIED/ACTIVE project and a gallery category are required (api.md §7.6)."""
    if not project.marketing_consent:
        return "Klientas nesutiko su nuotrauku naudojimu"
    if project.status not in CERTIFIED_STATUSES:
        return "Projektas dar nesertifikuotas"
    if evidence.category not in GALLERY_CATEGORIES:
        return "Į galeriją galima teikti tik SITE_BEFORE ir EXPERT_CERTIFICATION nuotraukas"
    return None


def evidence_can_publish(*, evidence: Evidence, project: Project) -> bool:
    return evidence_publish_refusal(evidence=evidence, project=project) is None


def evidence_can_delete(*, evidence: Evidence, project: Project) -> bool:
    """Any photo except a certification photo of a CERTIFIED/ACTIVE project: it is the proof behind the
    certificate (workflow.md §8)."""
    return not (evidence.category == EvidenceCategory.EXPERT_CERTIFICATION and project.status in CERTIFIED_STATUSES)


def project_certification_photo_count(*, project_id: uuid.UUID) -> int:
    return Evidence.objects.filter(project_id=project_id, category=EvidenceCategory.EXPERT_CERTIFICATION).count()


def project_certification_audit(*, project_id: uuid.UUID) -> AuditLog | None:
    """The ``STATUS_CHANGE`` row that moved the project to ``CERTIFIED`` (its metadata holds the checklist)."""
    return (
        AuditLog.objects.filter(
            entity_type="project",
            entity_id=project_id,
            action=AuditAction.STATUS_CHANGE,
            new_value__status=ProjectStatus.CERTIFIED,
        )
        .order_by("-timestamp", "-id")
        .first()
    )


def project_latest_rejection(*, project: Project) -> AuditLog | None:
    """The latest ``PROJECT_REJECTED`` newer than the last status change (the contractor's red notice, §9.3)."""
    rows = AuditLog.objects.filter(entity_type="project", entity_id=project.pk, action=AuditAction.PROJECT_REJECTED)
    if project.status_changed_at:
        rows = rows.filter(timestamp__gt=project.status_changed_at)
    return rows.order_by("-timestamp", "-id").first()


# --- the public gallery (api.md §7.7) ---------------------------------------------------------------------


def _published_before_photos():
    return Evidence.objects.filter(
        project_id=OuterRef("project_id"), category=EvidenceCategory.SITE_BEFORE, show_on_web=True
    ).order_by("uploaded_at", "id")


def _gallery_cursor_filter(cursor: str) -> Q:
    """``<uploaded_at ISO>|<evidence id>``; a cursor holding only a timestamp is also accepted."""
    parts = decode_cursor(cursor)
    if len(parts) not in (1, 2):
        raise BadRequest(INVALID_CURSOR_TEXT)
    try:
        moment = datetime.fromisoformat(parts[0])
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
        key = uuid.UUID(parts[1]) if len(parts) == 2 else None
    except (ValueError, OverflowError):
        raise BadRequest(INVALID_CURSOR_TEXT) from None
    if key is None:
        return Q(uploaded_at__lt=moment)
    return Q(uploaded_at__lt=moment) | Q(uploaded_at=moment, id__lt=key)


def _gallery_items():
    """The published after-photos that the gallery rules allow (workflow.md §11)."""
    return Evidence.objects.filter(
        category=EvidenceCategory.EXPERT_CERTIFICATION,
        show_on_web=True,
        project__marketing_consent=True,
        project__status__in=CERTIFIED_STATUSES,
    ).filter(Exists(_published_before_photos()))


def gallery_summary() -> dict:
    """The gallery hero tiles and filter links (ui.md §4.3) over every published item, in one query."""
    rows = list(
        _gallery_items()
        .order_by()
        .values("location_tag")
        .annotate(total=Count("id"), featured=Count("id", filter=Q(is_featured=True)))
    )
    tags = sorted(row["location_tag"] for row in rows if row["location_tag"])
    return {
        "projects": sum(row["total"] for row in rows),
        "featured": sum(row["featured"] for row in rows),
        "regions": len(tags),
        "location_tags": tags,
    }


def gallery_page(*, limit: int, cursor: str | None, location_tag: str | None, featured_only: bool) -> dict:
    """One item per published after-photo of a consenting, certified project with a published before-photo.
    A single query whatever the page size: the before-photo comes from correlated subqueries."""
    before = _published_before_photos()
    rows = (
        _gallery_items()
        .annotate(before_url=Subquery(before.annotate(url=Coalesce("medium_url", "file_url")).values("url")[:1]))
        .order_by("-uploaded_at", "-id")
    )
    if location_tag is not None:
        rows = rows.filter(location_tag=location_tag)
    if featured_only:
        rows = rows.filter(is_featured=True)
    if cursor:
        rows = rows.filter(_gallery_cursor_filter(cursor))
    fields = ("id", "project_id", "file_url", "medium_url", "thumbnail_url", "location_tag", "is_featured")
    selected = list(rows.values(*fields, "uploaded_at", "before_url")[: limit + 1])
    result = page(selected, limit, lambda row: encode_cursor(utc_iso(row["uploaded_at"]), row["id"]))
    result["items"] = [
        {
            "id": str(row["id"]),
            "project_id": str(row["project_id"]),
            "before_url": row["before_url"],
            "after_url": row["medium_url"] or row["file_url"],
            "thumbnail_url": row["thumbnail_url"],
            "location_tag": row["location_tag"],
            "is_featured": row["is_featured"],
            "uploaded_at": utc_iso(row["uploaded_at"]),
        }
        for row in result["items"]
    ]
    return result


def project_evidence_list(*, project_id: uuid.UUID) -> list[Evidence]:
    """A project's photos in upload order, for the portal photo grids."""
    return list(Evidence.objects.filter(project_id=project_id).order_by("uploaded_at", "id"))


def evidence_get_by_upload_key(*, client_upload_key: str) -> Evidence | None:
    return Evidence.objects.filter(client_upload_key=client_upload_key).first()
