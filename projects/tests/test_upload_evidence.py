"""POST /api/v1/upload-evidence (api.md §7.1, workflow.md §6.4, §8)."""

import io
import os
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from projects.models import Evidence, ProjectStatus
from projects.tests.factories import image_bytes
from vejapro.core.models import AuditLog
from vejapro.core.storage import StorageError
from vejapro.core.tests.audit import assert_audited, audit_rows

URL = "/api/v1/upload-evidence"
pytestmark = pytest.mark.django_db


def jpeg_with_gps(size=(1600, 1200)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # the camera was turned: show rotated by 90°
    exif[ExifTags.Base.Make] = "KameraX"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (54.0, 41.0, 12.5), 3: "E", 4: (25.0, 17.0, 3.0)}
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 150, 40)).save(buffer, format="JPEG", exif=exif)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture really has GPS
    return data


def upload(client, project_id, category="SITE_BEFORE", name="photo.jpg", data=None, content_type="image/jpeg"):
    payload = {"project_id": str(project_id), "category": category}
    if data is not None or name is not None:
        payload["file"] = SimpleUploadedFile(name, image_bytes() if data is None else data, content_type=content_type)
    return client.post(URL, payload)


def media_file(settings, url: str) -> Path:
    assert url.startswith("/media/")
    return Path(settings.MEDIA_ROOT) / url.removeprefix("/media/")


def test_jpeg_upload_strips_exif_and_gps_and_makes_webp_variants(api, settings, make_owned_project, contractor_user):
    project = make_owned_project(ProjectStatus.SCHEDULED)

    response = upload(api(contractor_user), project.pk, data=jpeg_with_gps(size=(2600, 1300)))

    assert response.status_code == 200
    body = response.json()
    evidence = Evidence.objects.get()
    assert body == {
        "evidence_id": str(evidence.pk),
        "file_url": evidence.file_url,
        "thumbnail_url": evidence.thumbnail_url,
        "medium_url": evidence.medium_url,
        "category": "SITE_BEFORE",
    }
    prefix = f"/media/evidences/{project.pk}/"
    assert body["file_url"].startswith(prefix)
    assert body["file_url"].endswith(".jpg")
    assert body["thumbnail_url"].startswith(prefix)
    assert body["thumbnail_url"].endswith("_thumb.webp")
    assert body["medium_url"].endswith("_md.webp")
    assert evidence.storage_path == body["file_url"].removeprefix("/media/evidences/")
    assert evidence.uploaded_by == contractor_user
    assert (evidence.show_on_web, evidence.is_featured) == (False, False)

    original = Image.open(media_file(settings, body["file_url"]))
    assert original.format == "JPEG"
    assert original.size == (1300, 2600)  # orientation applied
    assert dict(original.getexif()) == {}
    assert b"KameraX" not in media_file(settings, body["file_url"]).read_bytes()

    thumbnail = Image.open(media_file(settings, body["thumbnail_url"]))
    assert thumbnail.format == "WEBP"
    assert thumbnail.width <= 400
    assert thumbnail.height <= 300
    assert dict(thumbnail.getexif()) == {}

    medium = Image.open(media_file(settings, body["medium_url"]))
    assert medium.format == "WEBP"
    assert medium.size == (1200, 2400)
    assert dict(medium.getexif()) == {}

    assert_audited(
        "UPLOAD_EVIDENCE",
        entity_type="evidence",
        entity_id=evidence.pk,
        actor_type="SUBCONTRACTOR",
        actor_id=str(contractor_user.pk),
        old_value=None,
        new_value={"file_url": body["file_url"], "category": "SITE_BEFORE", "project_id": str(project.pk)},
        exact=True,
    )


def test_storage_paths_follow_the_bucket_layout(api, make_owned_project, admin_user):
    """``{project_id}/{uuid}{ext}`` and ``{uuid}_thumb.webp`` / ``{uuid}_md.webp`` beside it (workflow.md §8)."""
    project = make_owned_project()

    body = upload(api(admin_user), project.pk, name="Foto.JPEG").json()

    name = body["file_url"].removeprefix(f"/media/evidences/{project.pk}/").removesuffix(".jpg")
    assert str(uuid.UUID(name)) == name  # a lowercase hyphenated UUID, like every id of the API
    assert body["thumbnail_url"] == f"/media/evidences/{project.pk}/{name}_thumb.webp"
    assert body["medium_url"] == f"/media/evidences/{project.pk}/{name}_md.webp"
    assert Evidence.objects.get().storage_path == f"{project.pk}/{name}.jpg"


def test_medium_variant_is_at_most_1200_wide_and_never_upscaled(api, settings, make_owned_project, admin_user):
    project = make_owned_project()
    wide = upload(api(admin_user), project.pk, data=image_bytes(size=(3000, 1000))).json()
    small = upload(api(admin_user), project.pk, data=image_bytes(size=(640, 480))).json()

    assert Image.open(media_file(settings, wide["medium_url"])).size == (1200, 400)
    assert Image.open(media_file(settings, small["medium_url"])).size == (640, 480)


