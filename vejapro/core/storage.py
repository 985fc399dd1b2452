"""Storage adapter: Supabase Storage (production) or local files under MEDIA_ROOT (workflow.md §8).

The backend is chosen by ``STORAGE_BACKEND`` at call time. Object paths are ``<project uuid>/<uuid><ext>`` inside a
bucket; ``local`` writes ``MEDIA_ROOT/<bucket>/<path>`` and answers the site-relative URL ``/media/<bucket>/<path>``,
``supabase`` uploads through the Storage REST API and answers the public object URL. Only ``supabase_request`` talks
to the network, so tests patch that one function.
"""

import logging
import re
from pathlib import Path

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

STORAGE_TIMEOUT_SECONDS = 30
# Object paths are built by the services (uuids and a short extension); anything else is refused.
SAFE_PATH_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*$")


class StorageError(Exception):
    """The object could not be stored or removed."""


def _checked_path(path: str) -> str:
    if not SAFE_PATH_RE.match(path) or ".." in path:
        raise StorageError(f"unsafe storage path: {path!r}")
    return path


def _backend() -> str:
    return str(getattr(settings, "STORAGE_BACKEND", "local") or "local").lower()


def storage_public_url(*, bucket: str, path: str) -> str:
    path = _checked_path(path)
    if _backend() == "supabase":
        return f"{settings.SUPABASE_URL.rstrip('/')}/storage/v1/object/public/{bucket}/{path}"
    return f"{settings.MEDIA_URL.rstrip('/')}/{bucket}/{path}"


def storage_put(*, bucket: str, path: str, data: bytes, content_type: str) -> str:
    """Store one object and return its public URL. Raises ``StorageError`` on any failure."""
    path = _checked_path(path)
    if _backend() == "supabase":
        _supabase_put(bucket=bucket, path=path, data=data, content_type=content_type)
    else:
        _local_put(bucket=bucket, path=path, data=data)
    return storage_public_url(bucket=bucket, path=path)


def storage_delete(*, bucket: str, paths: list[str]) -> None:
    """Remove objects; a missing object is not an error. Raises ``StorageError`` when the backend refuses."""
    paths = [_checked_path(path) for path in paths if path]
    if not paths:
        return
    if _backend() == "supabase":
        _supabase_delete(bucket=bucket, paths=paths)
    else:
        for path in paths:
            _local_file(bucket, path).unlink(missing_ok=True)


# --- local backend ----------------------------------------------------------------------------------------


def _local_file(bucket: str, path: str) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve() / bucket
    target = (root / path).resolve()
    if root not in target.parents:
        raise StorageError(f"path escapes the media root: {path!r}")
    return target


def _local_put(*, bucket: str, path: str, data: bytes) -> None:
    target = _local_file(bucket, path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError as exc:
        raise StorageError(str(exc)) from exc


# --- Supabase backend -------------------------------------------------------------------------------------


def supabase_request(method: str, url: str, *, headers: dict[str, str], data=None, json=None) -> requests.Response:
    """The single network call of the adapter (tests replace it)."""
    return requests.request(method, url, headers=headers, data=data, json=json, timeout=STORAGE_TIMEOUT_SECONDS)


def _supabase_headers(content_type: str | None = None) -> dict[str, str]:
    key = settings.SUPABASE_SERVICE_ROLE_KEY
    headers = {"Authorization": f"Bearer {key}", "apikey": key}
    if content_type:
        headers["Content-Type"] = content_type
    return headers


def _supabase_base() -> str:
    if not settings.SUPABASE_URL or not settings.SUPABASE_SERVICE_ROLE_KEY:
        raise StorageError("Supabase Storage is not configured")
    return f"{settings.SUPABASE_URL.rstrip('/')}/storage/v1/object"


def _supabase_put(*, bucket: str, path: str, data: bytes, content_type: str) -> None:
    url = f"{_supabase_base()}/{bucket}/{path}"
    headers = {**_supabase_headers(content_type), "x-upsert": "false", "Cache-Control": "max-age=31536000"}
    try:
        response = supabase_request("POST", url, headers=headers, data=data)
    except requests.RequestException as exc:
        raise StorageError(f"upload failed: {type(exc).__name__}") from exc
    if response.status_code >= 300:
        raise StorageError(f"upload refused with HTTP {response.status_code}")


def _supabase_delete(*, bucket: str, paths: list[str]) -> None:
    url = f"{_supabase_base()}/{bucket}"
    try:
        headers = _supabase_headers("application/json")
        response = supabase_request("DELETE", url, headers=headers, json={"prefixes": paths})
    except requests.RequestException as exc:
        raise StorageError(f"delete failed: {type(exc).__name__}") from exc
    if response.status_code >= 300:
        raise StorageError(f"delete refused with HTTP {response.status_code}")
