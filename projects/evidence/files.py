"""Stored photo files: the storage paths of an evidence row and their removal once a deletion has committed."""

import logging
import uuid

from django.conf import settings
from django.db import transaction

from projects.models import Evidence
from vejapro.core.storage import StorageError, storage_delete

logger = logging.getLogger(__name__)


def evidence_bucket() -> str:
    return settings.SUPABASE_STORAGE_BUCKET_EVIDENCES


def evidence_files_forget(paths: list[str]) -> None:
    """Remove stored objects; a failure is logged, never raised, since the rows they belonged to are already gone."""
    try:
        storage_delete(bucket=evidence_bucket(), paths=paths)
    except StorageError:
        logger.warning("could not remove stored objects of a failed upload: %s", paths)


def evidence_stored_paths(evidence: Evidence) -> list[str]:
    """The original and its two variants; rows imported without ``storage_path`` have nothing to remove."""
    if not evidence.storage_path:
        return []
    stem = evidence.storage_path.rsplit(".", 1)[0]
    return [evidence.storage_path, f"{stem}_thumb.webp", f"{stem}_md.webp"]


def evidence_files_remove_after_commit(*, project_id: uuid.UUID) -> None:
    """When a project's rows go (a deleted DRAFT), its stored photos go too, once the deletion has committed."""
    paths = [
        path for evidence in Evidence.objects.filter(project_id=project_id) for path in evidence_stored_paths(evidence)
    ]
    if paths:
        transaction.on_commit(lambda: evidence_files_forget(paths))