def test_png_expert_certification_photo_keeps_its_format_and_transparency(
    api, settings, make_owned_project, expert_user
):
    project = make_owned_project(ProjectStatus.PENDING_EXPERT)
    png = image_bytes("PNG", size=(800, 600))

    response = upload(api(expert_user), project.pk, "EXPERT_CERTIFICATION", "sklypas.png", png, "image/png")

    assert response.status_code == 200
    body = response.json()
    assert body["category"] == "EXPERT_CERTIFICATION"
    assert body["file_url"].endswith(".png")
    stored = Image.open(media_file(settings, body["file_url"]))
    assert (stored.format, stored.mode, stored.size) == ("PNG", "RGBA", (800, 600))
    assert Image.open(media_file(settings, body["thumbnail_url"])).size == (400, 300)
    assert_audited("UPLOAD_EVIDENCE", count=1)


def test_large_original_is_stored_as_jpeg_when_that_is_smaller(api, settings, make_owned_project, admin_user):
    project = make_owned_project()
    noise = Image.frombytes("RGB", (1100, 1000), os.urandom(1100 * 1000 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    assert len(buffer.getvalue()) > 2 * 1024 * 1024

    response = upload(api(admin_user), project.pk, name="noise.png", data=buffer.getvalue(), content_type="image/png")

    body = response.json()

    assert body["file_url"].endswith(".jpg")
    assert Image.open(media_file(settings, body["file_url"])).format == "JPEG"


def test_undecodable_file_of_an_accepted_type_is_stored_as_sent_without_variants(
    api, settings, make_owned_project, contractor_user
):
    project = make_owned_project()
    garbage = b"\xff\xd8\xff\xe0 definitely not a complete jpeg " * 20

    response = upload(api(contractor_user), project.pk, "WORK_IN_PROGRESS", "broken.jpg", garbage, "image/jpeg")

    assert response.status_code == 200
    body = response.json()
    assert body["thumbnail_url"] is None
    assert body["medium_url"] is None
    assert body["file_url"].endswith(".jpg")
    assert media_file(settings, body["file_url"]).read_bytes() == garbage
    assert_audited("UPLOAD_EVIDENCE", count=1)


def test_type_is_accepted_by_extension_or_by_content_type(api, make_owned_project, admin_user):
    project = make_owned_project()
    by_extension = upload(api(admin_user), project.pk, name="photo.WEBP", content_type="application/octet-stream")
    by_type = upload(api(admin_user), project.pk, name="blob", content_type="image/jpeg")

    assert by_extension.status_code == 200
    assert by_type.status_code == 200
    assert by_type.json()["file_url"].endswith(".jpg")


@pytest.mark.parametrize(
    ("name", "data", "content_type", "status", "detail"),
    [
        ("photo.jpg", b"", "image/jpeg", 400, "Empty file"),
        ("huge.jpg", b"\0" * (10 * 1024 * 1024 + 1), "image/jpeg", 413, "File is too large"),
        ("bigger.jpg", b"\0" * (13 * 1024 * 1024), "image/jpeg", 413, "File is too large"),
        ("notes.txt", b"hello", "text/plain", 400, "Nepalaikomas failo tipas"),
        ("doc.pdf", b"%PDF-1.4", "application/pdf", 400, "Nepalaikomas failo tipas"),
        ("image.svg", b"<svg/>", "image/svg+xml", 400, "Nepalaikomas failo tipas"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(
    api, settings, make_owned_project, admin_user, name, data, content_type, status, detail
):
    project = make_owned_project()

    response = upload(api(admin_user), project.pk, name=name, data=data, content_type=content_type)

    assert response.status_code == status
    assert response.json() == {"detail": detail}
    assert not Evidence.objects.exists()
    assert not AuditLog.objects.filter(action="UPLOAD_EVIDENCE").exists()
    assert not (Path(settings.MEDIA_ROOT) / "evidences").exists()


def test_exactly_ten_mib_is_accepted(api, make_owned_project, admin_user):
    project = make_owned_project()
    response = upload(api(admin_user), project.pk, name="big.jpg", data=b"\1" * (10 * 1024 * 1024))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"category": "SITE_BEFORE", "file": True}, "project_id"),
        ({"project_id": "x", "file": True}, "category"),
        ({"project_id": "x", "category": "AFTER", "file": True}, "category"),
        ({"project_id": "x", "category": "SITE_BEFORE"}, "file"),
        ({"project_id": "x", "category": "SITE_BEFORE", "file": "not a file"}, "file"),
    ],
)
def test_missing_or_invalid_fields_are_422(api, admin_user, payload, field):
    if payload.get("file") is True:
        payload["file"] = SimpleUploadedFile("a.jpg", image_bytes(), content_type="image/jpeg")

    response = api(admin_user).post(URL, payload)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]


