"""The audit action registry (workflow.md §13.4): one list of names, every written action in it, Lithuanian labels.
``audit_record`` refusing a name outside it is tested with the writer."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

from vejapro.core.audit.actions import AuditAction, audit_action_label
from vejapro.core.audit.selectors import AUDIT_ACTION_GROUPS

BASE_DIR = Path(__file__).resolve().parents[3]
SKIPPED_DIRS = {".venv", "venv", "build", "node_modules", "media", "staticfiles", "tests", "migrations"}
REGISTRY = BASE_DIR / "vejapro/core/audit/actions.py"
# The same name used for something else than an audit action.
OTHER_MEANINGS = {
    ("messaging/message_templates.py", "EMAIL_AUTO_REPLY_MISSING_DATA"),  # a message template key
    ("messaging/admin/display.py", "OFFER_SENT"),  # an intake phase of the client card (messaging.md §9.2)
}


def code_modules() -> list[Path]:
    return sorted(
        path
        for path in BASE_DIR.rglob("*.py")
        if not SKIPPED_DIRS & set(path.relative_to(BASE_DIR).parts)
        and path.name != "conftest.py"
        and not path.name.startswith("test_")
        and not any(part.endswith(".egg-info") for part in path.relative_to(BASE_DIR).parts)
    )


def test_the_walk_sees_the_writers():
    names = {str(path.relative_to(BASE_DIR)) for path in code_modules()}

    assert {"projects/services.py", "payments/services.py", "vejapro/core/audit/services.py"} <= names


def test_no_action_is_written_as_a_string_literal():
    """Every ``action=`` and ``action__in=`` argument names a registry member, never a literal or an f-string."""
    literals = []
    for path in code_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg not in ("action", "action__in"):
                    continue
                value = keyword.value
                constants = value.elts if isinstance(value, ast.List | ast.Tuple | ast.Set) else [value]
                for constant in constants:
                    is_text = isinstance(constant, ast.Constant) and isinstance(constant.value, str)
                    if (is_text and constant.value.isupper()) or isinstance(constant, ast.JoinedStr):
                        literals.append(f"{path.relative_to(BASE_DIR)}:{constant.lineno}")

    assert literals == []


def test_action_names_appear_only_in_the_registry():
    """Maps and lists of actions (alert thresholds, filter groups, retention categories…) use the members too."""
    names = set(AuditAction.values)
    found = []
    for path in code_modules():
        if path == REGISTRY:
            continue
        module = str(path.relative_to(BASE_DIR))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names and (module, node.value) not in OTHER_MEANINGS:
                found.append(f"{module}:{node.lineno} {node.value}")

    assert found == []


def test_stored_values_are_the_member_names():
    assert [action.value for action in AuditAction] == [action.name for action in AuditAction]


def test_each_action_is_in_exactly_one_filter_group():
    grouped = [action for _label, actions in AUDIT_ACTION_GROUPS.values() for action in actions]

    assert sorted(grouped) == sorted(AuditAction.values)
    assert all(isinstance(action, AuditAction) for action in grouped)


@pytest.mark.parametrize(
    ("action", "label"),
    [
        (AuditAction.STATUS_CHANGE, "Būsenos keitimas"),
        (AuditAction.CERTIFY_PROJECT, "Projektas sertifikuotas"),
        (AuditAction.PAYMENT_RECORDED_MANUAL, "Įrašytas mokėjimas"),
        (AuditAction.ESTIMATE_RULE_UPDATED, "Pakeista kainų taisyklė"),
    ],
)
def test_labels_are_lithuanian(action, label):
    with translation.override("lt"):
        assert audit_action_label(action) == label
        assert audit_action_label(action.value) == label


def test_every_label_is_translated():
    with translation.override("lt"):
        lithuanian = {action: str(action.label) for action in AuditAction}
    with translation.override("en"):
        english = {action: str(action.label) for action in AuditAction}

    assert [action for action in AuditAction if lithuanian[action] == english[action]] == []


def test_a_name_outside_the_registry_shows_as_stored():
    assert audit_action_label("LEGACY_ACTION") == "LEGACY_ACTION"
