"""Static files come from the app server itself, as in production (DEBUG off): collectstatic writes content-hashed,
compressed files and WhiteNoise serves them, so gunicorn alone shows the admin with its stylesheets."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

import vejapro.settings as project_settings


@pytest.fixture
def collected(settings, tmp_path):
    settings.DEBUG = False
    settings.STATIC_ROOT = str(tmp_path / "static")
    settings.STORAGES = project_settings.STORAGES
    call_command("collectstatic", "--noinput", verbosity=0)
    return settings


def test_a_hashed_static_url_answers_200_compressed_and_cached_for_a_year(collected):
    url = static("admin/css/base.css")
    client = Client()  # a new handler: WhiteNoise indexes STATIC_ROOT when its middleware starts

    plain = client.get(url)
    gzipped = client.get(url, headers={"accept-encoding": "gzip"})

    assert url != "/static/admin/css/base.css"
    assert url.startswith("/static/admin/css/base.")
    assert plain.status_code == 200
    assert (
        b"".join(plain.streaming_content) == (Path(collected.STATIC_ROOT) / url.removeprefix("/static/")).read_bytes()
    )
    assert plain["Content-Type"].startswith("text/css")
    assert plain["Cache-Control"] == "max-age=315360000, public, immutable"
    assert gzipped["Content-Encoding"] == "gzip"


def test_the_admin_sign_in_page_links_the_hashed_stylesheets(collected):
    html = Client().get("/admin/login/").content.decode()

    assert f'href="{static("admin/css/base.css")}"' in html
    assert Client().get(static("admin/css/base.css")).status_code == 200
