"""Every bad input answers a clear 4xx and changes nothing: never a 500 (evidence, certification, consent, gallery,
activation and client-access endpoints; the project endpoints are in test_bad_input.py, payments in payments/)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.models import ClientConfirmation, NotificationOutbox
from payments.models import Payment
from projects.models import Evidence, Project
from projects.tests.factories import add_photos, make_project
from projects.tests.test_bad_input import GARBAGE_BODIES
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db

FIELD_GARBAGE = [
    '{"project_id": null, "checklist": null, "notes": null}',
    '{"project_id": [], "checklist": [], "notes": []}',
    '{"project_id": {}, "checklist": {"ground": null}}',
    '{"project_id": "PID", "checklist": {"ground": "true"}, "notes": 5}',
    '{"project_id": "PID", "checklist": {"a\\u0000": true}}',
    '{"project_id": "PID", "notes": "a\\u0000b"}',
    '{"reason": null}',
    '{"reason": ["abc"]}',
    '{"reason": "   "}',
    '{"reason": "' + "x" * 600 + '"}',
    '{"consent": null}',
    '{"consent": "false"}',
    '{"consent": 0}',
    '{"location_tag": 5, "is_featured": "yes"}',
    '{"location_tag": "' + "x" * 200 + '"}',
    '{"location_tag": "a\\u0000b"}',
    '{"count": 0}',
    '{"count": 1e9}',
    '{"count": "3"}',
    '{"count": null}',
    '{"a": 1, "a": 2}',
]
# Each path with the caller who gets furthest into it (the assigned expert, the owner, or the admin).
POSTS = {
    "/api/v1/certify-project": "expert_user",
    "/api/v1/upload-evidence": "expert_user",
    "/api/v1/admin/projects/{pk}/seed-cert-photos": "admin_user",
    "/api/v1/projects/{pk}/marketing-consent": "client_user",
    "/api/v1/evidences/{ev}/approve-for-web": "expert_user",
    "/api/v1/admin/projects/{pk}/admin-confirm": "admin_user",
    "/api/v1/admin/projects/{pk}/send-client-access": "admin_user",
}
GETS = {
    "/api/v1/projects/{pk}/certificate": "client_user",
    "/api/v1/admin/projects/{pk}/payments": "admin_user",
    "/api/v1/gallery": "admin_user",
}
QUERIES = [
    "limit=0", "limit=61", "limit=abc", "limit=", "limit=1e3", "limit=99999999999999999999",
    "cursor=", "cursor=%00", "cursor=====", "cursor=" + "A" * 3000,
    "cursor=MjAyNi0wMS0wMVQwMDowMDowMCswMDowMHx4",  # "2026-01-01T00:00:00+00:00|x"
    "cursor=OTk5OS0xMi0zMVQyMzo1OTo1OS0yMzo1OQ==",  # "9999-12-31T23:59:59-23:59"
    "location_tag=%00", "featured_only=maybe", "limit=1&limit=x",
]  # fmt: skip
MODELS = (Project, Evidence, Payment, ClientConfirmation, NotificationOutbox, AuditLog)


def snapshot(project: Project) -> tuple:
    project.refresh_from_db()
    return (
        tuple(model.objects.count() for model in MODELS),
        project.status,
        project.marketing_consent,
        tuple(Evidence.objects.order_by("id").values_list("show_on_web", "is_featured", "location_tag")),
    )


@pytest.fixture
def project(settings, client_user, contractor_user, expert_user):
    settings.ENABLE_MARKETING_MODULE = True
    project = make_project("PENDING_EXPERT", client=client_user, contractor=contractor_user, expert=expert_user)
    add_photos(project, 3)
    return project


@pytest.mark.parametrize("path", list(POSTS))
def test_garbage_bodies(api, request, project, path):
    client = api(request.getfixturevalue(POSTS[path]))
    evidence = Evidence.objects.filter(project=project).first()
    url = path.format(pk=project.pk, ev=evidence.pk)
    before = snapshot(project)
    for raw in GARBAGE_BODIES + [body.replace("PID", str(project.pk)) for body in FIELD_GARBAGE]:
        for content_type in ("application/json", "text/plain", "multipart/form-data; boundary=xx"):
            response = client.post(url, data=raw.encode("utf-8", "surrogateescape"), content_type=content_type)
            if response.status_code < 400:
                before = snapshot(project)  # an input that is valid for this endpoint (an empty body, say)
                continue
            assert response.status_code < 500, (raw, content_type, response.status_code, response.content[:200])
            assert "detail" in response.json()
            assert snapshot(project) == before, (raw, content_type)


@pytest.mark.parametrize("path", list(POSTS))
@pytest.mark.parametrize("pk", ["nope", "%00", "a" * 300, "00000000-0000-0000-0000-000000000000"])
def test_garbage_ids_are_404(api, request, project, path, pk):
    body = {"project_id": pk, "reason": "Klientas patvirtino", "checklist": {"ground": True}}
    response = api(request.getfixturevalue(POSTS[path])).post_json(path.format(pk=pk, ev=pk), body)
    if "upload-evidence" in path:
        assert response.status_code == 422  # no file: validation answers before the lookup (api.md §1.4)
        return
    expected = "Evidence not found" if "evidences/" in path else "Projektas nerastas"
    assert (response.status_code, response.json()) == (404, {"detail": expected})


@pytest.mark.parametrize("path", list(GETS))
def test_garbage_queries(api, request, project, path):
    client = api(request.getfixturevalue(GETS[path]))
    for pk in (str(project.pk), "nope", "00000000-0000-0000-0000-000000000000"):
        for query in QUERIES:
            response = client.get(path.format(pk=pk) + "?" + query)
            assert response.status_code < 500, (path, pk, query, response.status_code)


@pytest.mark.parametrize("user", ["admin_user", "contractor_user", "expert_user"])
def test_garbage_multipart_uploads(api, request, project, user):
    client = api(request.getfixturevalue(user))
    pk = str(project.pk)

    def file(name="a.jpg", data=b"x", content_type="image/jpeg"):
        return SimpleUploadedFile(name, data, content_type=content_type)

    variants = [
        {},
        {"project_id": pk},
        {"project_id": pk, "category": "SITE_BEFORE"},
        {"project_id": pk, "category": "SITE_BEFORE", "file": "not-a-file"},
        {"project_id": "", "category": "SITE_BEFORE", "file": file()},
        {"project_id": "x" * 5000, "category": "SITE_BEFORE", "file": file()},
        {"project_id": pk, "category": "bogus", "file": file()},
        {"project_id": pk, "category": "site_before", "file": file()},
        {"project_id": pk, "category": "SITE_BEFORE", "file": file(name="a")},
        {"project_id": pk, "category": "SITE_BEFORE", "file": file(name="a.\x00jpg")},
        {"project_id": pk, "category": "SITE_BEFORE", "file": file(name="a.svg", data=b"<svg/>")},
        {"project_id": pk, "category": "SITE_BEFORE", "file": file(content_type="image/jpeg\x00")},
        {"project_id": pk, "category": "SITE_BEFORE", "file": file(name="a.png", data=b"")},
        {"project_id": [pk, "x"], "category": ["SITE_BEFORE", "WORK_IN_PROGRESS"]},
    ]
    for data in variants:
        before = snapshot(project)
        response = client.post("/api/v1/upload-evidence", data=data)
        if response.status_code < 400:
            continue
        assert response.status_code < 500, (data, response.status_code, response.content[:200])
        assert snapshot(project) == before, data
