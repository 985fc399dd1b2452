"""Lithuanian first, English available (issue 2 §8, README §8): complete catalogues committed compiled."""

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]
CATALOGUES = sorted(
    path
    for path in BASE_DIR.glob("**/locale/lt/LC_MESSAGES/django.po")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)


def catalog(mo: Path) -> dict:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)


def test_the_project_catalogue_exists():
    assert BASE_DIR / "locale/lt/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext (msgfmt)")
@pytest.mark.parametrize("po", CATALOGUES, ids=[str(path.relative_to(BASE_DIR)) for path in CATALOGUES])
def test_catalogue_is_complete_and_its_committed_mo_is_current(po, tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(  # noqa: S603 - msgfmt on our own catalogue
        ["msgfmt", "--check", "--statistics", "-o", str(compiled), str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr
    assert catalog(compiled) == catalog(po.with_suffix(".mo")), "run make messages and commit the .mo"


@pytest.mark.django_db
def test_lithuanian_is_the_default_language_of_pages(client):
    response = client.get("/admin/login/")

    assert response["Content-Language"] == "lt"
    assert "Prisijungti" in response.content.decode()


@pytest.mark.django_db
def test_english_is_available(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/admin/login/")

    assert response["Content-Language"] == "en"
    assert "Log in" in response.content.decode()
    assert "Prisijungti" not in response.content.decode()


IGNORED = shutil.ignore_patterns(
    ".venv", ".git", "__pycache__", "media", "staticfiles", "test-artifacts", "db.sqlite3", ".ruff_cache", "*.mo"
)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_every_user_facing_string_of_the_code_is_translated(tmp_path):
    """``make messages`` on a copy of the tree adds no untranslated or fuzzy entry to any catalogue."""
    tree = tmp_path / "tree"
    shutil.copytree(BASE_DIR, tree, ignore=IGNORED, symlinks=True)
    (tree / ".venv").symlink_to(BASE_DIR / ".venv")
    subprocess.run(  # noqa: S603 - Django's makemessages on the copy
        [
            str(BASE_DIR / ".venv/bin/python"),
            "manage.py",
            "makemessages",
            "-l",
            "lt",
            "--no-obsolete",
            "--no-location",
            "--ignore=.venv",
            "--ignore=bench",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    problems = {}
    for po in sorted(tree.glob("**/locale/lt/LC_MESSAGES/django.po")):
        result = subprocess.run(  # noqa: S603
            ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        )
        untranslated = subprocess.run(  # noqa: S603
            ["msgattrib", "--untranslated", "--no-obsolete", str(po)],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        )
        entries = [
            line
            for line in (result.stdout + untranslated.stdout).splitlines()
            if line.startswith('msgid "') and line != 'msgid ""'
        ]
        if entries:
            problems[str(po.relative_to(tree))] = entries

    assert problems == {}
