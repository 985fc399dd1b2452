"""POST /api/v1/projects (api.md §6.1)."""

import hashlib

import pytest

from projects.models import Project
from vejapro.core.tests.audit import assert_audited, audit_rows

URL = "/api/v1/projects"
pytestmark = pytest.mark.django_db


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class TestPublic:
    def test_name_only(self, api):
        response = api().post_json(URL, {"name": "Jonas", "area_m2": 120.5})

        assert response.status_code == 201
        body = response.json()
        assert body["client_info"] == {"name": "Jonas"}
        assert (body["status"], body["area_m2"], body["internal_cost"], body["is_certified"]) == (
            "DRAFT",
            120.5,
            None,
            False,
        )
        assert body["created_at"].endswith("+00:00")
        project = Project.objects.get(pk=body["id"])
        assert (project.client_user_id, project.client_key) == (None, "unknown")
        assert_audited(
            "PROJECT_CREATED",
            entity_type="project",
            entity_id=project.pk,
            actor_type="CLIENT",
            actor_id=None,
            old_value=None,
            new_value={"status": "DRAFT"},
            metadata={"source": "api"},
            exact=True,
        )

    def test_ownership_keys_are_removed(self, api):
        info = {"name": "J", "client_id": "x", "user_id": "y", "id": "z", "email": "Jonas@Gmail.com"}
        response = api().post_json(URL, {"client_info": info})

        assert response.status_code == 201
        assert response.json()["client_info"] == {"name": "J", "email": "Jonas@Gmail.com"}
        project = Project.objects.get(pk=response.json()["id"])
        assert (project.client_user_id, project.client_key) == (None, sha("jonas@gmail.com"))

    def test_invalid_token_is_ignored(self, api):
        client = api()
        response = client.post_json(
            URL, {"client_info": {"name": "J", "client_id": "x"}}, HTTP_AUTHORIZATION="Bearer junk"
        )
        assert response.status_code == 201
        assert response.json()["client_info"] == {"name": "J"}
        assert audit_rows("PROJECT_CREATED")[0].actor_id is None

    def test_client_info_wins_over_name(self, api):
        response = api().post_json(URL, {"client_info": {"phone": "8 612 34567"}, "name": "Ignored"})
        assert response.json()["client_info"] == {"phone": "8 612 34567"}
        assert Project.objects.get().client_key == sha("+37061234567")

    def test_email_and_phone_make_the_client_key(self, api):
        api().post_json(URL, {"client_info": {"email": "A@B.lt", "phone": "+370 612 34567"}})
        assert Project.objects.get().client_key == sha("a@b.lt|+37061234567")

    def test_unknown_fields_are_ignored(self, api):
        response = api().post_json(URL, {"name": "J", "status": "ACTIVE", "internal_cost": 5, "is_certified": True})
        assert response.status_code == 201
        assert (response.json()["status"], response.json()["internal_cost"]) == ("DRAFT", None)


class TestSignedIn:
    def test_client_becomes_the_owner(self, api, client_user):
        response = api(client_user).post_json(URL, {"client_info": {"name": "J", "user_id": "u", "id": "i"}})

        assert response.status_code == 201
        assert response.json()["client_info"] == {
            "name": "J",
            "client_id": str(client_user.pk),
            "email": client_user.email,
        }
        project = Project.objects.get()
        assert (project.client_user_id, project.client_key) == (str(client_user.pk), str(client_user.pk))
        assert_audited("PROJECT_CREATED", actor_type="CLIENT", actor_id=str(client_user.pk))

    def test_client_email_is_kept_when_sent(self, api, client_user):
        response = api(client_user).post_json(URL, {"client_info": {"email": "kitas@example.lt"}})
        assert response.json()["client_info"]["email"] == "kitas@example.lt"

    def test_admin_keeps_client_info_as_sent(self, api, admin_user, client_user):
        info = {"name": "J", "user_id": str(client_user.pk)}
        response = api(admin_user).post_json(URL, {"client_info": info})

        assert response.json()["client_info"] == info
        assert Project.objects.get().client_user_id == str(client_user.pk)
        assert audit_rows("PROJECT_CREATED")[0].actor_type == "ADMIN"

    @pytest.mark.parametrize("user", ["contractor_user", "expert_user"])
    def test_staff_cannot_name_an_owner(self, api, user, request, client_user):
        response = api(request.getfixturevalue(user)).post_json(
            URL, {"client_info": {"client_id": str(client_user.pk)}}
        )
        assert response.status_code == 201
        assert response.json()["client_info"] == {}
        assert Project.objects.get().client_user_id is None


