"""SMTP_* → Django's e-mail settings (security-ops.md §2.6, messaging.md §3.4), read in a fresh process as in
production, and one e-mail sent from that process through Django's SMTP backend to a local SMTP server."""

import email
import json
import os
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest

from messaging.tests.smtp_sink import SmtpSink

BASE_DIR = Path(__file__).resolve().parents[2]
SMTP_ENV = ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_FROM_EMAIL", "SMTP_USE_TLS", "ENVIRONMENT")
SETTINGS_SCRIPT = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in (
    "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS", "EMAIL_USE_SSL", "EMAIL_TIMEOUT")}))
"""
SEND_SCRIPT = """
import django
django.setup()
from messaging.transports.mail import mail_send
print(mail_send(to="jonas@gmail.com", subject="VejaPRO - Patvirtinkite galutinį mokėjimą",
                body_text="Jūsų patvirtinimo kodas: AB7KQ2XZ", body_html="<p>Patvirtinti mokėjimą</p>"))
"""


def run(script: str, **env: str) -> str:
    base = {name: value for name, value in os.environ.items() if name not in SMTP_ENV and name != "DATABASE_URL"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "vejapro.settings", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip().splitlines()[-1]


def email_settings(**env: str) -> dict:
    return json.loads(run(SETTINGS_SCRIPT, **env))


def test_without_smtp_host_development_uses_the_console_backend():
    assert email_settings()["EMAIL_BACKEND"] == "messaging.transports.mail_backends.ConsoleEmailBackend"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"SMTP_HOST": "smtp.example.lt", "SMTP_USER": "u", "SMTP_PASSWORD": "p"},
            {"EMAIL_PORT": 587, "EMAIL_USE_TLS": True, "EMAIL_USE_SSL": False, "EMAIL_HOST_USER": "u"},
        ),
        (
            {"SMTP_HOST": "smtp.example.lt", "SMTP_PORT": "465", "SMTP_USER": "u", "SMTP_PASSWORD": "p"},
            {"EMAIL_PORT": 465, "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": True, "EMAIL_HOST_USER": "u"},
        ),
        (
            {"SMTP_HOST": "smtp.example.lt", "SMTP_USE_TLS": "false", "SMTP_USER": "u"},
            {"EMAIL_PORT": 587, "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False, "EMAIL_HOST_USER": ""},
        ),
    ],
    ids=["starttls-587", "implicit-tls-465", "no-tls-no-login-without-password"],
)
def test_smtp_settings_are_derived_from_smtp_variables(env, expected):
    derived = email_settings(**env)

    assert derived["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert derived["EMAIL_HOST"] == "smtp.example.lt"
    assert derived["EMAIL_TIMEOUT"] == 20
    assert {key: derived[key] for key in expected} == expected
    assert derived["EMAIL_HOST_PASSWORD"] == ("p" if expected["EMAIL_HOST_USER"] else "")


def test_an_email_leaves_through_the_smtp_backend_configured_by_smtp_variables():
    sink = SmtpSink().start()
    try:
        message_id = run(
            SEND_SCRIPT,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(sink.port),
            SMTP_USE_TLS="false",
            SMTP_FROM_EMAIL="info@vejapro.lt",
        )
    finally:
        sink.stop()

    [received] = sink.messages
    assert (received.sender, received.recipients) == ("info@vejapro.lt", ["jonas@gmail.com"])
    parsed = email.message_from_bytes(received.data, policy=policy.default)
    assert parsed["From"] == "VejaPRO <info@vejapro.lt>"
    assert parsed["Subject"] == "VejaPRO - Patvirtinkite galutinį mokėjimą"
    assert parsed["Message-ID"] == message_id
    assert parsed.get_body(preferencelist=("plain",)).get_content().strip() == "Jūsų patvirtinimo kodas: AB7KQ2XZ"
    assert "Patvirtinti mokėjimą" in parsed.get_body(preferencelist=("html",)).get_content()
