"""``manage.py export_changes --since``: the rollback aid's CSV (security-ops.md §12.4)."""

import csv
import uuid
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from vejapro.core.models import AuditLog
from vejapro.core.spreadsheet import spreadsheet_safe
from vejapro.ops.change_export import change_export_lines

pytestmark = pytest.mark.django_db

PROJECT = uuid.UUID("b0000000-0000-4000-8000-000000000001")
GO_LIVE = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # 07:00 in Vilnius


def audit(action: str, at: datetime, **extra) -> AuditLog:
    fields = {"entity_type": "project", "entity_id": PROJECT, "actor_type": "ADMIN", "actor_id": "a1", **extra}
    return AuditLog.objects.create(action=action, timestamp=at, **fields)


def export(since: str) -> tuple[list[list[str]], str]:
    out, err = StringIO(), StringIO()
    call_command("export_changes", "--since", since, stdout=out, stderr=err)
    return list(csv.reader(StringIO(out.getvalue()))), err.getvalue()


def test_lists_the_business_changes_since_the_moment_oldest_first():
    audit("STATUS_CHANGE", datetime(2026, 3, 2, 4, 59, tzinfo=UTC), new_value={"status": "PAID"})  # before
    audit("PAYMENT_RECORDED_MANUAL", datetime(2026, 3, 2, 6, 0, tzinfo=UTC), entity_type="payment",
          new_value={"amount": 300.0, "currency": "EUR"}, metadata={"receipt_no": "K-1"})  # fmt: skip
    audit("STATUS_CHANGE", datetime(2026, 3, 2, 5, 30, tzinfo=UTC), old_value={"status": "DRAFT"},
          new_value={"status": "PAID"})  # fmt: skip
    audit("EMAIL_CONFIRMED", datetime(2026, 3, 2, 7, 0, tzinfo=UTC), actor_type="SYSTEM_EMAIL", actor_id=None)
    audit("CLIENT_TOKEN_ISSUED", datetime(2026, 3, 2, 7, 5, tzinfo=UTC))  # not a business change
    audit("RATE_LIMIT_BLOCKED", datetime(2026, 3, 2, 7, 6, tzinfo=UTC), entity_type="system")

    rows, err = export("2026-03-02T07:00")

    assert rows == [
        ["timestamp", "kind", "action", "entity_type", "entity_id", "actor_type", "actor_id", "old_value",
         "new_value", "metadata"],
        ["2026-03-02T05:30:00+00:00", "status", "STATUS_CHANGE", "project", str(PROJECT), "ADMIN", "a1",
         '{"status":"DRAFT"}', '{"status":"PAID"}', ""],
        ["2026-03-02T06:00:00+00:00", "payment", "PAYMENT_RECORDED_MANUAL", "payment", str(PROJECT), "ADMIN", "a1",
         "", '{"amount":300.0,"currency":"EUR"}', '{"receipt_no":"K-1"}'],
        ["2026-03-02T07:00:00+00:00", "confirmation", "EMAIL_CONFIRMED", "project", str(PROJECT), "SYSTEM_EMAIL",
         "", "", "", ""],
    ]  # fmt: skip
    assert err == "3 changes since 2026-03-02T07:00:00+02:00\n"


def test_an_offset_or_a_date_is_accepted():
    audit("STATUS_CHANGE", GO_LIVE)

    assert len(export("2026-03-02T05:00:00Z")[0]) == 2
    assert len(export("2026-03-02T05:00:01Z")[0]) == 1
    assert len(export("2026-03-02")[0]) == 2


@pytest.mark.parametrize("since", ["yesterday", "2026-13-01", ""])
def test_a_bad_moment_is_refused(since):
    with pytest.raises(CommandError, match="--since must be an ISO date or time"):
        call_command("export_changes", "--since", since)


@pytest.mark.parametrize(
    ("cell", "safe"),
    [("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+370", "'+370"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("Jonas", "Jonas"), ("", "")],
)  # fmt: skip
def test_formula_cells_get_a_leading_apostrophe(cell, safe):
    assert spreadsheet_safe(cell) == safe


def test_a_formula_in_an_exported_cell_is_neutralised():
    audit("STATUS_CHANGE", GO_LIVE, actor_id="=cmd|' /C calc'!A0")

    rows, _ = export("2026-03-02T05:00:00Z")

    assert rows[1][6] == "'=cmd|' /C calc'!A0"


def test_the_export_streams_rows_as_they_are_read(django_assert_num_queries):
    for minute in range(3):
        audit("STATUS_CHANGE", GO_LIVE.replace(minute=minute))

    with django_assert_num_queries(0):
        lines = change_export_lines(since=GO_LIVE)
        header = next(lines)
    assert header.startswith("timestamp,kind,action,")
    assert len(list(lines)) == 3
