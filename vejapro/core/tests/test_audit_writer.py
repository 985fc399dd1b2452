"""The audit writer (workflow.md §13.1, §13.5 redaction, §13.6 alert thresholds)."""

import logging
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import RequestFactory

from vejapro.core.actors import Actor
from vejapro.core.audit.services import audit_alert_count, audit_record, audit_record_standalone
from vejapro.core.models import NIL_UUID, AuditLog

pytestmark = pytest.mark.django_db

DEFAULT_FIELDS = [
    "phone", "email", "sender", "recipient", "from", "to", "address", "ssn", "tax_id", "passport", "national_id",
    "id_number", "client_email", "to_number", "from_phone", "confirmed_from_phone", "name", "client_name",
    "display_name", "input_text",
]  # fmt: skip
FALLBACK_FIELDS = ["phone", "email", "address", "ssn", "tax_id", "passport", "national_id", "id_number"]
R = "[REDACTED]"
SYSTEM_ACTION = "DEPLOY_WEBHOOK_EXECUTED"


def record(**values) -> AuditLog:
    return audit_record(
        entity_type="project", entity_id=uuid.uuid4(), action="PROJECT_UPDATED", actor=Actor.system(), **values
    )


def test_default_field_list_is_the_extended_one(settings):
    assert settings.PII_REDACTION_FIELDS == DEFAULT_FIELDS


@pytest.mark.parametrize("field", DEFAULT_FIELDS)
def test_each_default_field_is_redacted_in_every_value(field):
    row = record(old_value={field: "secret", "keep": 1}, new_value={field: 42}, metadata={field: None, "n": "x"})

    assert row.old_value == {field: R, "keep": 1}
    assert row.new_value == {field: R}
    assert row.metadata == {field: R, "n": "x"}
    row.refresh_from_db()
    assert row.old_value == {field: R, "keep": 1}


def test_redaction_is_recursive_through_dicts_and_lists():
    row = record(
        new_value={
            "client": {"phone": "+37061234567", "city": "Vilnius", "contacts": [{"email": "a@b.lt", "kind": "work"}]},
            "history": [[{"address": "Gatvė 1"}], {"notes": {"name": "Jonas"}}],
        }
    )

    assert row.new_value == {
        "client": {"phone": R, "city": "Vilnius", "contacts": [{"email": R, "kind": "work"}]},
        "history": [[{"address": R}], {"notes": {"name": R}}],
    }


def test_match_is_case_insensitive_on_the_key():
    row = record(new_value={"Email": "a@b.lt", "PHONE": "1", "Client_Name": "Jonas"})

    assert row.new_value == {"Email": R, "PHONE": R, "Client_Name": R}


def test_match_is_on_the_exact_key_only():
    values = {"email_address": "a@b.lt", "phone_number": "1", "emails": ["a@b.lt"], "username": "j", "status": "x"}

    assert record(new_value=values).new_value == values


def test_any_value_type_is_replaced():
    row = record(new_value={"to": ["+3706", "+3707"], "email": {"primary": "a@b.lt"}, "phone": 37061234567})

    assert row.new_value == {"to": R, "email": R, "phone": R}


def test_top_level_list_is_walked():
    assert record(metadata=[{"phone": "1"}, "text"]).metadata == [{"phone": R}, "text"]


def test_empty_field_list_falls_back_to_the_short_list(settings):
    settings.PII_REDACTION_FIELDS = []
    values = {field: "v" for field in DEFAULT_FIELDS}

    row = record(new_value=values)

    assert row.new_value == {field: (R if field in FALLBACK_FIELDS else "v") for field in DEFAULT_FIELDS}


def test_configured_field_list_replaces_the_default(settings):
    settings.PII_REDACTION_FIELDS = ["iban", " Vat_Code "]

    row = record(new_value={"iban": "LT12", "VAT_CODE": "LT1", "email": "a@b.lt"})

    assert row.new_value == {"iban": R, "VAT_CODE": R, "email": "a@b.lt"}


def test_redaction_off(settings):
    settings.PII_REDACTION_ENABLED = False

    row = record(new_value={"email": "a@b.lt", "phone": "+37061234567"})

    assert row.new_value == {"email": "a@b.lt", "phone": "+37061234567"}


def test_values_are_stored_as_json():
    project_id = uuid.uuid4()
    row = record(
        new_value={"at": datetime(2026, 3, 1, 8, 0, tzinfo=UTC), "amount": Decimal("12.50"), "project_id": project_id}
    )

    row.refresh_from_db()
    assert row.new_value == {"at": "2026-03-01T08:00:00+00:00", "amount": 12.5, "project_id": str(project_id)}


def test_none_values_stay_null():
    row = record()

    assert (row.old_value, row.new_value, row.metadata) == (None, None, None)


def test_system_entity_defaults_to_the_nil_uuid():
    row = audit_record(entity_type="system", entity_id=None, action=SYSTEM_ACTION, actor=Actor.system())

    assert row.entity_id == NIL_UUID


def test_ip_and_user_agent_come_from_the_resolver(settings):
    settings.TRUSTED_PROXY_CIDRS = ["127.0.0.1/32"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.77", HTTP_USER_AGENT="Mozilla/5.0"
    )

    row = audit_record(entity_type="system", entity_id=None, action=SYSTEM_ACTION, actor=Actor.system(request=request))

    assert row.ip_address == "203.0.113.77"
    assert row.user_agent == "Mozilla/5.0"


