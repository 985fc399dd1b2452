"""Rate limits (security-ops.md §7): the global API limit and the audited webhook limits."""

import logging

import pytest

from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db

TOO_MANY = {"detail": "Too Many Requests"}


@pytest.fixture
def limits(rate_limits):
    rate_limits.RATE_LIMIT_API_PER_MIN = 3
    rate_limits.RATE_LIMIT_TWILIO_IP_PER_MIN = 2
    rate_limits.RATE_LIMIT_STRIPE_IP_PER_MIN = 2
    rate_limits.RATE_LIMIT_EMAIL_WEBHOOK_IP_PER_MIN = 2
    return rate_limits


def statuses(client, method: str, path: str, count: int, **extra) -> list[int]:
    return [getattr(client, method)(path, **extra).status_code for _ in range(count)]


def test_global_limit_answers_429_after_the_limit_without_audit(client, limits):
    assert statuses(client, "get", "/api/v1/auth/me", 3) == [401, 401, 401]

    response = client.get("/api/v1/auth/me")

    assert response.status_code == 429
    assert response.json() == TOO_MANY
    assert not AuditLog.objects.exists()


def test_global_limit_counts_every_api_path_and_method_together(client, limits):
    client.get("/api/v1/auth/me")
    client.post("/api/v1/nothing")
    client.delete("/api/v1/other")

    assert client.get("/api/v1/auth/me").status_code == 429


def test_global_limit_counts_each_client_ip_separately(client, limits):
    statuses(client, "get", "/api/v1/auth/me", 4, REMOTE_ADDR="198.51.100.1")

    assert client.get("/api/v1/auth/me", REMOTE_ADDR="198.51.100.2").status_code == 401


def test_global_limit_counts_an_ipv6_64_as_one_client(client, limits):
    statuses(client, "get", "/api/v1/auth/me", 3, REMOTE_ADDR="2001:db8:1:2::1")

    assert client.get("/api/v1/auth/me", REMOTE_ADDR="2001:db8:1:2::ffff").status_code == 429
    assert client.get("/api/v1/auth/me", REMOTE_ADDR="2001:db8:1:3::1").status_code == 401


def test_global_limit_uses_the_resolved_client_ip_behind_the_proxy(client, limits):
    limits.TRUSTED_PROXY_CIDRS = ["127.0.0.1/32"]
    statuses(client, "get", "/api/v1/auth/me", 3, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.1")

    other_client = client.get("/api/v1/auth/me", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.2")
    same_client = client.get("/api/v1/auth/me", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.1")

    assert other_client.status_code == 401
    assert same_client.status_code == 429


def test_options_requests_are_not_counted(client, limits):
    statuses(client, "options", "/api/v1/auth/me", 5)

    assert client.get("/api/v1/auth/me").status_code == 401


def test_global_limit_off(client, limits):
    limits.RATE_LIMIT_API_ENABLED = False

    assert 429 not in statuses(client, "get", "/api/v1/auth/me", 6)


def test_health_and_pages_are_never_limited(client, limits):
    limits.RATE_LIMIT_API_PER_MIN = 1

    assert statuses(client, "get", "/health", 4) == [200, 200, 200, 200]


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("/api/v1/webhook/twilio", "twilio:ip"),
        ("/api/v1/webhook/twilio/voice", "twilio:ip"),
        ("/api/v1/webhook/stripe", "stripe:ip"),
        ("/api/v1/webhook/email/inbound", "email_webhook:ip"),
    ],
)
def test_webhook_limit_answers_429_and_audits(client, limits, path, rule):
    limits.RATE_LIMIT_API_PER_MIN = 100
    statuses(client, "post", path, 2, REMOTE_ADDR="203.0.113.50", HTTP_USER_AGENT="TwilioProxy/1.1")

    response = client.post(path, REMOTE_ADDR="203.0.113.50", HTTP_USER_AGENT="TwilioProxy/1.1")

    assert response.status_code == 429
    assert response.json() == TOO_MANY
    row = AuditLog.objects.get()
    assert row.action == "RATE_LIMIT_BLOCKED"
    assert row.entity_type == "system"
    assert str(row.entity_id) == "00000000-0000-0000-0000-000000000000"
    assert row.actor_type == "SYSTEM"
    assert row.actor_id is None
    assert row.metadata == {"path": path, "key": rule, "limit": 2, "window_seconds": 60}
    assert row.ip_address == "203.0.113.50"
    assert row.user_agent == "TwilioProxy/1.1"


def test_each_blocked_webhook_request_writes_one_audit_row(client, limits):
    statuses(client, "post", "/api/v1/webhook/stripe", 5)

    assert AuditLog.objects.filter(action="RATE_LIMIT_BLOCKED").count() == 3


def test_twilio_and_stripe_webhooks_are_outside_the_global_limit(client, limits):
    limits.RATE_LIMIT_API_PER_MIN = 1
    limits.RATE_LIMIT_TWILIO_IP_PER_MIN = 10
    limits.RATE_LIMIT_STRIPE_IP_PER_MIN = 10

    twilio = statuses(client, "post", "/api/v1/webhook/twilio", 4)
    stripe = statuses(client, "post", "/api/v1/webhook/stripe", 4)

    assert 429 not in twilio + stripe


def test_email_webhook_also_counts_in_the_global_limit(client, limits):
    limits.RATE_LIMIT_API_PER_MIN = 1
    limits.RATE_LIMIT_EMAIL_WEBHOOK_IP_PER_MIN = 10

    assert statuses(client, "post", "/api/v1/webhook/email/inbound", 2) == [404, 429]
    assert not AuditLog.objects.exists()


def test_webhook_limits_count_only_post(client, limits):
    assert 429 not in statuses(client, "get", "/api/v1/webhook/twilio", 5)


def test_webhook_limits_off(client, limits):
    limits.RATE_LIMIT_WEBHOOK_ENABLED = False

    assert 429 not in statuses(client, "post", "/api/v1/webhook/twilio", 5)
    assert not AuditLog.objects.exists()


def test_limits_off_when_ratelimit_is_disabled(client, limits):
    limits.RATELIMIT_ENABLE = False

    assert 429 not in statuses(client, "get", "/api/v1/auth/me", 6)


def test_a_failing_cache_opens_the_limiter_and_logs_an_error(client, limits, caplog):
    limits.CACHES = {
        **limits.CACHES,
        "broken": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    limits.RATELIMIT_USE_CACHE = "broken"

    with caplog.at_level(logging.ERROR, logger="vejapro.core.http.ratelimit"):
        codes = statuses(client, "get", "/api/v1/auth/me", 5)

    assert codes == [401] * 5
    assert any(record.levelno == logging.ERROR and "api:ip" in record.getMessage() for record in caplog.records)
