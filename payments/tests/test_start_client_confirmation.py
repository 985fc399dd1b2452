"""The one call site of the messaging confirmation flow (messaging.md §2.3) used by every FINAL payment."""

from types import SimpleNamespace

import pytest

from payments.services import _start_client_confirmation
from projects.tests.factories import make_project
from vejapro.core.actors import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_messaging(monkeypatch):
    fake = SimpleNamespace(calls=[], result=None)

    def confirmation_request_for_final_payment(*, project, actor):
        fake.calls.append((project, actor))
        return fake.result

    monkeypatch.setattr(
        "payments.services.confirmation_request_for_final_payment", confirmation_request_for_final_payment
    )
    return fake


@pytest.mark.parametrize(
    ("result", "queued"),
    # messaging.services.ConfirmationRequest: ``email_queued`` is true exactly when the e-mail channel was used.
    [(SimpleNamespace(email_queued=True), True), (SimpleNamespace(email_queued=False), False)],
)
def test_calls_messaging_with_keywords_and_reads_email_queued(fake_messaging, result, queued):
    fake_messaging.result = result
    project, actor = make_project("CERTIFIED"), Actor(actor_type="ADMIN", actor_id="a")

    assert _start_client_confirmation(project, actor) is queued
    assert fake_messaging.calls == [(project, actor)]


def test_reads_the_real_confirmation_request():
    from messaging.services.confirmations import ConfirmationRequest

    assert ConfirmationRequest(channel="email").email_queued is True
    assert ConfirmationRequest(channel="sms").email_queued is False
    assert ConfirmationRequest(channel=None).email_queued is False