def test_spoofed_ip_from_an_untrusted_peer_is_not_recorded():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.3", HTTP_X_REAL_IP="203.0.113.77")

    row = audit_record(entity_type="system", entity_id=None, action=SYSTEM_ACTION, actor=Actor.system(request=request))

    assert row.ip_address == "198.51.100.3"


def test_user_agent_is_truncated_to_512_characters():
    request = RequestFactory().get("/", HTTP_USER_AGENT="A" * 600)
    from_request = audit_record(
        entity_type="system", entity_id=None, action=SYSTEM_ACTION, actor=Actor.system(request=request)
    )
    direct = audit_record(
        entity_type="system",
        entity_id=None,
        action=SYSTEM_ACTION,
        actor=Actor(actor_type="SYSTEM", user_agent="B" * 700),
    )

    assert from_request.user_agent == "A" * 512
    assert direct.user_agent == "B" * 512


def test_actor_of_a_signed_in_user(admin_user):
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.3")
    request.user = admin_user

    row = audit_record(
        entity_type="user", entity_id=admin_user.pk, action="USER_UPDATED", actor=Actor.from_request(request)
    )

    assert (row.actor_type, row.actor_id, row.ip_address) == ("ADMIN", str(admin_user.pk), "198.51.100.3")


# --- Only inside the transaction of the change (§13.1) -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_nothing_is_written():
    with pytest.raises(RuntimeError, match=r"audit_record\(DEPLOY_WEBHOOK_EXECUTED\) outside a transaction"):
        audit_record(entity_type="system", entity_id=None, action=SYSTEM_ACTION, actor=Actor.system())

    assert AuditLog.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_one_row_is_written():
    with transaction.atomic():
        audit_record(entity_type="system", entity_id=None, action=SYSTEM_ACTION, actor=Actor.system())

    assert list(AuditLog.objects.values_list("action", flat=True)) == [SYSTEM_ACTION]


@pytest.mark.django_db(transaction=True)
def test_standalone_writes_its_own_transaction():
    audit_record_standalone(entity_type="system", entity_id=None, action=SYSTEM_ACTION, actor=Actor.system())

    assert list(AuditLog.objects.values_list("action", flat=True)) == [SYSTEM_ACTION]


def test_an_unknown_action_is_refused_and_nothing_is_written():
    with pytest.raises(ValueError, match="'NOT_AN_ACTION' is not an AuditAction"):
        audit_record(entity_type="system", entity_id=None, action="NOT_AN_ACTION", actor=Actor.system())

    assert AuditLog.objects.count() == 0


# --- Alert thresholds (§13.6) --------------------------------------------------------------------------------------


@pytest.fixture
def fresh_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(uuid.uuid4())}
    }


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        now = 1_800_000_000.0

    monkeypatch.setattr("vejapro.core.audit.services.time.time", lambda: Clock.now)
    return Clock


def alerts(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.msg.startswith("ALERT")]


def test_alert_at_the_threshold_and_each_multiple(fresh_cache, clock, caplog):
    with caplog.at_level(logging.WARNING, logger="vejapro.core.accounts.services"):
        counts = [audit_alert_count(action="RATE_LIMIT_BLOCKED") for _ in range(41)]

    assert counts == list(range(1, 42))
    assert alerts(caplog) == [
        "ALERT audit_action=RATE_LIMIT_BLOCKED count=20",
        "ALERT audit_action=RATE_LIMIT_BLOCKED count=40",
    ]


def test_alert_thresholds_per_action(fresh_cache, clock, caplog):
    with caplog.at_level(logging.WARNING, logger="vejapro.core.accounts.services"):
        for _ in range(5):
            audit_alert_count(action="STRIPE_SIGNATURE_INVALID")
        for _ in range(4):
            audit_alert_count(action="NOTIFICATION_FAILED")

    assert alerts(caplog) == ["ALERT audit_action=STRIPE_SIGNATURE_INVALID count=5"]


def test_alert_window_is_a_rolling_hour(fresh_cache, clock, caplog):
    for _ in range(3):
        audit_alert_count(action="TWILIO_SIGNATURE_INVALID")
    clock.now += 59 * 60
    audit_alert_count(action="TWILIO_SIGNATURE_INVALID")
    clock.now += 2 * 60

    with caplog.at_level(logging.WARNING, logger="vejapro.core.accounts.services"):
        count = audit_alert_count(action="TWILIO_SIGNATURE_INVALID")

    assert count == 2
    assert alerts(caplog) == []


def test_audit_rows_count_after_commit(fresh_cache, clock, django_capture_on_commit_callbacks, caplog):
    with (
        caplog.at_level(logging.WARNING, logger="vejapro.core.accounts.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        for _ in range(5):
            audit_record(
                entity_type="system", entity_id=None, action="EMAIL_WEBHOOK_AUTH_INVALID", actor=Actor.system()
            )
        audit_record(entity_type="system", entity_id=None, action="PROJECT_CREATED", actor=Actor.system())

    assert alerts(caplog) == ["ALERT audit_action=EMAIL_WEBHOOK_AUTH_INVALID count=5"]


def test_counting_waits_for_the_commit(fresh_cache, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        audit_record(entity_type="system", entity_id=None, action="NOTIFICATION_FAILED", actor=Actor.system())
        audit_record(entity_type="system", entity_id=None, action="PROJECT_CREATED", actor=Actor.system())

    assert len(callbacks) == 1


def test_unavailable_cache_is_logged_not_raised(settings, caplog):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }

    with caplog.at_level(logging.ERROR, logger="vejapro.core.accounts.services"):
        assert audit_alert_count(action="RATE_LIMIT_BLOCKED") is None

    assert "audit alert counter unavailable" in caplog.text
