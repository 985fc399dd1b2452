"""System tools some tests need (nginx, systemd-analyze, the PostgreSQL client programs).

On a developer machine without the tool the test is skipped; under CI (``CI=true``, where ``.ci/run`` installs them
from Debian packages) a missing tool fails the test, so CI can never pass by skipping what it is meant to prove."""

import os
import shutil

import pytest

REQUIRED = os.environ.get("CI") == "true"


def require_tool(name: str, *, installed_by: str) -> str:
    """The path of ``name``; skips the test when it is missing, fails it instead under CI."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed ({installed_by})"
        if REQUIRED:
            pytest.fail(f"CI needs {message}")
        pytest.skip(message)
    return path
