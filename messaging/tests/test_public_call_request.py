"""POST /api/v1/call-requests: the public lead form (api.md §11.1, security-ops.md §7)."""

import pytest

from messaging.models import CallRequest
from vejapro.core.tests.audit import assert_audited

URL = "/api/v1/call-requests"


@pytest.fixture(autouse=True)
def _call_assistant_on(settings):
    settings.ENABLE_CALL_ASSISTANT = True


@pytest.mark.django_db
def test_a_lead_is_created_and_audited(api):
    response = api().post_json(
        URL,
        {
            "name": "  Ona Onaitė ",
            "phone": "+370 (612) 345-67",
            "email": "ona@example.com",
            "preferred_time": "2027-03-01T10:00:00",
            "notes": "Miestas: Kaunas; Paslauga: Vejos įrengimas",
        },
    )

    assert response.status_code == 201
    lead = CallRequest.objects.get()
    body = response.json()
    assert body == {
        "id": str(lead.pk),
        "name": "Ona Onaitė",
        "phone": "+370 (612) 345-67",
        "email": "ona@example.com",
        "preferred_time": "2027-03-01T10:00:00+00:00",
        "notes": "Miestas: Kaunas; Paslauga: Vejos įrengimas",
        "status": "NEW",
        "source": "public",
        "converted_project_id": None,
        "preferred_channel": "email",
        "intake_state": {},
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert (lead.status, lead.source, lead.conversation_ref) == ("NEW", "public", None)
    assert_audited(
        "CALL_REQUEST_CREATED",
        entity_id=lead.pk,
        entity_type="call_request",
        actor_type="CLIENT",
        actor_id=None,
        new_value={"status": "NEW", "source": "public"},
        exact=True,
    )


@pytest.mark.django_db
def test_optional_fields_may_be_left_out(api):
    response = api().post_json(URL, {"name": "Jonas", "phone": "861234567"})

    assert response.status_code == 201
    lead = CallRequest.objects.get()
    assert (lead.email, lead.preferred_time, lead.notes) == (None, None, None)
    assert response.json()["notes"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field", "msg"),
    [
        ({"phone": "+37061234567"}, "name", "Šis laukas yra privalomas."),
        (
            {"name": "Ona", "phone": "+370 612 ab"},
            "phone",
            "Telefono numeryje gali būti tik skaitmenys, tarpai, +, -, ( ir )",
        ),
        ({"name": "Ona", "phone": "123"}, "phone", "Patikrinkite, ar šis laukas turi ne mažiau nei 4 simbolių."),
        (
            {"name": "Ona", "phone": "+37061234567", "email": "ne-adresas"},
            "email",
            "Įveskite tinkamą el. pašto adresą.",
        ),
        (
            {"name": "Ona", "phone": "+37061234567", "notes": "x" * 2001},
            "notes",
            "Patikrinkite, ar šis laukas turi ne daugiau nei 2000 simbolių.",
        ),
        (
            {"name": "Ona", "phone": "+37061234567", "website": "http://spam.example"},
            "website",
            "Šis laukas turi likti tuščias",
        ),
    ],
)
def test_bad_input_is_422_and_creates_nothing(api, body, field, msg):
    response = api().post_json(URL, body)

    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [(error["loc"], error["msg"]) for error in errors] == [(["body", field], msg)]
    assert not CallRequest.objects.exists()
    assert_audited("CALL_REQUEST_CREATED", count=0)


@pytest.mark.django_db
def test_disabled_assistant_hides_the_endpoint(api, settings):
    settings.ENABLE_CALL_ASSISTANT = False

    response = api().post_json(URL, {"name": "Ona", "phone": "+37061234567"})

    assert response.status_code == 404
    assert response.json() == {"detail": "Nerastas"}
    assert not CallRequest.objects.exists()


@pytest.mark.django_db
def test_eleventh_request_in_a_minute_is_429(api, rate_limits):
    client = api()
    statuses = [client.post_json(URL, {"name": "Ona", "phone": "+37061234567"}).status_code for _ in range(11)]

    assert statuses == [201] * 10 + [429]
    assert CallRequest.objects.count() == 10
