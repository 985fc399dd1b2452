import pytest

from messaging.transports import sms


@pytest.fixture(autouse=True)
def _clear_sms_outbox():
    sms.sent_messages.clear()
    yield
    sms.sent_messages.clear()


@pytest.fixture
def sent_sms():
    """Messages sent through the ``locmem`` SMS/WhatsApp backend during the test."""
    return sms.sent_messages


@pytest.fixture(params=["client_user", "contractor_user", "expert_user"])
def non_admin(request):
    """Every signed-in role the admin endpoints refuse with 403 «Draudžiama»."""
    return request.getfixturevalue(request.param)
