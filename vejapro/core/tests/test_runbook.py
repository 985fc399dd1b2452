"""deploy/RUNBOOK.md (security-ops.md §12): every command it tells the operator to run exists in this repository."""

import re
from pathlib import Path

import pytest
from django.core.management import get_commands

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
RUNBOOK = (DEPLOY / "RUNBOOK.md").read_text()


def test_every_manage_command_exists():
    named = set(re.findall(r"\bmanage(?:\.py)? ([a-z_]+)", RUNBOOK))

    assert named - set(get_commands()) == set()
    assert {"import_legacy", "export_changes", "purge_retention", "stripe_reconcile", "migrate", "check"} <= named


def test_every_script_exists_in_deploy_bin():
    named = set(re.findall(r"(?:^|[\s`(])(vejapro-[a-z-]+)(?=[\s`)]|$)", RUNBOOK, flags=re.MULTILINE))
    units = {path.stem for path in (DEPLOY / "systemd").iterdir()}

    scripts = {name for name in named if name not in units or (DEPLOY / "bin" / name).exists()}
    assert scripts - {path.name for path in (DEPLOY / "bin").iterdir()} == set()
    assert {"vejapro-backup", "vejapro-restore-drill"} <= scripts


def test_every_deploy_file_it_names_exists():
    paths = set(re.findall(r"\bdeploy/[\w./-]*\w", RUNBOOK))

    assert paths
    assert {path for path in paths if not (DEPLOY.parent / path).exists()} == set()


# vejapro-pull.timer is the old system's timer, which the runbook stops; it is not part of this repository.
NEW_UNITS = sorted(set(re.findall(r"\b(vejapro-[a-z-]+\.(?:timer|path))\b", RUNBOOK)) - {"vejapro-pull.timer"})


@pytest.mark.parametrize("unit", NEW_UNITS)
def test_every_timer_and_path_unit_it_enables_exists(unit):
    assert (DEPLOY / "systemd" / unit).exists()
