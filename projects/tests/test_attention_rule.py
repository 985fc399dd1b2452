"""The attention rule (api.md §6.6), defined once in ``projects.selectors``: the flags in SQL and per row agree,
and urgency, next action and payment states follow from the same facts for the API and the back office alike."""

from itertools import product
from types import SimpleNamespace

import pytest
from django.utils import timezone

from messaging.models import OutboxStatus
from messaging.tests.factories import add_confirmation, add_outbox
from payments.tests.factories import add_payment
from projects.models import Project, ProjectStatus
from projects.selectors import (
    ATTENTION_FLAGS,
    URGENCY_RANK,
    project_attention_condition,
    project_attention_flags,
    project_deposit_state,
    project_facts_annotate,
    project_final_state,
    project_flag_conditions,
    project_next_action,
    project_urgency,
    project_urgency_rank,
)
from projects.tests.factories import make_project

FACTS = ("deposit", "final", "confirmed", "failed_outbox", "scheduled")


@pytest.fixture
def every_state(db) -> list[Project]:
    """One project per status and combination of facts."""
    for status in ProjectStatus.values:
        for facts in product((False, True), repeat=len(FACTS)):
            has = dict(zip(FACTS, facts, strict=True))
            project = make_project(status, scheduled_for=timezone.now() if has["scheduled"] else None)
            if has["deposit"]:
                add_payment(project, "DEPOSIT")
            if has["final"]:
                add_payment(project, "FINAL")
            if has["confirmed"]:
                add_confirmation(project)
            if has["failed_outbox"]:
                add_outbox(project, status=OutboxStatus.FAILED)
    return list(project_facts_annotate(Project.objects.all()))


def test_each_flag_in_sql_selects_the_rows_that_carry_it(every_state):
    flags_by_row = {project.pk: project_attention_flags(project) for project in every_state}
    for flag, condition in project_flag_conditions().items():
        carrying = {pk for pk, flags in flags_by_row.items() if flag in flags}
        assert set(Project.objects.filter(condition).values_list("pk", flat=True)) == carrying, flag
    flagged = {pk for pk, flags in flags_by_row.items() if flags}
    assert set(Project.objects.filter(project_attention_condition()).values_list("pk", flat=True)) == flagged
    assert set(flag for flags in flags_by_row.values() for flag in flags) == set(ATTENTION_FLAGS)


def test_the_urgency_rank_in_sql_is_the_rank_of_the_row_urgency(every_state):
    ranks = dict(
        Project.objects.filter(project_attention_condition())
        .annotate(rank=project_urgency_rank())
        .values_list("pk", "rank")
    )
    expected = {
        project.pk: URGENCY_RANK[project_urgency(project_attention_flags(project))]
        for project in every_state
        if project_attention_flags(project)
    }
    assert ranks == expected


@pytest.mark.parametrize(
    ("flags", "urgency"),
    [
        ([], None),
        (["missing_deposit"], "low"),
        (["stale_paid_no_schedule"], "low"),
        (["failed_outbox", "missing_final"], "medium"),
        (["pending_confirmation", "failed_outbox"], "high"),
    ],
)
def test_urgency(flags, urgency):
    assert project_urgency(flags) == urgency


@pytest.mark.parametrize(
    ("status", "facts", "action", "deposit", "final"),
    [
        ("DRAFT", {}, "record_deposit", "PENDING", "PENDING"),
        ("DRAFT", {"has_deposit": True}, None, "PAID", "PENDING"),
        ("PAID", {"has_deposit": True}, "schedule_visit", "PAID", "PENDING"),
        ("SCHEDULED", {"has_deposit": True}, "assign_expert", "PAID", "PENDING"),
        ("PENDING_EXPERT", {"has_deposit": True}, "certify_project", "PAID", "PENDING"),
        ("CERTIFIED", {"has_deposit": True}, "record_final", "PAID", "PENDING"),
        ("CERTIFIED", {"has_final": True}, "resend_confirmation", "PENDING", "AWAITING_CONFIRMATION"),
        ("CERTIFIED", {"has_final": True, "is_confirmed": True}, None, "PENDING", "CONFIRMED"),
        ("ACTIVE", {"has_deposit": True, "has_final": True, "is_confirmed": True}, None, "PAID", "CONFIRMED"),
    ],
)
def test_next_action_and_payment_states(status, facts, action, deposit, final):
    row = SimpleNamespace(status=status, **{"has_deposit": False, "has_final": False, "is_confirmed": False, **facts})
    assert (project_next_action(row), project_deposit_state(row), project_final_state(row)) == (action, deposit, final)
