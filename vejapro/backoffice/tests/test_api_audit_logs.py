"""GET /api/v1/audit-logs and /audit-logs/export (api.md §15.7)."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from projects.tests.factories import make_project
from vejapro.core.http.pagination import encode_cursor
from vejapro.core.models import AuditLog

URL = "/api/v1/audit-logs"
EXPORT_URL = "/api/v1/audit-logs/export"
pytestmark = pytest.mark.django_db


def _row(action: str = "STATUS_CHANGE", *, minutes_ago: float = 0, entity_type="project", entity_id=None, **fields):
    return AuditLog.objects.create(
        entity_type=entity_type,
        entity_id=entity_id or uuid.uuid4(),
        action=action,
        actor_type=fields.pop("actor_type", "ADMIN"),
        actor_id=fields.pop("actor_id", "admin-1"),
        timestamp=fields.pop("timestamp", None) or timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))


class TestList:
    def test_admin_reads_every_row_newest_first_with_the_shape_of_the_contract(self, api, admin_user):
        older = _row("PROJECT_CREATED", minutes_ago=5, entity_type="user", ip_address="10.0.0.1")
        newer = _row(old_value={"status": "DRAFT"}, new_value={"status": "PAID"}, metadata={"pastaba": "Žalia"})

        response = api(admin_user).get(URL)

        assert response.status_code == 200
        body = response.json()
        assert (body["has_more"], body["next_cursor"]) == (False, None)
        assert [item["id"] for item in body["items"]] == [str(newer.pk), str(older.pk)]
        assert body["items"][0] == {
            "id": str(newer.pk),
            "entity_type": "project",
            "entity_id": str(newer.entity_id),
            "action": "STATUS_CHANGE",
            "old_value": {"status": "DRAFT"},
            "new_value": {"status": "PAID"},
            "actor_type": "ADMIN",
            "actor_id": "admin-1",
            "ip_address": None,
            "user_agent": None,
            "metadata": {"pastaba": "Žalia"},
            "timestamp": newer.timestamp.isoformat(),
        }
        assert body["items"][1]["ip_address"] == "10.0.0.1"

    def test_filters_are_exact_and_the_time_range_inclusive(self, api, admin_user):
        target = uuid.uuid4()
        hit = _row("PAYMENT_VOIDED", minutes_ago=10, entity_id=target, actor_type="SYSTEM", actor_id="worker")
        _row("PAYMENT_VOIDED", minutes_ago=10, actor_type="SYSTEM", actor_id="worker")
        _row("PAYMENT_VOIDED_X", minutes_ago=10, entity_id=target)
        client = api(admin_user)

        def ids(**params) -> list[str]:
            response = client.get(URL, params)
            assert response.status_code == 200
            return [item["id"] for item in response.json()["items"]]

        assert ids(entity_id=str(target), action="PAYMENT_VOIDED") == [str(hit.pk)]
        assert ids(entity_id=str(target), actor_type="SYSTEM", actor_id="worker") == [str(hit.pk)]
        assert ids(entity_type="user") == []
        moment = hit.timestamp.isoformat()
        assert ids(entity_id=str(target), from_ts=moment, to_ts=moment, action="PAYMENT_VOIDED") == [str(hit.pk)]

    @pytest.mark.parametrize(
        ("params", "status", "detail"),
        [
            ({"entity_id": "nera-uuid"}, 400, "Invalid entity_id"),
            ({"from_ts": "2026-03-02T00:00:00Z", "to_ts": "2026-03-01T00:00:00Z"}, 400, "from_ts must be <= to_ts"),
            ({"cursor": "%%%"}, 400, "Neteisingas žymeklis"),
            ({"cursor": encode_cursor("vakar", "x")}, 400, "Neteisingas žymeklis"),
        ],
    )
    def test_bad_filters_answer_400(self, api, admin_user, params, status, detail):
        response = api(admin_user).get(URL, params)

        assert (response.status_code, response.json()) == (status, {"detail": detail})

    @pytest.mark.parametrize(
        "params", [{"limit": "0"}, {"limit": "201"}, {"from_ts": "vakar"}, {"actor_id": "x" * 129}]
    )
    def test_out_of_range_query_values_answer_422(self, api, admin_user, params):
        response = api(admin_user).get(URL, params)

        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"] == ["query", next(iter(params))]

    def test_cursor_pages_through_ties(self, api, admin_user):
        moment = timezone.now()
        rows = [_row(timestamp=moment) for _ in range(3)]
        rows.sort(key=lambda row: row.pk, reverse=True)
        client = api(admin_user)

        first = client.get(URL, {"limit": 2}).json()
        second = client.get(URL, {"limit": 2, "cursor": first["next_cursor"]}).json()

        assert [item["id"] for item in first["items"]] == [str(row.pk) for row in rows[:2]]
        assert first["has_more"] is True
        assert first["next_cursor"] == encode_cursor(rows[1].timestamp, rows[1].pk)
        assert [item["id"] for item in second["items"]] == [str(rows[2].pk)]
        assert (second["has_more"], second["next_cursor"]) == (False, None)

    @pytest.mark.parametrize("count", [3, 30])
    def test_queries_do_not_grow_with_the_page(self, api, admin_user, django_assert_num_queries, count):
        for _ in range(count):
            _row()
        client = api(admin_user)

        # The bearer's user, then the page.
        with django_assert_num_queries(2):
            response = client.get(URL, {"limit": 200})

        assert len(response.json()["items"]) == count


class TestScoping:
    def test_an_expert_reads_only_the_rows_of_the_projects_assigned_to_them(self, api, expert_user, other_expert):
        mine = make_project("PENDING_EXPERT", expert=expert_user)
        theirs = make_project("PENDING_EXPERT", expert=other_expert)
        visible = _row(entity_id=mine.pk, ip_address="10.0.0.1", user_agent="Mozilla/5.0")
        _row(entity_id=theirs.pk)
        _row(entity_type="user", entity_id=mine.pk)

        response = api(expert_user).get(URL)

        assert response.status_code == 200
        [item] = response.json()["items"]
        assert item["id"] == str(visible.pk)
        assert (item["ip_address"], item["user_agent"]) == (None, None)
        assert AuditLog.objects.get(pk=visible.pk).ip_address == "10.0.0.1"
        assert api(expert_user).get(URL, {"entity_id": str(mine.pk)}).json()["items"][0]["id"] == str(visible.pk)

    @pytest.mark.parametrize("params", [{"entity_type": "user"}, {"entity_id": "theirs"}, {"entity_id": "unknown"}])
    def test_a_contractor_is_refused_anything_else(self, api, contractor_user, other_contractor, params):
        theirs = make_project("SCHEDULED", contractor=other_contractor)
        ids = {"theirs": str(theirs.pk), "unknown": str(uuid.uuid4())}
        query = {key: ids.get(value, value) for key, value in params.items()}

        response = api(contractor_user).get(URL, query)

        assert (response.status_code, response.json()) == (403, {"detail": "Prieiga uždrausta"})

    def test_a_client_is_refused(self, api, client_user):
        response = api(client_user).get(URL)

        assert (response.status_code, response.json()) == (403, {"detail": "Draudžiama"})


class TestExport:
    def test_streams_the_filtered_rows_as_csv_with_formulas_neutralised(self, api, admin_user):
        target = uuid.uuid4()
        _row(minutes_ago=1, entity_id=target, user_agent='=HYPERLINK("x")', metadata={"pastaba": "Žalia"})
        _row(minutes_ago=2)

        response = api(admin_user).get(EXPORT_URL, {"entity_id": str(target)})

        assert response.status_code == 200
        assert response.streaming
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith("attachment; filename=audit_")
        assert response["X-Has-More"] == "false"
        assert not response.has_header("X-Next-Cursor")
        header, row = _csv(response)
        assert header[:4] == ["timestamp", "entity_type", "entity_id", "action"]
        assert row[2] == str(target)
        assert row[7] == '\'=HYPERLINK("x")'
        assert row[10] == '{"pastaba":"Žalia"}'

    def test_limit_and_next_cursor_continue_where_the_export_stopped(self, api, admin_user):
        rows = [_row(minutes_ago=minutes) for minutes in (1, 2, 3)]
        client = api(admin_user)

        first = client.get(EXPORT_URL, {"limit": 2})
        assert first["X-Has-More"] == "true"
        assert first["X-Next-Cursor"] == encode_cursor(rows[1].timestamp, rows[1].pk)
        assert [line[2] for line in _csv(first)[1:]] == [str(rows[0].entity_id), str(rows[1].entity_id)]
        rest = client.get(EXPORT_URL, {"cursor": first["X-Next-Cursor"]})
        assert [line[2] for line in _csv(rest)[1:]] == [str(rows[2].entity_id)]
        assert rest["X-Has-More"] == "false"

    @pytest.mark.parametrize("limit", ["0", "100001"])
    def test_limit_is_bounded(self, api, admin_user, limit):
        response = api(admin_user).get(EXPORT_URL, {"limit": limit})

        assert response.status_code == 422

    def test_an_expert_is_refused(self, api, expert_user):
        response = api(expert_user).get(EXPORT_URL)

        assert (response.status_code, response.json()) == (403, {"detail": "Draudžiama"})

    @pytest.mark.parametrize("count", [3, 30])
    def test_queries_do_not_grow_with_the_export(self, api, admin_user, django_assert_num_queries, count):
        for _ in range(count):
            _row()
        client = api(admin_user)

        # The bearer's user, where the export ends, then the rows.
        with django_assert_num_queries(3):
            lines = _csv(client.get(EXPORT_URL))

        assert len(lines) == count + 1
