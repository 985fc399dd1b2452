"""Scratch PostgreSQL databases for tests that need a second database (the legacy import source, the restore
drill target). Named after the database of ``DATABASE_URL`` so parallel CI runs and developers do not collide."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import psycopg


def _admin_url() -> tuple[str, str]:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return parts._replace(path="/postgres").geturl(), parts.path.lstrip("/")


@contextmanager
def scratch_database(suffix: str) -> Iterator[str]:
    """Create ``<DATABASE_URL's name>_<suffix>_<pid>``, yield its URL, drop it afterwards."""
    admin_url, base = _admin_url()
    name = f"{base}_{suffix}_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
