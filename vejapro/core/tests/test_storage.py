"""The storage adapter: local files under MEDIA_ROOT and Supabase Storage behind one patched HTTP function."""

from pathlib import Path

import pytest
import requests

from vejapro.core import storage
from vejapro.core.storage import StorageError, storage_delete, storage_public_url, storage_put


def test_local_backend_writes_under_media_root_and_answers_a_site_relative_url(settings):
    settings.STORAGE_BACKEND = "local"

    url = storage_put(bucket="evidences", path="p1/abc.jpg", data=b"jpeg", content_type="image/jpeg")

    assert url == "/media/evidences/p1/abc.jpg"
    target = Path(settings.MEDIA_ROOT) / "evidences" / "p1" / "abc.jpg"
    assert target.read_bytes() == b"jpeg"

    storage_delete(bucket="evidences", paths=["p1/abc.jpg", "p1/missing.jpg"])
    assert not target.exists()


@pytest.mark.parametrize("path", ["../etc/passwd", "/abs/path.jpg", "p1/../../x.jpg", "p1//x.jpg", "p1/x y.jpg", ""])
def test_unsafe_paths_are_refused(settings, path):
    settings.STORAGE_BACKEND = "local"
    with pytest.raises(StorageError):
        storage_put(bucket="evidences", path=path, data=b"x", content_type="image/jpeg")


class FakeSupabase:
    def __init__(self, status_code=200, error=None):
        self.calls = []
        self.status_code = status_code
        self.error = error

    def __call__(self, method, url, *, headers, data=None, json=None):
        self.calls.append({"method": method, "url": url, "headers": headers, "data": data, "json": json})
        if self.error:
            raise self.error
        return type("Answer", (), {"status_code": self.status_code})()


@pytest.fixture
def supabase(settings, monkeypatch):
    settings.STORAGE_BACKEND = "supabase"
    settings.SUPABASE_URL = "https://abc.supabase.co"
    settings.SUPABASE_SERVICE_ROLE_KEY = "service-key"
    fake = FakeSupabase()
    monkeypatch.setattr(storage, "supabase_request", fake)
    return fake


def test_supabase_upload_posts_the_object_and_answers_the_public_url(supabase):
    url = storage_put(bucket="evidences", path="p1/abc_thumb.webp", data=b"webp", content_type="image/webp")

    assert url == "https://abc.supabase.co/storage/v1/object/public/evidences/p1/abc_thumb.webp"
    [call] = supabase.calls
    assert call["method"] == "POST"
    assert call["url"] == "https://abc.supabase.co/storage/v1/object/evidences/p1/abc_thumb.webp"
    assert call["headers"]["Authorization"] == "Bearer service-key"
    assert call["headers"]["Content-Type"] == "image/webp"
    assert call["data"] == b"webp"


def test_supabase_delete_sends_the_prefixes(supabase):
    storage_delete(bucket="evidences", paths=["p1/a.jpg", "p1/a_md.webp"])

    [call] = supabase.calls
    assert (call["method"], call["url"]) == ("DELETE", "https://abc.supabase.co/storage/v1/object/evidences")
    assert call["json"] == {"prefixes": ["p1/a.jpg", "p1/a_md.webp"]}


@pytest.mark.parametrize(
    "fake", [FakeSupabase(status_code=400), FakeSupabase(error=requests.ConnectionError("down"))], ids=["http", "net"]
)
def test_supabase_failures_raise_storage_error(supabase, monkeypatch, fake):
    monkeypatch.setattr(storage, "supabase_request", fake)
    with pytest.raises(StorageError):
        storage_put(bucket="evidences", path="p1/a.jpg", data=b"x", content_type="image/jpeg")


def test_supabase_without_configuration_raises_storage_error(supabase, settings):
    settings.SUPABASE_SERVICE_ROLE_KEY = ""
    with pytest.raises(StorageError):
        storage_put(bucket="evidences", path="p1/a.jpg", data=b"x", content_type="image/jpeg")
    assert supabase.calls == []


def test_backend_is_chosen_at_call_time(settings):
    settings.SUPABASE_URL = "https://abc.supabase.co"
    settings.STORAGE_BACKEND = "local"
    assert storage_public_url(bucket="evidences", path="a/b.jpg") == "/media/evidences/a/b.jpg"
    settings.STORAGE_BACKEND = "supabase"
    assert storage_public_url(bucket="evidences", path="a/b.jpg") == (
        "https://abc.supabase.co/storage/v1/object/public/evidences/a/b.jpg"
    )
