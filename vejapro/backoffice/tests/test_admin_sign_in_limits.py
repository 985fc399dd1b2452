"""The back-office sign-in (issue 14 §3, §8): 10 attempts per minute per IP and 5 per e-mail (security-ops.md §7),
«Per daug bandymų. Pabandykite po minutės.», failed and throttled sign-ins audited without the password; a refused
``next`` lands on /admin/."""

import pytest
from django.test import Client

from vejapro.core.accounts.signin import LOGIN_EMAIL_LIMIT, LOGIN_IP_LIMIT
from vejapro.core.models import AuditLog

pytestmark = pytest.mark.django_db

PASSWORD = "Slaptas-123"
THROTTLED = "Per daug bandymų. Pabandykite po minutės."
WRONG = "Neteisingi prisijungimo duomenys."


def attempt(email: str, password: str, ip: str = "198.51.100.10", client: Client | None = None, next_url="/admin/"):
    client = client or Client()
    response = client.post(f"/admin/login/?next={next_url}", {"username": email, "password": password}, REMOTE_ADDR=ip)
    return client, response


def signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_thirty_wrong_passwords_then_the_right_one_is_refused(rate_limits, admin_user):
    answers = [attempt(admin_user.email, f"wrong-{number}")[1].content.decode() for number in range(30)]

    assert all(WRONG in page for page in answers[:LOGIN_EMAIL_LIMIT])
    assert all(THROTTLED in page for page in answers[LOGIN_EMAIL_LIMIT:])
    client, response = attempt(admin_user.email, PASSWORD)
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert not signed_in(client)


def test_the_e_mail_limit_counts_across_ips(rate_limits, admin_user):
    for number in range(LOGIN_EMAIL_LIMIT):
        attempt(admin_user.email.upper(), "wrong", ip=f"198.51.100.{number + 1}")

    client, response = attempt(admin_user.email, PASSWORD, ip="203.0.113.99")

    assert THROTTLED in response.content.decode()
    assert not signed_in(client)


def test_the_ip_limit_counts_across_e_mails(rate_limits, admin_user):
    for number in range(LOGIN_IP_LIMIT):
        attempt(f"nobody{number}@vejapro.test", "wrong")

    client, response = attempt(admin_user.email, PASSWORD)

    assert THROTTLED in response.content.decode()
    assert not signed_in(client)
    client, response = attempt(admin_user.email, PASSWORD, ip="203.0.113.5")  # another IP is not limited
    assert response.status_code == 302
    assert signed_in(client)


def test_a_few_mistakes_still_let_the_right_password_in(rate_limits, admin_user):
    for _ in range(LOGIN_EMAIL_LIMIT - 1):
        attempt(admin_user.email, "wrong")

    client, response = attempt(admin_user.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_failed_and_throttled_sign_ins_are_audited_without_the_password(rate_limits, admin_user, client_user):
    attempt(admin_user.email, "Secret-Wrong-1")
    attempt(client_user.email, PASSWORD)  # right password, but not the ADMIN role
    for _ in range(LOGIN_EMAIL_LIMIT):
        attempt(admin_user.email, "Secret-Wrong-2")

    failed = AuditLog.objects.filter(action="LOGIN_FAILED").order_by("timestamp")
    assert [row.metadata["reason"] for row in failed] == ["invalid_login", "not_admin"] + ["invalid_login"] * (
        LOGIN_EMAIL_LIMIT - 1
    )
    first = failed[0]
    assert (first.entity_type, first.entity_id, first.actor_type) == ("user", admin_user.pk, "SYSTEM")
    assert first.ip_address == "198.51.100.10"
    assert first.metadata == {"surface": "admin", "reason": "invalid_login"}
    [blocked] = AuditLog.objects.filter(action="RATE_LIMIT_BLOCKED")
    assert blocked.metadata == {"path": "/admin/login/", "key": "login:email", "limit": 5, "window_seconds": 60}
    everything = " ".join(
        str(value) for row in AuditLog.objects.all() for value in (row.metadata, row.old_value, row.new_value)
    )
    assert "Secret-Wrong" not in everything
    assert PASSWORD not in everything


def test_an_unknown_e_mail_is_audited_on_the_system_entity(rate_limits):
    attempt("nobody@vejapro.test", "wrong")

    [row] = AuditLog.objects.filter(action="LOGIN_FAILED")
    assert (row.entity_type, str(row.entity_id)) == ("system", "00000000-0000-0000-0000-000000000000")
    assert "nobody" not in str(row.metadata)


def test_a_successful_sign_in_writes_no_failure(rate_limits, admin_user):
    attempt(admin_user.email, PASSWORD)

    assert not AuditLog.objects.filter(action__in=["LOGIN_FAILED", "RATE_LIMIT_BLOCKED"]).exists()


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/admin/", "http://testserver.evil/"])
def test_a_refused_next_lands_on_the_back_office(admin_user, next_url):
    _client, response = attempt(admin_user.email, PASSWORD, next_url=next_url)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_a_safe_next_is_followed(admin_user):
    _client, response = attempt(admin_user.email, PASSWORD, next_url="/admin/projects/project/")

    assert response["Location"] == "/admin/projects/project/"