class TestValidation:
    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({}, "client_info"),
            ({"client_info": {}, "name": "   "}, "client_info"),
            ({"client_info": None, "name": None}, "client_info"),
            ({"name": "x" * 129}, "name"),
            ({"name": ["J"]}, "name"),
            ({"client_info": "Jonas"}, "client_info"),
            ({"client_info": ["Jonas"]}, "client_info"),
            ({"client_info": {"email": "not-an-email"}}, "client_info"),
            ({"client_info": {"email": 5}}, "client_info"),
            ({"client_info": {"name": "x" * 1001}}, "client_info"),
            ({"client_info": {"estimate": {"notes": "x" * 1001}}}, "client_info"),
            ({"client_info": {"whatsapp_consent": "yes"}}, "client_info"),
            ({"name": "J", "area_m2": -1}, "area_m2"),
            ({"name": "J", "area_m2": "abc"}, "area_m2"),
            ({"name": "J", "area_m2": True}, "area_m2"),
            ({"name": "J", "area_m2": 10**40}, "area_m2"),
            ({"name": "J", "area_m2": "NaN"}, "area_m2"),
            ({"name": "J", "area_m2": "Infinity"}, "area_m2"),
            ({"name": "J", "area_m2": {"v": 1}}, "area_m2"),
        ],
    )
    def test_422(self, api, body, field):
        response = api().post_json(URL, body)
        assert response.status_code == 422
        assert [error["loc"] for error in response.json()["detail"]] == [["body", field]]
        assert Project.objects.count() == 0
        assert audit_rows() == []

    def test_area_is_rounded_half_up(self, api):
        response = api().post_json(URL, {"name": "J", "area_m2": "10.005"})
        assert response.json()["area_m2"] == 10.01

    def test_malformed_json(self, api):
        response = api().post(URL, data="{not json", content_type="application/json")
        assert response.status_code == 422
        assert response.json()["detail"][0]["type"] == "json_invalid"

    def test_body_must_be_an_object(self, api):
        response = api().post_json(URL, ["name"])
        assert response.status_code == 422

    def test_get_is_405(self, api):
        assert api().get(URL).status_code == 405


class TestRateLimit:
    """Unauthenticated callers: 10 per minute per IP (``project_create:ip``, security-ops.md §7, api.md §6.1)."""

    def test_eleventh_public_request_in_a_minute_is_429(self, api, rate_limits):
        client = api()
        codes = [client.post_json(URL, {"name": f"J{n}"}, REMOTE_ADDR="203.0.113.7").status_code for n in range(11)]

        assert codes == [201] * 10 + [429]
        response = client.post_json(URL, {"name": "J"}, REMOTE_ADDR="203.0.113.7")
        assert (response.status_code, response.json()) == (429, {"detail": "Too Many Requests"})
        assert Project.objects.count() == 10
        assert_audited("PROJECT_CREATED", count=10)

    def test_invalid_bodies_and_invalid_tokens_count_as_public(self, api, rate_limits):
        client = api()
        for _ in range(5):
            assert client.post_json(URL, {}, REMOTE_ADDR="203.0.113.8").status_code == 422
        for _ in range(5):
            response = client.post_json(URL, {"name": "J"}, REMOTE_ADDR="203.0.113.8", HTTP_AUTHORIZATION="Bearer junk")
            assert response.status_code == 201
        assert client.post_json(URL, {"name": "J"}, REMOTE_ADDR="203.0.113.8").status_code == 429

    def test_other_addresses_have_their_own_count(self, api, rate_limits):
        client = api()
        for _ in range(10):
            client.post_json(URL, {"name": "J"}, REMOTE_ADDR="203.0.113.9")
        assert client.post_json(URL, {"name": "J"}, REMOTE_ADDR="203.0.113.10").status_code == 201

    @pytest.mark.parametrize("user", ["client_user", "admin_user", "contractor_user"])
    def test_signed_in_callers_are_not_limited(self, api, request, rate_limits, user):
        client = api(request.getfixturevalue(user))
        codes = {client.post_json(URL, {"name": "J"}, REMOTE_ADDR="203.0.113.11").status_code for _ in range(12)}
        assert codes == {201}