@pytest.mark.parametrize("project_id", ["not-a-uuid", "00000000-0000-0000-0000-00000000000g", str(Evidence().pk)])
def test_unknown_or_malformed_project_is_404(api, admin_user, project_id):
    response = upload(api(admin_user), project_id)

    assert response.status_code == 404
    assert response.json() == {"detail": "Projektas nerastas"}


def test_permission_matrix(
    api, make_owned_project, admin_user, client_user, contractor_user, expert_user, other_contractor, other_expert
):
    project = make_owned_project()
    cases = [
        (None, "SITE_BEFORE", 401, "Truksta Bearer zetono"),
        (client_user, "SITE_BEFORE", 403, "Draudžiama"),
        (other_contractor, "SITE_BEFORE", 403, "Prieiga uždrausta"),
        (other_expert, "EXPERT_CERTIFICATION", 403, "Prieiga uždrausta"),
        (contractor_user, "EXPERT_CERTIFICATION", 403, "Prieiga uždrausta"),
        (expert_user, "SITE_BEFORE", 403, "Prieiga uždrausta"),
        (expert_user, "WORK_IN_PROGRESS", 403, "Prieiga uždrausta"),
    ]
    for user, category, status, detail in cases:
        response = upload(api(user), project.pk, category)
        assert (response.status_code, response.json()) == (status, {"detail": detail}), (user, category)
    assert not Evidence.objects.exists()

    allowed = [
        (contractor_user, "SITE_BEFORE"),
        (contractor_user, "WORK_IN_PROGRESS"),
        (expert_user, "EXPERT_CERTIFICATION"),
        (admin_user, "SITE_BEFORE"),
        (admin_user, "WORK_IN_PROGRESS"),
        (admin_user, "EXPERT_CERTIFICATION"),
    ]
    for user, category in allowed:
        assert upload(api(user), project.pk, category).status_code == 200, (user, category)
    assert Evidence.objects.count() == len(allowed)
    assert len(audit_rows("UPLOAD_EVIDENCE")) == len(allowed)


def test_any_project_status_accepts_uploads(api, make_owned_project, admin_user):
    for status in ProjectStatus.values:
        project = make_owned_project(status)
        assert upload(api(admin_user), project.pk).status_code == 200


def test_storage_failure_of_the_original_is_502_and_nothing_is_recorded(
    api, settings, make_owned_project, admin_user, monkeypatch
):
    def failing_put(**kwargs):
        raise StorageError("bucket unavailable")

    monkeypatch.setattr("projects.evidence.services.storage_put", failing_put)
    project = make_owned_project()

    masked = upload(api(admin_user), project.pk)
    settings.EXPOSE_ERROR_DETAILS = True
    exposed = upload(api(admin_user), project.pk)

    assert (masked.status_code, masked.json()) == (502, {"detail": "Įvyko vidinė klaida"})
    assert (exposed.status_code, exposed.json()) == (502, {"detail": "Nepavyko įkelti į saugyklą"})
    assert not Evidence.objects.exists()
    assert not AuditLog.objects.filter(action="UPLOAD_EVIDENCE").exists()


def test_failed_variant_leaves_its_url_null(api, make_owned_project, admin_user, monkeypatch):
    from vejapro.core import storage

    def put(**kwargs):
        if kwargs["path"].endswith("_thumb.webp"):
            raise StorageError("thumbnail refused")
        return storage.storage_put(**kwargs)

    monkeypatch.setattr("projects.evidence.services.storage_put", put)

    body = upload(api(admin_user), make_owned_project().pk).json()

    assert body["thumbnail_url"] is None
    assert body["medium_url"].endswith("_md.webp")


def test_supabase_backend_returns_the_public_object_url(api, settings, make_owned_project, admin_user, monkeypatch):
    settings.STORAGE_BACKEND = "supabase"
    settings.SUPABASE_URL = "https://abc.supabase.co"
    settings.SUPABASE_SERVICE_ROLE_KEY = "service-role-key"
    calls = []

    class Answer:
        status_code = 200

    def fake_request(method, url, *, headers, data=None, json=None):
        calls.append((method, url, headers["Content-Type"], len(data)))
        return Answer()

    monkeypatch.setattr("vejapro.core.storage.supabase_request", fake_request)
    project = make_owned_project()

    body = upload(api(admin_user), project.pk).json()

    public = f"https://abc.supabase.co/storage/v1/object/public/evidences/{project.pk}/"
    assert body["file_url"].startswith(public)
    assert body["thumbnail_url"].startswith(public)
    assert [call[0] for call in calls] == ["POST", "POST", "POST"]
    assert calls[0][1] == body["file_url"].replace("/object/public/", "/object/")
    assert [call[2] for call in calls] == ["image/jpeg", "image/webp", "image/webp"]
